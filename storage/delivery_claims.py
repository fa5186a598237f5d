"""Claiming webhook deliveries with a lease and settling their outcomes with fencing.

A claim commits before any HTTP call. Settling is conditional on (state sending, lease owner,
attempt number), so a worker whose lease was reaped cannot overwrite a newer outcome.
"""

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, String, bindparam, insert, tuple_, update
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from storage.escalation_models import Delivery, DeliveryAttempt
from storage.types import UTCDateTime

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


_RETURNED = (
    col(Delivery.id),
    col(Delivery.msg_id),
    col(Delivery.endpoint_id),
    col(Delivery.escalation_id),
    col(Delivery.event_type),
    col(Delivery.level),
    col(Delivery.payload),
    col(Delivery.attempts),
)


@functools.cache
def _claim() -> Executable:
    """Builds the claim once: one UPDATE leasing the oldest due rows nobody else has locked."""
    queue = Delivery.__table__.alias("queue")  # type: ignore[attr-defined]
    due = (
        select(queue.c.id)
        .where(
            queue.c.state == "pending",
            queue.c.next_attempt_at <= bindparam("now", type_=UTCDateTime()),
            queue.c.endpoint_id.in_(bindparam("wanted", expanding=True)),
        )
        .order_by(queue.c.next_attempt_at, queue.c.id)
        .limit(bindparam("limit", type_=Integer()))
        .with_for_update(skip_locked=True)
    )
    return (
        update(Delivery)
        .where(col(Delivery.id).in_(due), col(Delivery.state) == "pending")
        .values(
            state="sending",
            lease_owner=bindparam("owner", type_=String()),
            lease_until=bindparam("until", type_=UTCDateTime()),
            attempts=col(Delivery.attempts) + 1,
            updated_at=bindparam("now", type_=UTCDateTime()),
        )
        .returning(*_RETURNED)
    )


@functools.cache
def _unclaim() -> Executable:
    """Builds the UPDATE that gives back rows claimed beyond an endpoint's free capacity."""
    return (
        update(Delivery)
        .where(
            col(Delivery.id).in_(bindparam("ids", expanding=True)),
            col(Delivery.lease_owner) == bindparam("owner", type_=String()),
            col(Delivery.state) == "sending",
        )
        .values(
            state="pending", lease_owner=None, lease_until=None, attempts=col(Delivery.attempts) - 1
        )
    )


def claim_deliveries(
    *,
    session: Session,
    owner: str,
    now: dt.datetime,
    lease_seconds: float,
    capacity: dict[int, int],
    limit: int,
) -> list[Claimed]:
    """Leases due deliveries of endpoints with free capacity (SKIP LOCKED on PostgreSQL).

    One statement in the common case; rows beyond an endpoint's free capacity are given back
    in the same transaction.
    """
    wanted = sorted(endpoint for endpoint, free in capacity.items() if free > 0)
    if not wanted or limit <= 0:
        return []
    params = {
        "now": now,
        "wanted": wanted,
        "limit": limit,
        "owner": owner,
        "until": now + dt.timedelta(seconds=lease_seconds),
    }
    rows = sorted(session.connection().execute(_claim(), params), key=lambda row: row[0])
    free, claimed, excess = dict(capacity), [], []
    for row in rows:
        if free[row[2]] > 0:
            free[row[2]] -= 1
            claimed.append(Claimed(*row))
        else:
            excess.append(row[0])
    if excess:
        session.connection().execute(_unclaim(), {"ids": excess, "owner": owner})
    return claimed


@functools.cache
def _settle(delivered: bool, retry: bool) -> Executable:
    """Builds the fenced outcome UPDATE for one shape of outcome."""
    values: dict[str, object] = {
        "state": bindparam("new_state", type_=String()),
        "lease_owner": None,
        "lease_until": None,
        "last_status": bindparam("status", type_=Integer()),
        "last_error": bindparam("error", type_=String()),
        "updated_at": bindparam("now", type_=UTCDateTime()),
    }
    if delivered:
        values["delivered_at"] = bindparam("now", type_=UTCDateTime())
    if retry:
        values["next_attempt_at"] = bindparam("next", type_=UTCDateTime())
    return (
        update(Delivery)
        .where(
            tuple_(col(Delivery.id), col(Delivery.attempts)).in_(bindparam("held", expanding=True)),
            col(Delivery.state) == "sending",
            col(Delivery.lease_owner) == bindparam("owner", type_=String()),
        )
        .values(values)
        .returning(col(Delivery.id))
    )


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
    stmt = _settle(first.state == "delivered", first.next_attempt_at is not None)
    params = {
        "held": [(o.delivery_id, o.attempt_no) for o in batch],
        "owner": owner,
        "new_state": first.state,
        "status": first.status_code,
        "error": first.error_class,
        "now": now,
        "next": first.next_attempt_at,
    }
    return [int(row[0]) for row in session.connection().execute(stmt, params)]
