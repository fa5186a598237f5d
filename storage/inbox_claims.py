"""Claiming inbound updates with a lease before translation, so one process handles each update.

Translation has side effects (a button press is answered, a file fetched), so an update is
claimed by one owner before it is read: `claim_inbound` leases a batch, `take_inbound` one row
(claiming it, or renewing the owner's own claim). A row is claimable while pending, due, and not
held by a live lease; it is not claimable while an earlier row of its chat is held by another
owner, so that one chat's updates are processed in order by one process at a time. On PostgreSQL
claims run one at a time (a transaction advisory lock, held for one statement), so that a claim
never acts on a snapshot that misses another's claim in progress; SQLite's writer lock does the
same there. An owner renews its leases while it works; a dead owner's rows lapse within seconds.
"""

import datetime as dt
import logging
from collections.abc import Collection
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, literal, or_, text, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.db import count_updated
from storage.leases import extend_row_leases
from storage.models import InboundUpdate

logger = logging.getLogger(__name__)

_PENDING = literal("pending", literal_execute=True)
"""Written into the SQL, not bound, so that the planner may use the index of pending rows."""

_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('suara-inbox-claim:' || current_schema()))")
"""Serialises inbox claims per schema on PostgreSQL until the claiming transaction ends."""

Claim = tuple[int, str, str | None]
"""(inbox id, channel, chat id) of a claimed update."""


def claim_inbound(
    *,
    session: Session,
    owner: str,
    now: dt.datetime,
    seconds: float,
    limit: int,
    received_before: dt.datetime | None = None,
) -> list[Claim]:
    """Leases due, unheld pending updates to owner, in id order; returns what it claimed."""
    _serialise(session)
    values = {"owner": owner, "now": now, "limit": limit, "received_before": received_before}
    ids = list(session.execute(_claimable_ids(received_before is not None), values).scalars())
    if not ids:
        return []
    until = now + dt.timedelta(seconds=seconds)
    leased = session.execute(_LEASED, {"ids": ids, "owner": owner, "until": until})
    claimed = sorted((row_id, channel, chat) for row_id, channel, chat in leased)
    logger.debug("claimed %d inbound updates", len(claimed))
    return claimed


def take_inbound(
    *, session: Session, inbound_id: int, owner: str, now: dt.datetime, seconds: float
) -> InboundUpdate | None:
    """Claims one update for owner (or renews owner's claim); None when it is not owner's to do."""
    _serialise(session)
    until = now + dt.timedelta(seconds=seconds)
    values = {"inbound_id": inbound_id, "owner": owner, "now": now, "until": until}
    row: InboundUpdate | None = session.execute(_TAKEN, values).scalars().first()
    return row


def holds(*, session: Session, inbound_id: int, owner: str | None) -> bool:
    """Tells whether an update still waits under owner's claim (any claim when owner is None).

    The row stays locked until the transaction ends, so that nobody claims it meanwhile.
    """
    query = select(InboundUpdate).where(col(InboundUpdate.id) == inbound_id).with_for_update()
    row = session.execute(query.execution_options(populate_existing=True)).scalars().first()
    if row is None or row.status != "pending":
        return False
    return owner is None or row.lease_owner == owner


def renew_inbound(
    *,
    session: Session,
    owner: str,
    now: dt.datetime,
    seconds: float,
    ids: Collection[int] | None = None,
) -> int:
    """Extends owner's leases on pending updates (only those of `ids`, if given); counts them."""
    until = now + dt.timedelta(seconds=seconds)
    return extend_row_leases(
        session=session, table=InboundUpdate, status="pending", owner=owner, until=until, ids=ids
    )


def release_inbound(*, session: Session, owner: str) -> int:
    """Gives up owner's claims on updates not processed yet (a clean stop); counts them."""
    stmt = (
        update(InboundUpdate)
        .where(col(InboundUpdate.lease_owner) == owner, col(InboundUpdate.status) == "pending")
        .values(lease_owner=None, lease_until=None)
    )
    return count_updated(session, stmt, col(InboundUpdate.id))


def _claimable() -> ColumnElement[bool]:
    """The condition of a row another owner may claim now (see the module docstring)."""
    owner: BindParameter[str] = bindparam("owner")
    now: BindParameter[dt.datetime] = bindparam("now")
    earlier = aliased(InboundUpdate)
    held_elsewhere = exists().where(
        col(earlier.channel) == col(InboundUpdate.channel),
        col(earlier.chat_id) == col(InboundUpdate.chat_id),
        col(earlier.id) < col(InboundUpdate.id),
        col(earlier.status) == "pending",
        col(earlier.lease_owner) != owner,
        col(earlier.lease_until) >= now,
    )
    free = or_(col(InboundUpdate.lease_owner).is_(None), col(InboundUpdate.lease_until) < now)
    waiting = col(InboundUpdate.next_attempt_at)
    due = or_(waiting.is_(None), waiting <= now)
    return and_(col(InboundUpdate.status) == _PENDING, free, due, ~held_elsewhere)


@cache
def _claimable_ids(received_before: bool) -> SelectOfScalar[int | None]:
    """Builds the claim's query once per filter: building it cost more than running it."""
    query = select(col(InboundUpdate.id)).where(_claimable())
    if received_before:
        query = query.where(col(InboundUpdate.received_at) <= bindparam("received_before"))
    return (
        query.order_by(col(InboundUpdate.id))
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True, of=InboundUpdate)
    )


_LEASE: dict[str, BindParameter[Any]] = {
    "lease_owner": bindparam("owner"),
    "lease_until": bindparam("until"),
}
_LEASED = (
    update(InboundUpdate)
    .where(col(InboundUpdate.id).in_(bindparam("ids", expanding=True)))
    .values(_LEASE)
    .returning(col(InboundUpdate.id), col(InboundUpdate.channel), col(InboundUpdate.chat_id))
    .execution_options(synchronize_session=False)
)
_TAKEN = (
    update(InboundUpdate)
    .where(
        col(InboundUpdate.id) == bindparam("inbound_id"),
        (col(InboundUpdate.lease_owner) == bindparam("owner")) | _claimable(),
        col(InboundUpdate.status) == "pending",
    )
    .values(_LEASE)
    .returning(InboundUpdate)
    .execution_options(synchronize_session=False)
)


def _serialise(session: Session) -> None:
    """Waits for other processes' claims in progress (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK)
