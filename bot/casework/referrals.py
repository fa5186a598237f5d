"""Referrals (R-04): nothing about a case goes to a third party without the reporter's matching
consent to share with that recipient, or a logged emergency exception (R-03, P0 only). The
caseworker's referral and the hand-off's automatic shares (bot.casework.desk passes GATE to the
Desk) pass the same gate; without an answer yet, the reporter is asked in chat.

Every decision is audited on the case timeline: "case_shared" when data went out, "share_refused"
when the gate stopped it, "emergency_exception_logged" when a caseworker invoked R-03.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.casework.verbs import actor_of
from bot.safety import request_share_consent
from storage import db, referrals
from storage.escalation_models import Caseworker
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


def gate(session: Session, case: Case, recipient: str, now: dt.datetime) -> Basis | None:
    """Runs the gate for an automatic share by the system; None when it refused (audited)."""
    try:
        return ensure_may_share(session, case, recipient, SYSTEM, now)
    except ShareRefused:
        return None


SHARED, REQUESTED = "shared", "consent_requested"


@dataclass(frozen=True)
class Referral:
    """What a referral did: shared (with the thin data and the basis) or asked the reporter."""

    status: str
    recipient: str
    basis: Basis | None = None
    shared: dict[str, Any] = field(default_factory=dict)


def refer(
    engine: Engine, case_id: int, recipient: str, reason: str, who: Caseworker, at: dt.datetime
) -> Referral:
    """Shares a case with a recipient through the gate; raises ShareRefused (after committing
    its audit entry) when the reporter refused or withdrew consent."""
    check_code(recipient, "recipient")
    check_code(reason, "reason")
    refused: ShareRefused | None = None
    with db.session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        try:
            basis = ensure_may_share(session, case, recipient, actor_of(who), at)
        except ShareRefused as error:
            if error.code is not Refusal.NO_CONSENT:
                refused = error
            else:
                ask_consent(session, case, recipient, at)
                return Referral(REQUESTED, recipient)
        else:
            record_share(session, case, recipient, actor_of(who), reason, basis, at)
            return Referral(SHARED, recipient, basis, thin(case))
    raise refused


def ask_consent(session: Session, case: Case, recipient: str, at: dt.datetime) -> None:
    """Asks the reporter in chat whether the case may go to the recipient; their answer becomes
    a Consent(purpose="share", recipient) row (bot/safety/consents.py audits the question)."""
    assert case.id is not None
    request_share_consent(session, case.id, recipient, at)


def emergency_exception(engine: Engine, case_id: int, who: Caseworker, justification: str) -> None:
    """Logs an R-03 emergency exception on a P0 case; raises ExceptionNotAllowed otherwise."""
    with db.session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        log_emergency_exception(
            session, case, actor_of(who), justification, dt.datetime.now(dt.UTC)
        )


class ReferralGate:
    """The gate as the hand-off sees it (escalation.sharing.SharingGate)."""

    def gate(self, session: Session, case: Case, recipient: str, now: dt.datetime) -> str | None:
        """Returns why the system may share with a recipient, or None (refused, audited)."""
        return gate(session, case, recipient, now)

    def record_share(
        self, session: Session, case: Case, recipient: str, reason: str, basis: str, at: dt.datetime
    ) -> None:
        """Audits one share the system made."""
        record_share(session, case, recipient, SYSTEM, reason, Basis(basis), at)


GATE = ReferralGate()
