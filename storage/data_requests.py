"""Data-rights requests as caseworkers see them: by office, open ones first; overdue ones."""

import datetime as dt

from sqlalchemy import case as when
from sqlalchemy import or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from storage.models import Case
from storage.safety_models import DataRequest

OPEN = "open"
DEFAULT_OFFICE = "jakarta"


def _visible(office: str) -> object:
    """A request is seen by the lead office of its case; one with no case by Jakarta."""
    if office == DEFAULT_OFFICE:
        return or_(col(Case.lead_office) == office, col(Case.lead_office).is_(None))
    return col(Case.lead_office) == office


def _handled_by(office: str) -> "Select[DataRequest, Case]":
    """Selects the requests the office handles, each with its case (None when it has none)."""
    return (
        select(DataRequest, Case)
        .join(Case, col(Case.id) == col(DataRequest.case_id), isouter=True)
        .where(_visible(office))  # type: ignore[arg-type]
    )


def office_requests(
    *,
    session: Session,
    office: str,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 100,
) -> list[tuple[DataRequest, Case | None]]:
    """Returns the requests an office handles, open ones first, the most urgent first."""
    query = _handled_by(office)
    if status:
        query = query.where(col(DataRequest.status) == status)
    if kind:
        query = query.where(col(DataRequest.kind) == kind)
    first = when((col(DataRequest.status) == OPEN, 0), else_=1)
    query = query.order_by(first, col(DataRequest.due_at), col(DataRequest.id)).limit(limit)
    return [(request, case) for request, case in session.exec(query)]


def office_request(
    *, session: Session, office: str, request_id: int
) -> tuple[DataRequest, Case | None] | None:
    """Returns one request (locked) when the office handles it, else None."""
    query = (
        _handled_by(office).where(col(DataRequest.id) == request_id).with_for_update(of=DataRequest)
    )
    found = session.exec(query).first()
    return (found[0], found[1]) if found else None


def overdue_requests(*, session: Session, now: dt.datetime, limit: int = 100) -> list[DataRequest]:
    """Returns open requests past their escalation time that nobody escalated yet (locked)."""
    query = (
        select(DataRequest)
        .where(
            col(DataRequest.status) == OPEN,
            col(DataRequest.escalate_at) <= now,
            col(DataRequest.escalated_at).is_(None),
        )
        .order_by(col(DataRequest.escalate_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(query))
