"""Referrals by caseworkers: every path that sends case data to a third party passes the gate in
escalation/referrals.py; without an answer yet, the reporter is asked in chat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.casework.verbs import actor_of
from bot.safety.consents import request_share_consent
from escalation.referrals import (
    Basis,
    ExceptionNotAllowed,
    Refusal,
    ShareRefused,
    check_code,
    ensure_may_share,
    log_emergency_exception,
    record_share,
    thin,
)
from storage import db
from storage.escalation_models import Caseworker
from storage.models import Case

__all__ = [
    "ExceptionNotAllowed",
    "Referral",
    "ShareRefused",
    "emergency_exception",
    "ensure_may_share",
    "refer",
]

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
