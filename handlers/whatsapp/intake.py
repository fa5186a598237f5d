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
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.core import Core
from bot.wa_recording import Incoming, Memo, Recorded, kept_connection, record_incoming
from handlers.whatsapp import payloads, signature
from handlers.whatsapp.payloads import Item, moment
from storage.errors import StorageError

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
    ) -> None:
        self.core, self.phone_number_id = core, phone_number_id
        self._secret, self._verify_token = app_secret.encode(), verify_token
        self._recorder = Recorder(core.engine, memo or Memo())
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
        try:
            recorded = await self._recorder.record([incoming(item) for item in items])
        except (SQLAlchemyError, StorageError, OSError):
            log.exception("webhook not recorded: database unavailable")
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
        self._recorder.close()

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
            except Exception:  # stays pending: the ticker tries again
                log.exception("whatsapp update not processed", extra={"inbound_id": inbound_id})


class Recorder:
    """Group commit: the items of requests arriving while a commit runs share the next one.

    Commits run on a thread of their own, so that acknowledging a webhook never waits for a
    free worker thread behind turns and sends.
    """

    def __init__(self, engine: Engine, memo: Memo) -> None:
        self.engine, self.memo = engine, memo
        self._kept = kept_connection(engine)  # used on the recording thread only
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whatsapp-inbox")
        self._waiting: list[tuple[list[Incoming], asyncio.Future[list[Recorded]]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def record(self, items: list[Incoming]) -> list[Recorded]:
        """Stores items durably; returns what was recorded (inbox id None: a duplicate)."""
        done: asyncio.Future[list[Recorded]] = asyncio.get_running_loop().create_future()
        self._waiting.append((items, done))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                items = [item for found, _ in batch for item in found]
                try:
                    ids = await asyncio.get_running_loop().run_in_executor(
                        self._thread, record_incoming, self._kept, items, self.memo
                    )
                except Exception as error:  # every request of the batch answers 503
                    for _, done in batch:
                        if not done.done():  # its client may have gone away
                            done.set_exception(error)
                    continue
                for found, done in batch:
                    if not done.done():
                        done.set_result(ids[: len(found)])
                    ids = ids[len(found) :]
        finally:
            self._flushing = None

    def close(self) -> None:
        """Stops the recording thread (once no request is waiting)."""
        self._thread.shutdown(wait=True)
        self._kept.close()


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
