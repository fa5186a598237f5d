"""Recording WhatsApp webhooks: one insert per batch, chats and windows from memory or one read.

A message whose sender's 24-hour window is known open carries its chat and window in the
recorded payload; any other is keyed by the chat it will have and resolved when processed
(`bot.whatsapp.chats.note_inbound`), so recording never writes a row that turns also write.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.envelopes import Channel
from bot.whatsapp.chats import covers
from storage import db, queries
from storage import whatsapp as wa
from storage.inbox_batch import AsyncInbox
from storage.whatsapp import Sender


@dataclass(frozen=True)
class Incoming:
    """One message or status to record; a message names its sender and when it was sent."""

    external_id: str
    record: dict[str, Any]
    chat_id: str | None = None
    wa_id: str | None = None
    bsuid: str | None = None
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Recorded:
    """What recording one item did: its inbox id (None: a duplicate) and the chat it is keyed by."""

    inbound_id: int | None
    chat_id: str | None


class Memo:
    """What this process knows lately of senders: chats, open windows, lookups that found none.

    While a reporter's window is known open, recording their next message costs one insert and
    processing it no transaction of its own. Entries are learnt only from committed rows and
    expire after `ttl` seconds, as another process may close a window. A sender whose window must
    be opened by processing is not looked up again for `retry` seconds, twice as long after each
    lookup that still finds it unopened (turns behind a long burst), up to `ttl`.
    """

    def __init__(self, ttl: float = 60.0, retry: float = 2.0, size: int = 50_000) -> None:
        self.ttl, self.retry, self.size = ttl, retry, size
        self._chats: dict[Sender, tuple[str, float]] = {}
        self._windows: dict[str, tuple[dt.datetime, float]] = {}
        self._deferred: dict[Sender, tuple[str, float, float]] = {}
        """Sender: (chat, when to look it up again, the wait before that)."""

    def open_window(self, sender: Sender, at: dt.datetime) -> tuple[str, dt.datetime] | None:
        """Returns a sender's chat and window when known open for a day from `at`, else None."""
        now = time.monotonic()
        chat = self._chats.get(sender)
        window = self._windows.get(chat[0]) if chat and chat[1] > now else None
        if chat is None or window is None or window[1] <= now:
            return None
        return (chat[0], window[0]) if covers(window[0], at) else None

    def deferred(self, sender: Sender) -> str | None:
        """Returns the chat of a sender lately left to processing to resolve, or None."""
        found = self._deferred.get(sender)
        return found[0] if found and found[1] > time.monotonic() else None

    def learn(self, sender: Sender, chat_id: str, until: dt.datetime) -> None:
        """Remembers a committed chat and window."""
        self._make_room()
        expires = time.monotonic() + self.ttl
        self._chats[sender] = (chat_id, expires)
        self._windows[chat_id] = (until, expires)
        self._deferred.pop(sender, None)

    def defer(self, sender: Sender, chat_id: str) -> None:
        """Remembers that processing must resolve this sender; backs its next lookup off."""
        self._make_room()
        before = self._deferred.get(sender)
        wait = min(before[2] * 2, self.ttl) if before else self.retry
        self._deferred[sender] = (chat_id, time.monotonic() + wait, wait)

    def forget(self, chat_id: str) -> None:
        """Drops what is known of a chat's window."""
        self._windows.pop(chat_id, None)

    def _make_room(self) -> None:
        if max(len(self._chats), len(self._deferred)) >= self.size:
            self._chats.clear()
            self._windows.clear()
            self._deferred.clear()


def record_incoming(
    engine: Engine | db.KeptConnection, items: Sequence[Incoming], memo: Memo | None = None
) -> list[Recorded]:
    """Records every item with one insert (group commit), writing nothing else.

    Pass the recording thread's kept connection to spare each batch a pool check-out.

    A message from a sender whose window is recorded open for a day from its time carries its
    chat and window in the payload, so processing it needs no transaction of its own for them.
    Any other message (a new sender, a window to open or extend) is keyed by the chat it will
    have and left for processing to resolve (`note_inbound`): recording reads at most once per
    batch and never waits on a row the turns write.
    """
    batch = _Batch(items, memo or Memo(ttl=0))
    with db.transaction(engine) as connection:
        if batch.unknown:
            with Session(bind=connection) as session:  # joins the batch's transaction, to read
                batch.learn(wa.chats_seen(session=session, senders=batch.unknown))
        ids = queries.record_inbound_many(
            connection=connection, channel=Channel.WHATSAPP.value, rows=batch.rows()
        )
    return batch.recorded(ids)


async def record_incoming_async(
    inbox: AsyncInbox, engine: Engine, items: Sequence[Incoming], memo: Memo
) -> list[Recorded]:
    """Records as `record_incoming` does, on the event loop (PostgreSQL's async connection).

    The rare sender lookup runs on a worker thread with a session of its own.
    """
    batch = _Batch(items, memo)
    if batch.unknown:
        batch.learn(await asyncio.to_thread(_look_up, engine, batch.unknown))
    return batch.recorded(await inbox.record_many(Channel.WHATSAPP.value, batch.rows()))


def _look_up(engine: Engine, senders: set[Sender]) -> dict[Sender, tuple[str, dt.datetime | None]]:
    with db.session(engine) as session:
        return wa.chats_seen(session=session, senders=senders)


class _Batch:
    """One batch of items: what the memo knows of their senders, the rows to insert, the result."""

    def __init__(self, items: Sequence[Incoming], memo: Memo) -> None:
        self.items, self.memo = items, memo
        self.seen: dict[Sender, tuple[str, dt.datetime | None]] = {}
        self.latest: dict[Sender, dt.datetime] = {}
        """Senders the memo does not know, with their latest message's time."""
        self.keyed: list[tuple[str | None, dict[str, Any]]] = []
        for item in items:
            if item.at is None or not (item.wa_id or item.bsuid):
                continue
            sender = (item.wa_id, item.bsuid)
            if known := memo.open_window(sender, item.at):
                self.seen[sender] = known
            elif chat_id := memo.deferred(sender):
                self.seen[sender] = (chat_id, None)
            else:
                self.latest[sender] = max(item.at, self.latest.get(sender, item.at))

    @property
    def unknown(self) -> set[Sender]:
        """The senders to look up (one query for the batch)."""
        return set(self.latest)

    def learn(self, found: dict[Sender, tuple[str, dt.datetime | None]]) -> None:
        """Takes in a lookup's chats and windows; defers the senders processing must resolve."""
        for sender, at in self.latest.items():
            chat_id, until = found.get(sender) or (wa.new_chat_id(*sender), None)
            if not covers(until, at):
                self.memo.defer(sender, chat_id)
        self.seen |= found

    def rows(self) -> list[tuple[str, str | None, bytes]]:
        """Returns each item's (external id, chat id, payload) to insert."""
        self.keyed = [_keyed(item, self.seen.get((item.wa_id, item.bsuid))) for item in self.items]
        return [
            (item.external_id, chat_id, _dump(record))
            for item, (chat_id, record) in zip(self.items, self.keyed, strict=True)
        ]

    def recorded(self, ids: Sequence[int | None]) -> list[Recorded]:
        """Remembers the windows now committed; returns what recording each item did."""
        for item, (chat_id, record) in zip(self.items, self.keyed, strict=True):
            if chat_id and "window_until" in record:
                until = dt.datetime.fromisoformat(record["window_until"])
                self.memo.learn((item.wa_id, item.bsuid), chat_id, until)
        return [
            Recorded(found, chat_id) for (chat_id, _), found in zip(self.keyed, ids, strict=True)
        ]


def _keyed(
    item: Incoming, known: tuple[str, dt.datetime | None] | None
) -> tuple[str | None, dict[str, Any]]:
    """Returns the chat an item is keyed by and its payload (with the window when it covers)."""
    if item.at is None or not (item.wa_id or item.bsuid):
        return item.chat_id, item.record
    chat_id, until = known or (wa.new_chat_id(item.wa_id, item.bsuid), None)
    if until is None or not covers(until, item.at):
        return chat_id, item.record
    return chat_id, item.record | {"chat_id": chat_id, "window_until": until.isoformat()}


def _dump(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
