"""The webhook outbox: insert once per msg_id, claim with a lease, settle with fencing, reap.

A claim commits before any HTTP call. Settling is conditional on (state sending, lease owner,
attempt number), so a worker whose lease was reaped cannot overwrite a newer outcome.
"""

import datetime as dt
import functools
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from storage.escalation_models import Delivery, DeliveryAttempt, WebhookEndpoint

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claimed:
    """A delivery leased to one worker: what the sender needs, nothing more."""

    id: int
    msg_id: str
    endpoint_id: int
    escalation_id: int
    event_type: str
    level: int
    payload: str
    attempts: int


@dataclass(frozen=True)
class Settled:
    """The outcome of one attempt, to be written with its attempt row."""

    delivery_id: int
    attempt_no: int
    state: str
    started_at: dt.datetime
    duration_ms: int
    status_code: int
    error_class: str | None = None
    excerpt: str | None = None
    next_attempt_at: dt.datetime | None = None


_DELIVERY_COLUMNS = (
    "msg_id",
    "escalation_id",
    "endpoint_id",
    "office",
    "event_type",
    "level",
    "payload",
    "next_attempt_at",
    "created_at",
    "updated_at",
)


@functools.cache
def _insert(dialect: str) -> Executable:
    """Builds the delivery INSERT once per dialect (building it per call costs more CPU)."""
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        make(Delivery)
        .values({name: bindparam(name) for name in _DELIVERY_COLUMNS})
        .on_conflict_do_nothing(index_elements=["msg_id"])
        .returning(col(Delivery.id))
    )


@functools.cache
def _attempt_insert() -> Executable:
    """Builds the attempt INSERT once (run as one executemany per batch)."""
    names = (
        "delivery_id",
        "attempt_no",
        "started_at",
        "duration_ms",
        "status_code",
        "error_class",
        "response_excerpt",
        "worker",
        "created_at",
    )
    return insert(DeliveryAttempt).values({name: bindparam(name) for name in names})


def insert_delivery(
    *,
    session: Session,
    msg_id: str,
    escalation_id: int,
    endpoint_id: int,
    office: str,
    event_type: str,
    level: int,
    payload: str,
    now: dt.datetime,
) -> bool:
    """Queues one webhook; returns False when msg_id was already queued (a harmless double)."""
    connection = session.connection()
    values = {
        "msg_id": msg_id,
        "escalation_id": escalation_id,
        "endpoint_id": endpoint_id,
        "office": office,
        "event_type": event_type,
        "level": level,
        "payload": payload,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }
    found = connection.execute(_insert(connection.dialect.name), values).scalar_one_or_none()
    return found is not None


def claim_deliveries(
    *,
    session: Session,
    owner: str,
    now: dt.datetime,
    lease_seconds: float,
    capacity: dict[int, int],
    limit: int,
) -> list[Claimed]:
    """Leases due deliveries of endpoints with free capacity (SKIP LOCKED on PostgreSQL)."""
    wanted = [endpoint for endpoint, free in capacity.items() if free > 0]
    if not wanted or limit <= 0:
        return []
    query = (
        select(col(Delivery.id), col(Delivery.endpoint_id))
        .where(
            col(Delivery.state) == "pending",
            col(Delivery.next_attempt_at) <= now,
            col(Delivery.endpoint_id).in_(wanted),
        )
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    free, ids = dict(capacity), []
    for delivery_id, endpoint_id in session.exec(query):
        if free[endpoint_id] > 0:
            free[endpoint_id] -= 1
            ids.append(delivery_id)
    if not ids:
        return []
    stmt = (
        update(Delivery)
        .where(col(Delivery.id).in_(ids), col(Delivery.state) == "pending")
        .values(
            state="sending",
            lease_owner=owner,
            lease_until=now + dt.timedelta(seconds=lease_seconds),
            attempts=col(Delivery.attempts) + 1,
            updated_at=now,
        )
        .returning(
            col(Delivery.id),
            col(Delivery.msg_id),
            col(Delivery.endpoint_id),
            col(Delivery.escalation_id),
            col(Delivery.event_type),
            col(Delivery.level),
            col(Delivery.payload),
            col(Delivery.attempts),
        )
        .execution_options(synchronize_session=False)
    )
    return sorted((Claimed(*row) for row in session.exec(stmt)), key=lambda c: c.id)


def settle_deliveries(
    *, session: Session, owner: str, outcomes: Sequence[Settled], now: dt.datetime
) -> list[int]:
    """Writes outcomes still held under owner's lease, with their attempt rows; returns ids."""
    groups: dict[tuple[str, int, str | None], list[Settled]] = {}
    for outcome in outcomes:
        if outcome.next_attempt_at is None:
            key = (outcome.state, outcome.status_code, outcome.error_class)
            groups.setdefault(key, []).append(outcome)
        else:
            groups[(f"retry:{outcome.delivery_id}", 0, None)] = [outcome]
    applied: set[int] = set()
    for batch in groups.values():
        applied.update(_settle_group(session, owner, batch, now))
    rows = []
    for outcome in outcomes:
        if outcome.delivery_id not in applied:
            logger.warning("stale delivery outcome", extra={"delivery_id": outcome.delivery_id})
            continue
        rows.append(
            {
                "delivery_id": outcome.delivery_id,
                "attempt_no": outcome.attempt_no,
                "started_at": outcome.started_at,
                "duration_ms": outcome.duration_ms,
                "status_code": outcome.status_code,
                "error_class": outcome.error_class,
                "response_excerpt": outcome.excerpt,
                "worker": owner,
                "created_at": now,
            }
        )
    if rows:
        session.connection().execute(_attempt_insert(), rows)
    return [o.delivery_id for o in outcomes if o.delivery_id in applied]


def _settle_group(
    session: Session, owner: str, batch: list[Settled], now: dt.datetime
) -> list[int]:
    """Applies outcomes that write the same values, fenced by (id, attempt number, owner)."""
    first = batch[0]
    values: dict[str, object] = {
        "state": first.state,
        "lease_owner": None,
        "lease_until": None,
        "last_status": first.status_code,
        "last_error": first.error_class,
        "updated_at": now,
    }
    if first.state == "delivered":
        values["delivered_at"] = now
    if first.next_attempt_at is not None:
        values["next_attempt_at"] = first.next_attempt_at
    held = [(o.delivery_id, o.attempt_no) for o in batch]
    stmt = (
        update(Delivery)
        .where(
            tuple_(col(Delivery.id), col(Delivery.attempts)).in_(held),
            col(Delivery.state) == "sending",
            col(Delivery.lease_owner) == owner,
        )
        .values(**values)
        .returning(col(Delivery.id))
        .execution_options(synchronize_session=False)
    )
    return [int(delivery_id) for delivery_id in session.exec(stmt).scalars()]


def reap_deliveries(*, session: Session, now: dt.datetime) -> int:
    """Returns deliveries whose lease expired (their worker died) to pending; counts them."""
    stmt = (
        update(Delivery)
        .where(col(Delivery.state) == "sending", col(Delivery.lease_until) < now)
        .values(state="pending", lease_owner=None, lease_until=None, next_attempt_at=now)
        .returning(col(Delivery.id))
        .execution_options(synchronize_session=False)
    )
    reaped = len(session.exec(stmt).all())
    if reaped:
        logger.info("reaped %d expired delivery leases", reaped)
    return reaped


def replay_deliveries(
    *,
    session: Session,
    now: dt.datetime,
    ids: Collection[int] = (),
    since: dt.datetime | None = None,
) -> int:
    """Queues named deliveries (dead or delivered), or every dead one, again; counts them."""
    stmt = update(Delivery)
    if ids:
        stmt = stmt.where(
            col(Delivery.id).in_(list(ids)), col(Delivery.state).in_(("dead", "delivered"))
        )
    else:
        stmt = stmt.where(col(Delivery.state) == "dead")
    if since is not None:
        stmt = stmt.where(col(Delivery.created_at) >= since)
    stmt = stmt.values(state="pending", next_attempt_at=now, updated_at=now).returning(
        col(Delivery.id)
    )
    return len(session.exec(stmt.execution_options(synchronize_session=False)).all())


def endpoint_load(*, session: Session) -> dict[int, int]:
    """Returns how many deliveries each endpoint has in flight (state sending)."""
    query = (
        select(col(Delivery.endpoint_id), func.count())
        .where(col(Delivery.state) == "sending")
        .group_by(col(Delivery.endpoint_id))
    )
    return {endpoint_id: count for endpoint_id, count in session.exec(query)}


def usable_endpoints(*, session: Session, now: dt.datetime) -> list[WebhookEndpoint]:
    """Returns enabled endpoints (paused ones included: the caller checks paused_until)."""
    query = select(WebhookEndpoint).where(col(WebhookEndpoint.enabled))
    return list(session.exec(query))
