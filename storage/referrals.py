"""Queries behind the referral gate and the audit trail: the latest consent, logged exceptions."""

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from storage.models import CaseEvent, Consent

EMERGENCY_EXCEPTION = "emergency_exception_logged"


def latest_consent(
    *, session: Session, reporter_id: int, purpose: str, recipient: str | None = None
) -> str | None:
    """Returns the answer of the latest consent row for a purpose (and recipient), or None."""
    query = select(Consent).where(
        col(Consent.reporter_id) == reporter_id, col(Consent.purpose) == purpose
    )
    if recipient is not None:
        query = query.where(col(Consent.recipient) == recipient)
    row = session.exec(query.order_by(col(Consent.at).desc(), col(Consent.id).desc())).first()
    return row.answer if row else None


def emergency_exception(*, session: Session, case_id: int) -> CaseEvent | None:
    """Returns the latest emergency exception logged on a case, or None."""
    query = select(CaseEvent).where(
        col(CaseEvent.case_id) == case_id, col(CaseEvent.type) == EMERGENCY_EXCEPTION
    )
    return session.exec(query.order_by(col(CaseEvent.id).desc())).first()


def add_event(
    *, session: Session, case_id: int, type: str, actor: str, at: dt.datetime, data: dict[str, Any]
) -> CaseEvent:
    """Appends one audit entry to a case's timeline."""
    row = CaseEvent(case_id=case_id, type=type, actor=actor, data=data, at=at)
    session.add(row)
    session.flush()
    return row


def case_events(
    *, session: Session, case_id: int, types: list[str] | None = None, limit: int = 1000
) -> list[CaseEvent]:
    """Returns a case's timeline entries, oldest first, optionally of some types only."""
    query = select(CaseEvent).where(col(CaseEvent.case_id) == case_id)
    if types:
        query = query.where(col(CaseEvent.type).in_(types))
    return list(session.exec(query.order_by(col(CaseEvent.id)).limit(limit)))
