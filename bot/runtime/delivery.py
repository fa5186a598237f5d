"""The outbox dispatcher: after commit, claims rendered messages and sends them per channel."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy import Engine
from sqlmodel import Session

from bot.envelopes import Channel, OutgoingMessage
from bot.observability import metrics
from bot.runtime.keeper import process_owner
from bot.runtime.recording import GroupCommit
from bot.runtime.sending import PartsDelivered, Sender, SendFailed
from storage import db, models, outbox

log = logging.getLogger(__name__)

RETRY_DELAYS = (1, 5, 30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600)
"""Seconds to wait after each failed attempt; after the last one the message is dead."""


Sent = tuple[models.OutboxMessage, "str | None"]
"""A message the channel took, and the id the channel gave it."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message."""

    message_id: int
    sent: bool
    external_id: str | None = None


def utcnow() -> dt.datetime:
    """Returns the current time in UTC."""
    return dt.datetime.now(dt.UTC)


def backoff(attempts: int, retry_after: float | None) -> float | None:
    """Returns seconds until the next try (with jitter), or None when no try is left."""
    if attempts > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[attempts - 1]
    if retry_after is not None:
        return max(retry_after, 0.0)
    return float(base) * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


class Dispatcher:
    """Sends due outbox rows; woken at once after each commit, and polls as a fallback.

    Each chat is sent by one task at a time, its messages one after another; a message is marked
    sent in its own commit right after the channel took it, so a crash re-sends at most the one
    message that was in flight. Several processes may dispatch at once: claims never overlap.
    """

    def __init__(
        self,
        engine: Engine,
        senders: Mapping[Channel, Sender],
        *,
        lease_seconds: float = 5,
        owner: str | None = None,
        chats_at_once: int = 50,
    ) -> None:
        self.engine, self.senders, self.lease_seconds = engine, dict(senders), lease_seconds
        self.owner = owner or process_owner()
        self.chats_at_once = chats_at_once
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._chats: set[asyncio.Task[None]] = set()
        self.sending: set[int] = set()
        """The messages being sent right now (their leases are renewed)."""
        self._settles = GroupCommit(self._sent_then_next, name="outbox-settles")
        """Messages the channel took, settled together when several chats send at once."""
        self.forward: Callable[[], None] | None = None
        """Set where another process (the worker) sends: wake() tells that one instead."""

    def wake(self) -> None:
        """Asks the dispatcher to look for work now (safe from any thread)."""
        if self.forward is not None:
            self.forward()
        elif self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self, poll_seconds: float = 1.0) -> None:
        """Sends messages until cancelled; a chat's messages go out as soon as the one before."""
        self._loop = asyncio.get_running_loop()
        try:
            while True:
                self._wake.clear()
                try:
                    started = await self._start_chats()
                except Exception as error:  # a locked or lost database must not stop delivery
                    log.warning("outbox claim failed", extra={"error": type(error).__name__})
                    started = 0
                if not started:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)
        finally:
            for task in list(self._chats):
                task.cancel()
            await asyncio.gather(*self._chats, return_exceptions=True)

    async def aclose(self) -> None:
        """Finishes the settles in hand and stops their thread."""
        await self._settles.aclose()

    async def drain(self, limit: int = 50) -> int:
        """Sends every message due now and waits for it; returns how many claims had work."""
        self._loop = asyncio.get_running_loop()
        batches = 0
        while True:
            claimed = await asyncio.to_thread(self._claim, limit)
            if not claimed:
                return batches
            batches += 1
            await asyncio.gather(*(self._send_chat(row) for row in claimed))

    async def _start_chats(self) -> int:
        """Claims the heads of chats nobody sends to and starts a task for each; counts them."""
        room = self.chats_at_once - len(self._chats)
        if room <= 0:
            return 0
        claimed = await asyncio.to_thread(self._claim, room)
        for row in claimed:
            task = asyncio.create_task(self._send_chat(row))
            self._chats.add(task)
            task.add_done_callback(self._chat_done)
        return len(claimed)

    def _chat_done(self, task: asyncio.Task[None]) -> None:
        self._chats.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("chat sending stopped", extra={"error": type(task.exception()).__name__})
        self._wake.set()  # a place is free, and this chat may have more waiting

    def _claim(self, limit: int) -> list[models.OutboxMessage]:
        with db.session(self.engine) as session:
            return outbox.claim_outbox(
                session=session,
                now=utcnow(),
                lease_seconds=self.lease_seconds,
                limit=limit,
                owner=self.owner,
            )

    async def _send_chat(self, row: models.OutboxMessage | None) -> None:
        """Sends one chat's messages in order, each settled before the next is claimed."""
        while row is not None:
            self.sending.add(row.id or 0)
            try:
                outcome = await self._send_one(row)
                following = None
                if outcome.sent:
                    following = await self._settles.submit((row, outcome.external_id))
            finally:  # a failure to settle leaves the lease to lapse: the row is sent again
                self.sending.discard(row.id or 0)
            row = following

    async def _send_one(self, row: models.OutboxMessage) -> Outcome:
        assert row.id is not None
        sender = self.senders.get(Channel(row.channel))
        if sender is None:
            metrics().send_errors.labels(channel=row.channel).inc()
            await asyncio.to_thread(self._fail, row, "no sender for channel", "failed")
            return Outcome(row.id, sent=False)
        message = replace(OutgoingMessage.from_payload(row.payload), parts_sent=row.parts_sent)
        try:
            external_id = await sender.send(row.chat_id, message, self._parts_recorder(row))
        except SendFailed as failure:
            log.warning("send failed", extra={"outbox_id": row.id, "reason": failure.reason})
            count_failure(row.channel, failure)
            await asyncio.to_thread(self._after_failure, row, failure)
            return Outcome(row.id, sent=False)
        metrics().sent.labels(channel=row.channel).inc()
        return Outcome(row.id, sent=True, external_id=external_id)

    def _parts_recorder(self, row: models.OutboxMessage) -> PartsDelivered:
        """Returns what stores each delivered part at once, so no retry or takeover resends it."""

        async def record(parts: int) -> None:
            await asyncio.to_thread(self._record_parts, row, parts)

        return record

    def _record_parts(self, row: models.OutboxMessage, parts: int) -> None:
        with db.session(self.engine) as session:
            outbox.record_parts_sent(
                session=session,
                message_id=row.id or 0,
                owner=self.owner,
                attempt=row.attempts,
                parts=parts,
            )

    def _sent_then_next(self, sent: list[Sent]) -> list[models.OutboxMessage | None]:
        """Marks messages sent and claims each one's chat's next message, in one commit."""
        with db.session(self.engine) as session:
            return [self._next_of(session, row, external_id) for row, external_id in sent]

    def _next_of(
        self, session: Session, row: models.OutboxMessage, external_id: str | None
    ) -> models.OutboxMessage | None:
        """Marks a message sent and claims its chat's next one (None: none, or not ours)."""
        kept = outbox.settle_sent(
            session=session,
            message_id=row.id or 0,
            owner=self.owner,
            attempt=row.attempts,
            external_id=external_id,
        )
        if not kept:  # another sender holds this chat now
            return None
        following = outbox.claim_outbox(
            session=session,
            now=utcnow(),
            lease_seconds=self.lease_seconds,
            limit=1,
            owner=self.owner,
            channel=row.channel,
            chat_id=row.chat_id,
        )
        return following[0] if following else None

    def _after_failure(self, row: models.OutboxMessage, failure: SendFailed) -> None:
        throttled = failure.retry_after is not None and not failure.permanent
        attempts = row.attempts - 1 if throttled else row.attempts  # throttling is not a failure
        delay = None if failure.permanent else backoff(max(attempts, 1), failure.retry_after)
        if delay is None:
            status = "failed" if failure.permanent else "dead"
            self._fail(row, failure.reason, status, unreachable=failure.unreachable)
            return
        with db.session(self.engine) as session:
            if not self._holds(session, row):
                return
            outbox.retry_outbox(
                session=session,
                message_id=row.id or 0,
                at=utcnow() + dt.timedelta(seconds=delay),
                error=failure.reason,
                refund_attempt=throttled,
                parts_sent=failure.parts_sent,
            )

    def _fail(
        self, row: models.OutboxMessage, reason: str, status: str, *, unreachable: bool = False
    ) -> None:
        with db.session(self.engine) as session:
            if not self._holds(session, row):
                return
            outbox.fail_outbox(session=session, message_id=row.id or 0, error=reason, status=status)
            if unreachable:
                mark_unreachable(session, row)

    def _holds(self, session: Session, row: models.OutboxMessage) -> bool:
        """Tells whether this dispatcher still holds the attempt (else another took it over)."""
        held = outbox.held_by(
            session=session, message_id=row.id or 0, owner=self.owner, attempt=row.attempts
        )
        if not held:
            log.warning("failed message was taken over meanwhile", extra={"outbox_id": row.id})
        return held


def count_failure(channel: str, failure: SendFailed) -> None:
    """Counts a refused send: a 429 (retry after, not permanent) apart from the other errors."""
    throttled = failure.retry_after is not None and not failure.permanent
    (metrics().throttled if throttled else metrics().send_errors).labels(channel=channel).inc()


def mark_unreachable(session: Session, row: models.OutboxMessage) -> None:
    """Marks the reporter of a message unreachable and stops their timers; keeps their data."""
    conversation = session.get(models.Conversation, row.conversation_id or 0)
    if conversation is None:
        return
    reporter = session.get(models.Reporter, conversation.reporter_id)
    if reporter is not None and not reporter.unreachable:
        reporter.unreachable, reporter.unreachable_at = True, utcnow()
    conversation.next_timer_at, conversation.timer_kind = None, None
