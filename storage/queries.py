"""Service functions for the inbox, reporters, conversations, case numbers and the audit trail.

Every function takes keyword-only arguments, the session first, and returns rows. The outbox
functions live in storage.outbox, the inbox's batch insert in storage.inbox_batch; both are
re-exported here.
"""

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.db import dialect_insert
from storage.errors import RowNotFound, StaleConversation
from storage.inbox_batch import record_inbound_many
from storage.models import (
    CaseEvent,
    Conversation,
    InboundUpdate,
    ReferenceCounter,
    Reporter,
)
from storage.outbox import (
    claim_outbox,
    complete_outbox,
    enqueue_outbox,
    fail_outbox,
    held_by,
    reap_outbox_leases,
    renew_outbox_leases,
    retry_outbox,
    settle_sent,
)
from storage.types import utcnow

__all__ = [
    "SAVED_CONVERSATION_FIELDS",
    "add_case_event",
    "claim_outbox",
    "complete_outbox",
    "due_timers",
    "enqueue_outbox",
    "fail_outbox",
    "get_or_create_reporter",
    "held_by",
    "lock_conversation",
    "mark_inbound",
    "next_case_reference",
    "pending_inbound",
    "reap_outbox_leases",
    "renew_outbox_leases",
    "record_inbound",
    "record_inbound_many",
    "retry_outbox",
    "save_conversation",
    "settle_sent",
]

logger = logging.getLogger(__name__)

SAVED_CONVERSATION_FIELDS = (
    "flow_id",
    "step_id",
    "status",
    "state",
    "last_inbound_at",
    "next_timer_at",
    "timer_kind",
)
"""The conversation columns a turn writes (besides its version and update time)."""


def record_inbound(
    *,
    session: Session,
    channel: str,
    external_id: str,
    chat_id: str | None,
    payload: bytes,
) -> InboundUpdate | None:
    """Insert a received update; return None when (channel, external_id) was already recorded."""
    stmt = (
        dialect_insert(session, InboundUpdate)
        .values(channel=channel, external_id=external_id, chat_id=chat_id, payload=payload)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(InboundUpdate)
    )
    row: InboundUpdate | None = session.exec(stmt).scalar_one_or_none()
    if row is None:
        logger.info("inbound duplicate ignored")
    return row


def pending_inbound(
    *, session: Session, limit: int, older_than: datetime | None = None
) -> list[InboundUpdate]:
    """Return pending updates due for a try, oldest first, optionally received before older_than."""
    query = select(InboundUpdate).where(col(InboundUpdate.status) == "pending")
    if older_than is not None:
        query = query.where(col(InboundUpdate.received_at) <= older_than)
    due = col(InboundUpdate.next_attempt_at)
    query = query.where(or_(due.is_(None), due <= utcnow()))
    query = query.order_by(col(InboundUpdate.received_at), col(InboundUpdate.id)).limit(limit)
    return list(session.exec(query))


def defer_inbound(*, session: Session, inbound_id: int, error: str, at: datetime) -> InboundUpdate:
    """Count a failed try of a pending update, set when it is tried again and free its claim."""
    row = session.get(InboundUpdate, inbound_id)
    if row is None:
        raise RowNotFound("inbound_update", inbound_id)
    row.status, row.error, row.next_attempt_at = "pending", error, at
    row.lease_owner, row.lease_until = None, None
    row.attempts += 1
    session.add(row)
    session.flush()
    return row


def mark_inbound(
    *,
    session: Session,
    inbound_id: int,
    status: str,
    error: str | None = None,
    step_id: str | None = None,
) -> InboundUpdate:
    """Set an update's status and error, count the attempt, stamp processed_at unless pending.

    A claim on it ends: done, or pending again for anyone to take.
    """
    row = session.get(InboundUpdate, inbound_id)
    if row is None:
        raise RowNotFound("inbound_update", inbound_id)
    row.status = status
    row.lease_owner, row.lease_until = None, None
    row.error = error
    row.attempts += 1
    row.processed_at = None if status == "pending" else utcnow()
    if step_id is not None:
        row.step_id = step_id
    session.add(row)
    session.flush()
    return row


def get_or_create_reporter(*, session: Session, channel: str, channel_user_id: str) -> Reporter:
    """Return the reporter for (channel, channel_user_id), creating it if missing."""
    query = select(Reporter).where(
        col(Reporter.channel) == channel,
        col(Reporter.channel_user_id) == channel_user_id,
    )
    found = session.exec(query).first()
    if found is not None:
        return found
    stmt = (
        dialect_insert(session, Reporter)
        .values(channel=channel, channel_user_id=channel_user_id)
        .on_conflict_do_nothing(index_elements=["channel", "channel_user_id"])
    )
    session.exec(stmt)
    return session.exec(query).one()


def lock_conversation(
    *, session: Session, channel: str, chat_id: str, reporter_id: int
) -> tuple[Conversation, bool]:
    """Get or create a chat's conversation and hold its row lock until the transaction ends."""
    # SQLite: BEGIN IMMEDIATE already serialises writers and FOR UPDATE renders as nothing.
    query = (
        select(Conversation)
        .where(col(Conversation.channel) == channel, col(Conversation.chat_id) == chat_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = session.exec(query).first()
    if found is not None:
        return found, False
    stmt = (
        dialect_insert(session, Conversation)
        .values(reporter_id=reporter_id, channel=channel, chat_id=chat_id)
        .on_conflict_do_nothing(index_elements=["channel", "chat_id"])
        .returning(col(Conversation.id))
    )
    created = session.exec(stmt).scalar_one_or_none() is not None
    return session.exec(query).one(), created


def save_conversation(
    *, session: Session, conversation: Conversation, expected_version: int
) -> None:
    """Write the conversation if still at expected_version and bump its version; else raise."""
    if conversation.id is None:
        raise ValueError("conversation has no id; load it with lock_conversation first")
    values: dict[str, Any] = {
        name: getattr(conversation, name) for name in SAVED_CONVERSATION_FIELDS
    }
    values["version"] = expected_version + 1
    values["updated_at"] = utcnow()
    stmt = (
        update(Conversation)
        .where(col(Conversation.id) == conversation.id)
        .where(col(Conversation.version) == expected_version)
        .values(**values)
        .returning(col(Conversation.id))
        .execution_options(synchronize_session=False)
    )
    if session.exec(stmt).scalar_one_or_none() is None:
        logger.warning("stale conversation %s", conversation.id)
        raise StaleConversation(conversation.id, expected_version)
    for name, value in values.items():
        set_committed_value(conversation, name, value)


def due_timers(*, session: Session, now: datetime, limit: int) -> list[Conversation]:
    """Return active conversations whose timer is due, earliest first."""
    query = (
        select(Conversation)
        .where(col(Conversation.status) == "active", col(Conversation.next_timer_at) <= now)
        .order_by(col(Conversation.next_timer_at), col(Conversation.id))
        .limit(limit)
    )
    return list(session.exec(query))


def next_case_reference(*, session: Session, year: int) -> str:
    """Hand out the next case reference of year, like MC-2026-000123, without gaps or repeats."""
    stmt = (
        dialect_insert(session, ReferenceCounter)
        .values(year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=["year"],
            set_={"last_value": col(ReferenceCounter.last_value) + 1},
        )
        .returning(col(ReferenceCounter.last_value))
    )
    value: int = session.exec(stmt).scalar_one()
    return f"MC-{year}-{value:06d}"


def add_case_event(
    *, session: Session, case_id: int, type: str, actor: str, data: dict[str, Any]
) -> CaseEvent:
    """Append an event to a case's audit timeline."""
    event = CaseEvent(case_id=case_id, type=type, actor=actor, data=data)
    session.add(event)
    session.flush()
    return event
