"""The referral gate (R-04): nothing about a case goes to a third party without the reporter's
matching consent to share with that recipient, or a logged emergency exception (R-03, P0 only).

Every decision is audited on the case timeline: "case_shared" when data went out, "share_refused"
when the gate stopped it, "emergency_exception_logged" when a caseworker invoked R-03.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from escalation.offices import Directory
from storage import referrals
from storage.models import Case

CODE = re.compile(r"^[a-z0-9_]{1,40}$")
SHARE = "share"
EMERGENCY_URGENCY = "P0"
SYSTEM = "system"


class Basis(StrEnum):
    """Why a share was allowed."""

    CONSENT = "consent"
    EMERGENCY = "emergency_exception"


class Refusal(StrEnum):
    """Why a share was refused (stable codes, returned by the API)."""

    NO_CONSENT = "consent_missing"
    REFUSED = "consent_refused"
    WITHDRAWN = "consent_withdrawn"


class Justification(StrEnum):
    """Codes a caseworker may give for an emergency exception (R-03); never free text."""

    LIFE_AT_RISK = "life_at_risk"
    MEDICAL_EMERGENCY = "medical_emergency"
    DETAINED = "detained"
    TRAFFICKING_IN_PROGRESS = "trafficking_in_progress"
    CHILD_AT_RISK = "child_at_risk"
    CANNOT_BE_REACHED = "cannot_be_reached"


class ShareRefused(Exception):
    """The gate stopped a share; `code` is a Refusal."""

    def __init__(self, code: Refusal, recipient: str) -> None:
        super().__init__(f"sharing with {recipient} needs the reporter's consent ({code.value})")
        self.code, self.recipient = code, recipient


class ExceptionNotAllowed(ValueError):
    """An emergency exception was asked for a case that is not P0, or with an unknown code."""


def check_code(value: str, what: str) -> str:
    """Returns a code unchanged; raises ValueError when it is not one."""
    if not CODE.match(value):
        raise ValueError(f"{what} is a code: lower-case letters, digits and _ (1 to 40)")
    return value


def ensure_may_share(
    session: Session, case: Case, recipient: str, actor: str, at: dt.datetime
) -> Basis:
    """Returns why a share may happen; audits and raises ShareRefused when it may not.

    The latest consent row for (reporter, "share", recipient) wins. "given" allows; "refused" or
    "withdrawn" block even an emergency exception (the reporter's own risk assessment); with no
    answer at all, a logged emergency exception on a case that is still P0 allows.
    """
    assert case.id is not None
    check_code(recipient, "recipient")
    answer = referrals.latest_consent(
        session=session, reporter_id=case.reporter_id, purpose=SHARE, recipient=recipient
    )
    if answer == "given":
        return Basis.CONSENT
    if answer is None and may_use_exception(session, case):
        return Basis.EMERGENCY
    code = {"refused": Refusal.REFUSED, "withdrawn": Refusal.WITHDRAWN}.get(
        answer or "", Refusal.NO_CONSENT
    )
    data = {"recipient": recipient, "code": code.value}
    referrals.add_event(
        session=session, case_id=case.id, type="share_refused", actor=actor, at=at, data=data
    )
    raise ShareRefused(code, recipient)


def may_use_exception(session: Session, case: Case) -> bool:
    """Whether a logged emergency exception covers the case now (it must still be P0)."""
    assert case.id is not None
    if case.urgency != EMERGENCY_URGENCY:
        return False
    return referrals.emergency_exception(session=session, case_id=case.id) is not None


def log_emergency_exception(
    session: Session, case: Case, actor: str, justification: str, at: dt.datetime
) -> None:
    """Logs an R-03 emergency exception on a P0 case; raises ExceptionNotAllowed otherwise."""
    assert case.id is not None
    if justification not in {j.value for j in Justification}:
        raise ExceptionNotAllowed(f"justification must be one of {sorted(Justification)}")
    if case.urgency != EMERGENCY_URGENCY:
        raise ExceptionNotAllowed("an emergency exception is only for P0 cases")
    referrals.add_event(
        session=session,
        case_id=case.id,
        type=referrals.EMERGENCY_EXCEPTION,
        actor=actor,
        at=at,
        data={"justification": justification},
    )


def record_share(
    session: Session,
    case: Case,
    recipient: str,
    actor: str,
    reason: str,
    basis: Basis,
    at: dt.datetime,
) -> None:
    """Audits one share of a case with a third party."""
    assert case.id is not None
    data = {"recipient": recipient, "reason": check_code(reason, "reason"), "basis": basis.value}
    referrals.add_event(
        session=session, case_id=case.id, type="case_shared", actor=actor, at=at, data=data
    )


def thin(case: Case) -> dict[str, Any]:
    """Returns what a referral shares: codes and the reference, never names, numbers or text."""
    return {
        "case_ref": case.reference,
        "urgency": case.urgency,
        "categories": [c for c in case.categories if CODE.match(str(c).lower())],
        "primary_category": case.primary_category,
        "destination_country": (case.destination_country or "").split(":", 1)[0] or None,
        "language": case.locale,
    }


def third_party(directory: Directory, endpoint_name: str | None) -> str | None:
    """Returns the office id when an endpoint belongs to a third-party office, else None."""
    endpoint = directory.endpoint(endpoint_name) if endpoint_name else None
    office = directory.offices.get(endpoint.office) if endpoint else None
    return office.id if office is not None and office.third_party else None


def gate(session: Session, case: Case, recipient: str, now: dt.datetime) -> Basis | None:
    """Runs the gate for an automatic share by the system; None when it refused (audited)."""
    try:
        return ensure_may_share(session, case, recipient, SYSTEM, now)
    except ShareRefused:
        return None


OWN_GROUP_LEVELS = ("office", "supervisor")
"""Levels at which an alert channel reaches the office's own people (bot.casework.group_alerts)."""


def may_alert(
    session: Session,
    directory: Directory,
    case: Case,
    office_id: str,
    level_name: str,
    now: dt.datetime,
) -> bool:
    """Whether other alert channels (a Telegram group) may be told about a case: a third-party
    office's own group passes the gate, and an allowed alert is audited as a share."""
    office = directory.offices.get(office_id)
    if office is None or not office.third_party or level_name not in OWN_GROUP_LEVELS:
        return True
    basis = gate(session, case, office.id, now)
    if basis is not None:
        record_share(session, case, office.id, SYSTEM, "group_alert", basis, now)
    return basis is not None
