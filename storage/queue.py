"""The caseworkers' queue: the cases a set of offices may see, urgent first, filtered in SQL.

One query returns a page of rows; the reporter messages a case has had since a caseworker last
answered or opened it are counted in the same query, so a queue of thousands stays one round trip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_
from sqlmodel import Session, col, select

from storage.escalation_models import Caseworker, Delivery, Escalation
from storage.models import Case, CaseEvent

REPORTER_MESSAGE = "follow_up_received"
SEEN = ("reply_sent", "case_viewed")
"""Timeline events after which a caseworker has seen what the reporter sent before."""
WAITING_STATUSES = ("open", "delivered", "undeliverable")
CLOSED_STATUSES = ("resolved", "cancelled")


@dataclass(frozen=True)
class QueueQuery:
    """What a person asks of the queue; None means no filter."""

    office: str | None = None
    urgency: str | None = None
    status: str | None = None
    category: str | None = None
    destination_country: str | None = None
    home_regency: str | None = None
    owner: int | None = None
    older_than_days: int | None = None
    newer_than_days: int | None = None
    waiting_for: int | None = None
    """A caseworker id: cases they hold with unanswered reporter messages, or nobody holds yet."""
    include_closed: bool = False
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: the case, its hand-off, who holds it and what is unread."""

    case: Case
    escalation: Escalation | None
    owner_name: str | None
    unread: int


def visible_to(offices: Collection[str] | None) -> ColumnElement[bool]:
    """The condition under which one of the offices may see a case; None sees every office."""
    if offices is None:
        return col(Case.id).is_not(None)
    alerted = exists().where(
        col(Delivery.escalation_id) == col(Escalation.id), col(Delivery.office).in_(offices)
    )
    return or_(col(Case.lead_office).in_(offices), col(Escalation.office).in_(offices), alerted)


def _unread() -> Any:
    """Counts the reporter messages no reply or opening of the case has come after."""
    events = CaseEvent.__table__  # type: ignore[attr-defined]
    message, seen = events.alias(), events.alias()
    answered = exists().where(
        seen.c.case_id == message.c.case_id, seen.c.type.in_(SEEN), seen.c.id > message.c.id
    )
    return (
        select(func.count())
        .select_from(message)
        .where(message.c.case_id == col(Case.id), message.c.type == REPORTER_MESSAGE, ~answered)
        .scalar_subquery()
    )


def _filed() -> ColumnElement[bool]:
    """A case is in the queue once it is submitted or escalated (a draft is still being told)."""
    return or_(col(Escalation.id).is_not(None), col(Case.status) != "draft")


def _filters(query: QueueQuery, now: dt.datetime, unread: Any) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [_filed()]
    status = func.coalesce(col(Escalation.status), col(Case.status))
    if query.status:
        found.append(status == query.status)
    elif not query.include_closed:
        found.append(status.not_in(CLOSED_STATUSES))
    if query.office:
        found.append(visible_to([query.office]))
    for column, value in (
        (col(Case.urgency), query.urgency),
        (col(Case.destination_country), query.destination_country),
        (col(Case.home_regency), query.home_regency),
        (col(Escalation.claimed_by), query.owner),
    ):
        if value is not None:
            found.append(column == value)
    if query.category:
        found.append(col(Case.primary_category) == query.category)
    submitted = func.coalesce(col(Case.submitted_at), col(Case.created_at))
    if query.older_than_days is not None:
        found.append(submitted <= now - dt.timedelta(days=query.older_than_days))
    if query.newer_than_days is not None:
        found.append(submitted > now - dt.timedelta(days=query.newer_than_days))
    if query.waiting_for is not None:
        mine = and_(col(Escalation.claimed_by) == query.waiting_for, unread > 0)
        nobody = and_(col(Escalation.claimed_by).is_(None), status.in_(WAITING_STATUSES))
        found.append(or_(mine, nobody))
    return found


def queue(
    *, session: Session, offices: Collection[str] | None, query: QueueQuery, now: dt.datetime
) -> list[QueueRow]:
    """Returns one page of the queue: most urgent first, then the nearest deadline, then newest."""
    unread = _unread()
    statement = (
        select(Case, Escalation, col(Caseworker.name), unread.label("unread"))
        .join(Escalation, col(Escalation.case_id) == col(Case.id), isouter=True)
        .join(Caseworker, col(Caseworker.id) == col(Escalation.claimed_by), isouter=True)
        .where(visible_to(offices), *_filters(query, now, unread))
        .order_by(
            col(Case.urgency),
            col(Escalation.ack_due_at).is_(None),
            col(Escalation.ack_due_at),
            col(Case.id).desc(),
        )
        .limit(query.limit)
        .offset(query.offset)
    )
    return [QueueRow(c, e, name, int(n or 0)) for c, e, name, n in session.exec(statement)]


def latest_change(*, session: Session, offices: Collection[str] | None) -> tuple[int, int]:
    """Returns the newest filed case id and reporter message id the offices may see, for polling."""
    cases = select(func.coalesce(func.max(Case.id), 0)).join(
        Escalation, col(Escalation.case_id) == col(Case.id), isouter=True
    )
    events = (
        select(func.coalesce(func.max(CaseEvent.id), 0))
        .join(Case, col(Case.id) == col(CaseEvent.case_id))
        .join(Escalation, col(Escalation.case_id) == col(Case.id), isouter=True)
        .where(col(CaseEvent.type) == REPORTER_MESSAGE)
    )
    newest_case = session.exec(cases.where(visible_to(offices), _filed())).one()
    newest_event = session.exec(events.where(visible_to(offices))).one()
    return int(newest_case or 0), int(newest_event or 0)
