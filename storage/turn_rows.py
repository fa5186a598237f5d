"""The rows turns write, in Core statements: replies, timeline events, saves and inbox marks.

A turn's replies and timeline events are inserted at once, each in one statement built once
(an ORM row costs about twice as much to build and flush). A group's conversations are loaded
and locked together (in id order, so that two groups never wait for each other), and their
saves and inbox marks are written once for the whole group: the conversations in one
executemany under their version check, the inbox rows in one executemany.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, insert, select, update
from sqlalchemy.orm import attributes
from sqlalchemy.sql.dml import Insert, ReturningInsert
from sqlmodel import Session, SQLModel, col

from storage.db import dialect_insert
from storage.errors import StaleConversation
from storage.models import Case, CaseEvent, Conversation, InboundUpdate, OutboxMessage, Reporter
from storage.queries import SAVED_CONVERSATION_FIELDS
from storage.types import utcnow

Row = TypeVar("Row", bound=SQLModel)


def reporters(*, session: Session, channel: str, user_ids: Collection[str]) -> dict[str, Reporter]:
    """Returns the reporters of a channel's users, creating the missing ones, keyed by user id."""
    query = select(Reporter).where(
        col(Reporter.channel) == channel, col(Reporter.channel_user_id).in_(set(user_ids))
    )
    wanted = [{"channel": channel, "channel_user_id": user} for user in user_ids]
    rows = _found_or_made(session, query, Reporter, ("channel", "channel_user_id"), wanted)
    return {r.channel_user_id: r for r in rows}


def lock_conversations(
    *, session: Session, channel: str, chats: dict[str, int]
) -> dict[str, Conversation]:
    """Gets or creates the conversations of chats (chat id: reporter id), locked, by chat id."""
    query = (
        select(Conversation)
        .where(col(Conversation.channel) == channel, col(Conversation.chat_id).in_(set(chats)))
        .order_by(col(Conversation.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    wanted = [
        {"reporter_id": reporter, "channel": channel, "chat_id": chat}
        for chat, reporter in chats.items()
    ]
    rows = _found_or_made(session, query, Conversation, ("channel", "chat_id"), wanted)
    return {c.chat_id: c for c in rows}


def _found_or_made(
    session: Session,
    query: Select[Row],
    model: type[Row],
    unique: tuple[str, str],
    wanted: list[dict[str, Any]],
) -> list[Row]:
    """Inserts the wanted rows that query does not find (another's insert wins), then finds all."""
    found = list(session.execute(query).scalars())
    have = {getattr(row, unique[-1]) for row in found}
    missing = [values for values in wanted if values[unique[-1]] not in have]
    if not missing:
        return found
    insert = dialect_insert(session, model).on_conflict_do_nothing(index_elements=list(unique))
    session.execute(insert, missing)
    return list(session.execute(query).scalars())


def assign_changed(row: SQLModel, values: dict[str, Any]) -> None:
    """Sets the attributes whose value differs (an ORM set costs far more than a comparison)."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def queue_replies(
    session: Session, conversation: Conversation, payloads: list[dict[str, Any]]
) -> list[int]:
    """Queues a turn's replies, due now, in one statement; returns their ids in this order."""
    if not payloads:
        return []
    now = utcnow()
    fixed = {
        "conversation_id": conversation.id,
        "channel": conversation.channel,
        "chat_id": conversation.chat_id,
        "status": "pending",
        "attempts": 0,
        "parts_sent": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    rows = [{**fixed, "payload": payload} for payload in payloads]
    if len(rows) == 1:  # the common case: a plain insert costs less than an executemany
        return [session.connection().execute(_replies(), rows[0]).scalar_one()]
    return list(session.connection().execute(_replies(), rows).scalars())


@cache
def _replies() -> ReturningInsert[Any]:
    """Returns the insert of outbox rows, built once (building it took a quarter of each insert)."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    return insert(table).returning(table.c.id, sort_by_parameter_order=True)


def add_events(
    *,
    session: Session,
    case_id: int,
    actor: str,
    events: list[tuple[str, dict[str, Any]]],
    at: datetime,
) -> None:
    """Appends (type, data) events to a case's timeline in one statement."""
    if not events:
        return
    fixed = {"case_id": case_id, "actor": actor, "at": at, "created_at": utcnow()}
    rows = [{**fixed, "type": kind, "data": data} for kind, data in events]
    session.connection().execute(_events(), rows)


@cache
def _events() -> Insert:
    """Returns the insert of timeline events, built once."""
    return insert(CaseEvent.__table__)  # type: ignore[attr-defined]


def held(*, session: Session, inbound_ids: Collection[int]) -> dict[int, str | None]:
    """Returns the claim owner of each of the updates still pending, locking their rows.

    The rows stay locked until the transaction ends, so that nobody claims them meanwhile.
    """
    if not inbound_ids:
        return {}
    query = (
        select(col(InboundUpdate.id), col(InboundUpdate.lease_owner))
        .where(col(InboundUpdate.id).in_(set(inbound_ids)))
        .where(col(InboundUpdate.status) == "pending")
        .order_by(col(InboundUpdate.id))
        .with_for_update()
    )
    return {row_id: owner for row_id, owner in session.execute(query).all()}


def load_cases(*, session: Session, case_ids: Iterable[int | None]) -> list[Case]:
    """Loads cases at once; while the caller keeps them, the turns' lookups need no query."""
    wanted = {case_id for case_id in case_ids if case_id}
    if not wanted:
        return []
    return list(session.execute(select(Case).where(col(Case.id).in_(wanted))).scalars())


@dataclass
class TurnRows:
    """What a group's turns write at its end: conversation saves and inbox marks."""

    saves: list[dict[str, Any]] = field(default_factory=list)
    marks: list[dict[str, Any]] = field(default_factory=list)
    saved: list[Conversation] = field(default_factory=list)

    def save(self, conversation: Conversation) -> None:
        """Notes a conversation's new state for the group's save, at its loaded version."""
        values = {f"v_{name}": getattr(conversation, name) for name in SAVED_CONVERSATION_FIELDS}
        self.saves.append({**values, "k_id": conversation.id, "k_version": conversation.version})
        self.saved.append(conversation)
        for name in SAVED_CONVERSATION_FIELDS:  # written below, not by the session's flush
            attributes.set_committed_value(conversation, name, getattr(conversation, name))

    def mark(self, *, inbound_id: int, status: str, step_id: str | None) -> None:
        """Notes an update done for the group's marks."""
        self.marks.append({"k_id": inbound_id, "v_status": status, "v_step": step_id})

    def write(self, session: Session) -> None:
        """Writes the group: pending rows, then every save (raises if one moved), then marks."""
        session.flush()
        now = utcnow()
        if self.saves:
            _save_conversations(session, [{**s, "v_updated_at": now} for s in self.saves])
            for conversation in self.saved:
                attributes.set_committed_value(conversation, "version", conversation.version + 1)
                attributes.set_committed_value(conversation, "updated_at", now)
        if self.marks:
            _mark_inbound(session, [{**m, "v_processed_at": now} for m in self.marks])


def _save_conversations(session: Session, rows: list[dict[str, Any]]) -> None:
    """Writes conversations at their expected versions in one executemany; raises if one moved."""
    table = Conversation.__table__  # type: ignore[attr-defined]
    values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in SAVED_CONVERSATION_FIELDS}
    stmt = (
        update(table)
        .where(table.c.id == bindparam("k_id"), table.c.version == bindparam("k_version"))
        .values(**values, version=table.c.version + 1, updated_at=bindparam("v_updated_at"))
    )
    written = session.connection().execute(stmt, rows).rowcount
    if written != len(rows):
        raise StaleConversation(0, -1)


def _mark_inbound(session: Session, rows: list[dict[str, Any]]) -> None:
    """Marks updates done in one executemany, ending their claims (see queries.mark_inbound)."""
    table = InboundUpdate.__table__  # type: ignore[attr-defined]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("k_id"))
        .values(
            status=bindparam("v_status"),
            lease_owner=None,
            lease_until=None,
            error=None,
            attempts=table.c.attempts + 1,
            processed_at=bindparam("v_processed_at"),
            step_id=func.coalesce(bindparam("v_step"), table.c.step_id),
        )
    )
    session.connection().execute(stmt, rows)
