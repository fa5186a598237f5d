"""The outgoing-message outbox: enqueue in the turn's transaction, claim with a lease, settle.

Order is per chat: a message is claimable only when no earlier message of the same chat is still
pending or sending, so a chat never receives message n+1 before message n. Each message is
settled on its own as soon as its send is done, under the claim's owner and attempt, so a sender
whose lease lapsed (and whose message another took over) cannot overwrite the newer outcome.
"""

import logging
from collections.abc import Collection
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, exists, or_, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.db import count_updated
from storage.errors import RowNotFound
from storage.leases import extend_row_leases
from storage.models import OutboxMessage
from storage.types import utcnow

logger = logging.getLogger(__name__)

_UNSETTLED = ("pending", "sending")
_FINAL_FAILURES = ("failed", "dead")


def enqueue_outbox(
    *,
    session: Session,
    conversation_id: int | None,
    channel: str,
    chat_id: str,
    payloads: list[dict[str, Any]],
) -> list[OutboxMessage]:
    """Queue rendered messages for a chat, in order, due now."""
    now = utcnow()
    rows = []
    for payload in payloads:
        row = OutboxMessage(
            conversation_id=conversation_id,
            channel=channel,
            chat_id=chat_id,
            payload=payload,
            next_attempt_at=now,
        )
        session.add(row)
        session.flush()  # one row at a time so ids follow the list order on every database
        rows.append(row)
    return rows


def claim_outbox(
    *,
    session: Session,
    now: datetime,
    lease_seconds: float,
    limit: int,
    channel: str | None = None,
    owner: str | None = None,
    chat_id: str | None = None,
) -> list[OutboxMessage]:
    """Lease messages that head their chat's queue: status sending, attempts + 1.

    A message is due when pending and its time has come, or when its sender's lease lapsed (the
    sender died mid-send): then it is sent again, at once and before the rest of its chat.
    """
    heads = _due_heads(channel is not None, chat_id is not None)
    values = {"now": now, "limit": limit, "channel": channel, "chat_id": chat_id}
    ids = list(session.exec(heads, params=values))
    if not ids:
        return []
    until = now + timedelta(seconds=lease_seconds)
    session.exec(_LEASED, params={"ids": ids, "owner": owner, "until": until})
    logger.debug("claimed %d outbox messages", len(ids))
    return list(session.exec(_CLAIMED, params={"ids": ids}))


@cache
def _due_heads(by_channel: bool, by_chat: bool) -> SelectOfScalar[int | None]:
    """Builds the due-heads query once per filter: building it cost more than running it."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        col(earlier.channel) == col(OutboxMessage.channel),
        col(earlier.chat_id) == col(OutboxMessage.chat_id),
        col(earlier.id) < col(OutboxMessage.id),
        col(earlier.status).in_(_UNSETTLED),
    )
    now: BindParameter[Any] = bindparam("now")
    due = or_(
        and_(col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= now),
        and_(col(OutboxMessage.status) == "sending", col(OutboxMessage.lease_until) < now),
    )
    query = select(col(OutboxMessage.id)).where(due, ~blocked)
    if by_channel:
        query = query.where(col(OutboxMessage.channel) == bindparam("channel"))
    if by_chat:
        query = query.where(col(OutboxMessage.chat_id) == bindparam("chat_id"))
    return (
        query.order_by(col(OutboxMessage.id))
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )


_CLAIMED_IDS = col(OutboxMessage.id).in_(bindparam("ids", expanding=True))
_LEASED = (
    update(OutboxMessage)
    .where(_CLAIMED_IDS)
    .values(
        status="sending",
        lease_owner=bindparam("owner"),
        lease_until=bindparam("until"),
        attempts=col(OutboxMessage.attempts) + 1,
    )
    .execution_options(synchronize_session=False)
)
_CLAIMED = (
    select(OutboxMessage)
    .where(_CLAIMED_IDS)
    .order_by(col(OutboxMessage.id))
    .execution_options(populate_existing=True)
)


def renew_outbox_leases(
    *,
    session: Session,
    owner: str,
    now: datetime,
    seconds: float,
    ids: Collection[int] | None = None,
) -> int:
    """Extends owner's leases on messages being sent (those of `ids`, if given); counts them."""
    until = now + timedelta(seconds=seconds)
    return extend_row_leases(
        session=session, table=OutboxMessage, status="sending", owner=owner, until=until, ids=ids
    )


def _held_attempt(message_id: int, owner: str, attempt: int) -> Update:
    """An update of a message only while owner still holds that attempt of it (the send's fence)."""
    return update(OutboxMessage).where(
        col(OutboxMessage.id) == message_id,
        col(OutboxMessage.status) == "sending",
        col(OutboxMessage.lease_owner) == owner,
        col(OutboxMessage.attempts) == attempt,
    )


def settle_sent(
    *, session: Session, message_id: int, owner: str, attempt: int, external_id: str | None
) -> bool:
    """Marks a message sent if owner still holds that attempt of it; tells whether it did."""
    stmt = _held_attempt(message_id, owner, attempt).values(
        status="sent",
        external_id=external_id,
        sent_at=utcnow(),
        lease_until=None,
        lease_owner=None,
        error=None,
    )
    if count_updated(session, stmt, col(OutboxMessage.id)):
        return True
    logger.warning("sent message was taken over meanwhile", extra={"outbox_id": message_id})
    return False


def record_parts_sent(
    *, session: Session, message_id: int, owner: str, attempt: int, parts: int
) -> bool:
    """Records how many parts of a split message the channel took, if owner still holds it."""
    stmt = (
        _held_attempt(message_id, owner, attempt)
        .where(col(OutboxMessage.parts_sent) < parts)
        .values(parts_sent=parts)
    )
    return bool(count_updated(session, stmt, col(OutboxMessage.id)))


def held_by(*, session: Session, message_id: int, owner: str | None, attempt: int) -> bool:
    """Tells whether owner still holds that attempt of a message (always, without an owner)."""
    if owner is None:
        return True
    row = session.get(OutboxMessage, message_id, populate_existing=True, with_for_update=True)
    return (
        row is not None
        and row.status == "sending"
        and row.lease_owner == owner
        and row.attempts == attempt
    )


def complete_outbox(*, session: Session, message_id: int, external_id: str | None) -> OutboxMessage:
    """Mark a message sent, keeping the channel's message id."""
    row = _get(session, message_id)
    row.status = "sent"
    row.external_id = external_id
    row.sent_at = utcnow()
    row.lease_until = row.lease_owner = None
    row.error = None
    return _save(session, row)


def retry_outbox(
    *,
    session: Session,
    message_id: int,
    at: datetime,
    error: str,
    refund_attempt: bool = False,
    parts_sent: int | None = None,
) -> OutboxMessage:
    """Put a message back in the queue for another try at the given time (a throttle is free);
    the parts of a split message already delivered are recorded, so the retry sends the rest."""
    row = _get(session, message_id)
    if refund_attempt:
        row.attempts = max(row.attempts - 1, 0)
    if parts_sent is not None:
        row.parts_sent = max(row.parts_sent, parts_sent)
    row.status = "pending"
    row.next_attempt_at = at
    row.lease_until = row.lease_owner = None
    row.error = error
    return _save(session, row)


def fail_outbox(
    *, session: Session, message_id: int, error: str, status: str = "failed"
) -> OutboxMessage:
    """Give up on a message: "failed" (refused by the channel) or "dead" (retries exhausted)."""
    if status not in _FINAL_FAILURES:
        raise ValueError(f"status must be one of {_FINAL_FAILURES}")
    row = _get(session, message_id)
    row.status = status
    row.lease_until = row.lease_owner = None
    row.error = error
    return _save(session, row)


def reap_outbox_leases(*, session: Session, now: datetime) -> int:
    """Return messages whose sending lease expired to pending; count them."""
    stmt = (
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == "sending", col(OutboxMessage.lease_until) < now)
        .values(status="pending", lease_until=None, lease_owner=None)
    )
    reaped = count_updated(session, stmt, col(OutboxMessage.id))
    if reaped:
        logger.info("reaped %d expired outbox leases", reaped)
    return reaped


def _get(session: Session, message_id: int) -> OutboxMessage:
    """Load an outbox row by id or raise RowNotFound."""
    row = session.get(OutboxMessage, message_id, populate_existing=True)
    if row is None:
        raise RowNotFound("outbox_message", message_id)
    return row


def _save(session: Session, row: OutboxMessage) -> OutboxMessage:
    """Flush a changed outbox row and return it."""
    session.add(row)
    session.flush()
    return row
