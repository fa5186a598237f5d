"""Queries of the hand-off: escalation rows, endpoint rows and what an office may see."""

import datetime as dt
import functools
from collections.abc import Collection, Iterable

from sqlalchemy import bindparam, func, insert, or_, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from storage.db import count_updated, dialect_insert
from storage.escalation_models import Delivery, Escalation, WebhookEndpoint
from storage.models import Case, CaseEvent
from storage.queue import visible_to
from storage.types import UTCDateTime

_ESCALATION_COLUMNS = (
    "case_id",
    "kind",
    "reasons",
    "urgency",
    "office",
    "ack_due_at",
    "created_at",
    "updated_at",
)


@functools.cache
def _insert(dialect: str) -> Executable:
    """Builds the escalation INSERT ... RETURNING once per dialect."""
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        make(Escalation)
        .values({name: bindparam(name) for name in _ESCALATION_COLUMNS})
        .on_conflict_do_nothing(index_elements=["case_id"])
        .returning(col(Escalation.id))
    )


def insert_escalation(
    *,
    session: Session,
    case_id: int,
    kind: str,
    urgency: str,
    office: str,
    ack_due_at: dt.datetime,
    now: dt.datetime,
) -> Escalation | None:
    """Creates the case's escalation; None when the case already has one.

    The row returned is a read-only copy, not tracked by the session: load the escalation with
    escalation_of_case before changing it.
    """
    values: dict[str, object] = {
        "case_id": case_id,
        "kind": kind,
        "reasons": [kind],
        "urgency": urgency,
        "office": office,
        "ack_due_at": ack_due_at,
        "created_at": now,
        "updated_at": now,
    }
    connection = session.connection()
    found = connection.execute(_insert(connection.dialect.name), values).scalar_one_or_none()
    if found is None:
        return None
    return Escalation(
        id=found,
        case_id=case_id,
        kind=kind,
        reasons=[kind],
        urgency=urgency,
        office=office,
        ack_due_at=ack_due_at,
        created_at=now,
        updated_at=now,
    )


@functools.cache
def _event_insert() -> Executable:
    """Builds the timeline INSERT once."""
    names = ("case_id", "type", "actor", "data", "at", "created_at")
    return insert(CaseEvent).values({name: bindparam(name) for name in names})


def add_events(*, session: Session, events: list[dict[str, object]]) -> None:
    """Appends timeline rows at once (case_id, type, actor, data, at), without the ORM."""
    if events:
        rows = [{**event, "created_at": event["at"]} for event in events]
        session.connection().execute(_event_insert(), rows)


@functools.cache
def _mark_delivered() -> Executable:
    """Builds the UPDATE marking open escalations delivered at their level, once."""
    return (
        update(Escalation)
        .where(
            tuple_(col(Escalation.id), col(Escalation.level)).in_(
                bindparam("pairs", expanding=True)
            ),
            col(Escalation.status).in_(("open", "undeliverable")),
        )
        .values(
            status="delivered",
            delivered_at=bindparam("now", type_=UTCDateTime()),
            updated_at=bindparam("now", type_=UTCDateTime()),
        )
        .returning(col(Escalation.case_id), col(Escalation.level))
    )


def mark_delivered(
    *, session: Session, reached: Iterable[tuple[int, int]], now: dt.datetime
) -> list[tuple[int, int]]:
    """Marks open escalations delivered at their level; returns (case id, level) of each."""
    pairs = sorted(set(reached))
    if not pairs:
        return []
    found = session.connection().execute(_mark_delivered(), {"pairs": pairs, "now": now})
    return [(case_id, level) for case_id, level in found]


def escalation_of_case(*, session: Session, case_id: int, lock: bool = False) -> Escalation | None:
    """Returns a case's escalation (locked for update when asked), or None."""
    query = select(Escalation).where(col(Escalation.case_id) == case_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).first()


def lock_escalation(*, session: Session, escalation_id: int) -> Escalation | None:
    """Returns an escalation locked for update, or None."""
    query = (
        select(Escalation)
        .where(col(Escalation.id) == escalation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(query).first()


def overdue_escalations(
    *, session: Session, now: dt.datetime, statuses: Iterable[str], limit: int
) -> list[Escalation]:
    """Returns escalations past their acknowledgement deadline, locked (SKIP LOCKED)."""
    query = (
        select(Escalation)
        .where(col(Escalation.status).in_(list(statuses)), col(Escalation.ack_due_at) <= now)
        .order_by(col(Escalation.ack_due_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return list(session.exec(query))


def alerted_endpoints(*, session: Session, escalation_id: int) -> list[tuple[int, str]]:
    """Returns (endpoint id, office) of every endpoint that was sent this escalation."""
    query = (
        select(col(Delivery.endpoint_id), col(Delivery.office))
        .where(col(Delivery.escalation_id) == escalation_id)
        .distinct()
    )
    return sorted(session.exec(query))


def level_states(*, session: Session, escalation_id: int, level: int) -> dict[str, int]:
    """Counts the deliveries of one escalation level by state."""
    query = (
        select(col(Delivery.state), func.count())
        .where(col(Delivery.escalation_id) == escalation_id, col(Delivery.level) == level)
        .group_by(col(Delivery.state))
    )
    return {state: count for state, count in session.exec(query)}


def sync_endpoint(
    *,
    session: Session,
    name: str,
    office: str,
    level: str,
    url: str,
    max_in_flight: int,
    now: dt.datetime,
) -> WebhookEndpoint:
    """Creates or updates an endpoint row from config; a new URL enables a disabled endpoint.

    Safe when several processes sync at once: the row is inserted at most once, then updated.
    """
    session.exec(
        dialect_insert(session, WebhookEndpoint)
        .values(name=name, office=office, level=level, url=url, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    query = select(WebhookEndpoint).where(col(WebhookEndpoint.name) == name).with_for_update()
    row = session.exec(query.execution_options(populate_existing=True)).one()
    if row.url != url or row.disabled_reason == "removed from config":
        row.enabled, row.disabled_reason, row.disabled_at = True, None, None
    row.office, row.level, row.url, row.max_in_flight = office, level, url, max_in_flight
    session.add(row)
    session.flush()
    return row


def disable_unlisted(*, session: Session, names: Iterable[str], now: dt.datetime) -> int:
    """Disables endpoint rows no longer in the config; counts them."""
    stmt = (
        update(WebhookEndpoint)
        .where(col(WebhookEndpoint.name).not_in(list(names)), col(WebhookEndpoint.enabled))
        .values(enabled=False, disabled_reason="removed from config", disabled_at=now)
    )
    return count_updated(session, stmt, col(WebhookEndpoint.id))


def set_endpoint(*, session: Session, endpoint_id: int, **values: object) -> None:
    """Updates fields of one endpoint row (enabled, paused_until, failures ...)."""
    stmt = (
        update(WebhookEndpoint)
        .where(col(WebhookEndpoint.id) == endpoint_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.exec(stmt)


def endpoints(*, session: Session) -> list[WebhookEndpoint]:
    """Returns every endpoint row by name."""
    return list(session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.name))))


def _visible(offices: Collection[str]) -> object:
    """The condition under which one of the offices may see a case (the queue's own rule)."""
    return visible_to(offices)


def _seen_by(offices: Collection[str]) -> "Select[Case, Escalation]":
    """Selects the cases one of the offices may see, each with its escalation (None before one)."""
    return (
        select(Case, Escalation)
        .join(Escalation, col(Escalation.case_id) == col(Case.id), isouter=True)
        .where(_visible(offices))  # type: ignore[arg-type]
    )


def office_cases(
    *,
    session: Session,
    offices: Collection[str],
    status: str | None = None,
    urgency: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
) -> list[tuple[Case, Escalation | None]]:
    """Returns the cases the offices may see, newest first, filtered as asked."""
    query = _seen_by(offices).where(
        or_(col(Escalation.id).is_not(None), col(Case.status) != "draft")
    )
    if status:
        query = query.where(or_(col(Escalation.status) == status, col(Case.status) == status))
    if urgency:
        query = query.where(col(Case.urgency) == urgency)
    if since:
        query = query.where(col(Case.updated_at) >= since)
    query = query.order_by(col(Case.id).desc()).limit(limit)
    return [(case, escalation) for case, escalation in session.exec(query)]


def office_case(
    *, session: Session, offices: Collection[str], reference: str
) -> tuple[Case, Escalation | None] | None:
    """Returns one case by reference when one of the offices may see it, else None."""
    query = _seen_by(offices).where(col(Case.reference) == reference)
    found = session.exec(query).first()
    return (found[0], found[1]) if found else None


def drop_disabled(*, session: Session, now: dt.datetime) -> int:
    """Gives up pending deliveries of disabled endpoints; counts them."""
    disabled = select(col(WebhookEndpoint.id)).where(~col(WebhookEndpoint.enabled))
    stmt = (
        update(Delivery)
        .where(col(Delivery.state) == "pending", col(Delivery.endpoint_id).in_(disabled))
        .values(state="dead", last_error="endpoint_disabled", updated_at=now)
    )
    return count_updated(session, stmt, col(Delivery.id))
