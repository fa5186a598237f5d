"""The webhook's work: verify the signature, record every message and status, process after 200.

Each message is its own inbox row (deduplicated on its wamid), each status too (on id and status),
all recorded before the answer; processing runs afterwards, one chat's rows in the order they
came (messages of a body by timestamp), chats side by side. A row left pending by a crash is
processed by the ticker after a restart.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from functools import partial
from itertools import accumulate

from sqlalchemy import Engine

from bot.core import Core
from bot.runtime.inbox import recording_connection
from bot.runtime.recording import GroupCommit, LoopGroupCommit
from bot.whatsapp.recording import (
    Incoming,
    Memo,
    Recorded,
    record_incoming,
    record_incoming_async,
)
from handlers.unavailable import DOWN, DatabaseDown, Outage, within
from handlers.whatsapp import payloads, signature
from handlers.whatsapp.payloads import Item, moment
from storage.db import is_postgres
from storage.inbox_batch import AsyncInbox

log = logging.getLogger(__name__)

MAX_BODY = 3 * 1024 * 1024
"""Meta's bodies are a few kilobytes; anything this big is refused with 413."""

TURNS_AT_ONCE = {"sqlite": 1, "postgresql": 2}
"""Updates processed side by side (SQLite has one writer anyway): the rest of the CPU and of the
database stays with acknowledging webhooks, so a burst is taken in at once and worked off from
the durable inbox at the turns' own pace."""


class Intake:
    """Takes webhook requests for one phone number."""

    def __init__(
        self,
        core: Core,
        *,
        app_secret: str,
        verify_token: str | None,
        phone_number_id: str,
        memo: Memo | None = None,
        outage: Outage | None = None,
    ) -> None:
        self.core, self.phone_number_id = core, phone_number_id
        self.outage = outage or Outage()
        self._secret, self._verify_token = app_secret.encode(), verify_token
        self._recorder = recorder(core.engine, memo or Memo())
        self._tasks: set[asyncio.Task[None]] = set()
        self._last: dict[str | None, asyncio.Task[None]] = {}
        self._turns = asyncio.Semaphore(TURNS_AT_ONCE.get(core.engine.dialect.name, 2))

    def subscribe(self, mode: str | None, token: str | None) -> bool:
        """Returns whether Meta's subscription handshake carries our verify token."""
        if mode != "subscribe" or not token or not self._verify_token:
            return False
        return hmac.compare_digest(token.encode(), self._verify_token.encode())

    async def accept(self, raw: bytes, header: str | None) -> int:
        """Verifies, parses and records a body; returns the HTTP status to answer."""
        if len(raw) > MAX_BODY:
            return 413
        verdict = signature.verify(raw, header, self._secret)
        if verdict is not signature.Verdict.VALID:
            log.warning("webhook signature %s", verdict.value)
            return 403 if verdict is signature.Verdict.WRONG else 401
        try:
            found = payloads.parse(raw, self.phone_number_id)
        except payloads.BadBody as error:
            log.warning("webhook body refused: %s", error)
            return 400
        for code, _title in found.errors:
            log.warning("WhatsApp reported an error", extra={"code": code})
        items = [*found.messages, *found.statuses]
        if not items:
            return 200
        self.core.inbox.arrived()
        recording = self._recorder.submit([incoming(item) for item in items])
        wait = self.core.settings.database.record_wait_seconds
        try:
            recorded = await within(recording, wait, self.outage, "whatsapp webhook")
        except DatabaseDown:
            return 503
        fresh = [(r.chat_id, r.inbound_id) for r in recorded if r.inbound_id is not None]
        if fresh and self.core.inbox.hand_off is not None:  # the worker process runs the turns
            self.core.inbox.hand_off()
        elif fresh:
            self._spawn(fresh)
        return 200

    async def settle(self) -> None:
        """Waits for the updates being processed (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Finishes the work in hand and stops recording (when the app stops)."""
        await self.settle()
        await self._recorder.aclose()

    def schedule(self, inbound_id: int, chat: str) -> None:
        """Processes one recorded update after the rows its chat already had in flight."""
        self._spawn([(chat, inbound_id)])

    def _spawn(self, recorded: list[tuple[str | None, int]]) -> None:
        """Processes each chat's new rows after the rows that chat already had in flight."""
        by_chat: dict[str | None, list[int]] = {}
        for chat_id, inbound_id in recorded:
            by_chat.setdefault(chat_id, []).append(inbound_id)
            self.core.inbox.in_flight.add(inbound_id)
        for chat_id, ids in by_chat.items():
            task = asyncio.create_task(self._process(ids, self._last.get(chat_id)))
            self._tasks.add(task)
            self._last[chat_id] = task
            task.add_done_callback(partial(self._done, chat_id))

    def _done(self, chat_id: str | None, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._last.get(chat_id) is task:
            del self._last[chat_id]

    async def _process(self, ids: list[int], after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await asyncio.wait([after])
        for inbound_id in ids:
            try:
                async with self._turns:
                    await self.core.inbox.process(inbound_id)
            except DOWN as error:  # the database is away: the claim lapses, found again
                extra = {"inbound_id": inbound_id, "error": type(error).__name__}
                log.warning("whatsapp update left pending: database unavailable", extra=extra)
            except Exception as error:  # tried again on the inbox's schedule
                log.exception("whatsapp update not processed", extra={"inbound_id": inbound_id})
                await self.core.inbox.failed(inbound_id, error)


Recorder = (
    GroupCommit[list[Incoming], list[Recorded]] | LoopGroupCommit[list[Incoming], list[Recorded]]
)
"""Records webhook requests (each a list of items) in group commits."""


def recorder(engine: Engine, memo: Memo) -> Recorder:
    """Returns the group commit for this database: on the event loop (PostgreSQL) or a thread."""
    if is_postgres(engine):
        inbox = AsyncInbox(engine)

        async def write_async(requests: list[list[Incoming]]) -> list[list[Recorded]]:
            items = [item for found in requests for item in found]
            return _split(await record_incoming_async(inbox, engine, items, memo), requests)

        return LoopGroupCommit(write_async, on_close=inbox.close)
    kept = recording_connection(engine)  # used on the recording thread only

    def write(requests: list[list[Incoming]]) -> list[list[Recorded]]:
        items = [item for found in requests for item in found]
        return _split(record_incoming(kept, items, memo), requests)

    return GroupCommit(write, name="whatsapp-inbox", on_close=kept.close)


def _split(recorded: list[Recorded], requests: list[list[Incoming]]) -> list[list[Recorded]]:
    """Returns each request's share of a batch's results."""
    ends = list(accumulate(len(found) for found in requests))
    return [recorded[end - len(found) : end] for found, end in zip(requests, ends, strict=True)]


def incoming(item: Item) -> Incoming:
    """Returns what the bot records for one item (a message also names its sender and time)."""
    is_message = item.record.get("type") == "message"
    return Incoming(
        external_id=item.external_id,
        record=item.record,
        chat_id=item.chat_id,
        wa_id=item.wa_id,
        bsuid=item.bsuid,
        at=moment(item.timestamp) if is_message else None,
    )
