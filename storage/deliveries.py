"""The webhook outbox: insert once per msg_id, reap expired leases, replay, and its views.

Claiming and settling under a lease live in storage.delivery_claims.
"""

import datetime as dt
import functools
import logging
from collections.abc import Collection
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from storage.db import count_updated
from storage.escalation_models import Delivery, WebhookEndpoint

logger = logging.getLogger(__name__)


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


NOTIFY_CHANNEL = "suara_escalation"
"""PostgreSQL: each INSERT that queues a webhook signals this channel (pg_notify in its
RETURNING, delivered to listeners only if the transaction commits; no extra round trip)."""


@functools.cache
def _insert(dialect: str) -> Executable:
    """Builds the delivery INSERT once per dialect (building it per call costs more CPU)."""
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    returned: list[Any] = [col(Delivery.id)]
    if dialect == "postgresql":
        returned.append(func.pg_notify(NOTIFY_CHANNEL, ""))
    return (
        make(Delivery)
        .values({name: bindparam(name) for name in _DELIVERY_COLUMNS})
        .on_conflict_do_nothing(index_elements=["msg_id"])
        .returning(*returned)
    )


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
    """Queues one webhook; returns False when msg_id was already queued (a harmless double).

    On PostgreSQL the same statement notifies NOTIFY_CHANNEL when it queued the webhook.
    """
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
    found = connection.execute(_insert(connection.dialect.name), values).first()
    return found is not None


def reap_deliveries(*, session: Session, now: dt.datetime) -> int:
    """Returns deliveries whose lease expired (their worker died) to pending; counts them."""
    stmt = (
        update(Delivery)
        .where(col(Delivery.state) == "sending", col(Delivery.lease_until) < now)
        .values(state="pending", lease_owner=None, lease_until=None, next_attempt_at=now)
    )
    reaped = count_updated(session, stmt, col(Delivery.id))
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
    stmt = stmt.values(state="pending", next_attempt_at=now, updated_at=now)
    return count_updated(session, stmt, col(Delivery.id))


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
