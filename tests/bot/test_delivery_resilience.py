"""The reporter outbox and inbox keep going through database errors, throttling and failed sends."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable, Callable

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from bot.envelopes import Channel, InboundEvent, OutgoingMessage
from bot.runtime import inbox as inbox_module
from bot.runtime.delivery import Dispatcher
from bot.runtime.inbox import Inbox
from bot.runtime.runner import Runner
from bot.runtime.sending import PartsDelivered, SendFailed
from handlers.demo.web import translate
from storage import db, models, outbox


class ScriptedSender:
    """A channel that fails each chat's sends as scripted, then accepts them."""

    def __init__(self, failures: list[SendFailed] | None = None) -> None:
        self.failures = list(failures or [])
        self.sent: list[tuple[str, str]] = []

    async def send(
        self, chat_id: str, message: OutgoingMessage, delivered: PartsDelivered | None = None
    ) -> str | None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((chat_id, message.text))
        return f"ext-{len(self.sent)}"


def queue(engine: Engine, chat: str, texts: list[str]) -> list[int]:
    with db.session(engine) as session:
        rows = outbox.enqueue_outbox(
            session=session,
            conversation_id=None,
            channel=Channel.WEB.value,
            chat_id=chat,
            payloads=[{"text": t} for t in texts],
        )
        return [r.id or 0 for r in rows]


def rows(engine: Engine, chat: str) -> list[models.OutboxMessage]:
    with db.session(engine) as session:
        query = select(models.OutboxMessage).where(col(models.OutboxMessage.chat_id) == chat)
        return list(session.exec(query.order_by(col(models.OutboxMessage.id))))


def make_due(engine: Engine) -> None:
    with db.session(engine) as session:
        for row in session.exec(select(models.OutboxMessage)):
            row.next_attempt_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)


class LockedOnce(Dispatcher):
    """A dispatcher whose first claim meets a locked database."""

    locked = True

    def _claim(self, limit: int) -> list[models.OutboxMessage]:
        if self.locked:
            self.locked = False
            raise OperationalError("claim", {}, Exception("database is locked"))
        return super()._claim(limit)


async def test_the_dispatcher_survives_a_locked_database_and_sends_afterwards(
    engine: Engine,
) -> None:
    queue(engine, "c1", ["one", "two"])
    sender = ScriptedSender()
    dispatcher = LockedOnce(engine, {Channel.WEB: sender})
    task = asyncio.create_task(dispatcher.run(poll_seconds=0.05))
    try:
        for _ in range(250):  # until both sends are settled in the outbox, not only made
            if [r.status for r in rows(engine, "c1")] == ["sent", "sent"]:
                break
            await asyncio.sleep(0.02)
    finally:
        task.cancel()
    assert not dispatcher.locked
    assert sender.sent == [("c1", "one"), ("c1", "two")]
    assert [(r.status, r.external_id) for r in rows(engine, "c1")] == [
        ("sent", "ext-1"),
        ("sent", "ext-2"),
    ]


async def test_a_failed_send_returns_the_rest_of_the_chat_to_the_queue_at_once(
    engine: Engine,
) -> None:
    queue(engine, "c2", ["a", "b", "c"])
    sender = ScriptedSender([SendFailed("timeout")])
    await Dispatcher(engine, {Channel.WEB: sender}).drain()
    first, second, third = rows(engine, "c2")
    assert (first.status, first.attempts, first.error) == ("pending", 1, "timeout")
    assert [(r.status, r.attempts, r.lease_until) for r in (second, third)] == [
        ("pending", 0, None),
        ("pending", 0, None),
    ]
    make_due(engine)
    await Dispatcher(engine, {Channel.WEB: sender}).drain()
    assert [t for _, t in sender.sent] == ["a", "b", "c"]


async def test_throttling_never_uses_up_the_attempts(engine: Engine) -> None:
    queue(engine, "c3", ["hello"])
    throttles = [SendFailed("429", retry_after=0) for _ in range(15)]
    sender = ScriptedSender(throttles)
    dispatcher = Dispatcher(engine, {Channel.WEB: sender})
    for _ in range(16):
        make_due(engine)
        await dispatcher.drain()
    (row,) = rows(engine, "c3")
    assert (row.status, row.attempts) == ("sent", 1)
    assert sender.sent == [("c3", "hello")]


async def test_real_failures_still_end_dead_after_the_schedule(engine: Engine) -> None:
    queue(engine, "c4", ["hello"])
    sender = ScriptedSender([SendFailed("500") for _ in range(20)])
    dispatcher = Dispatcher(engine, {Channel.WEB: sender})
    for _ in range(12):
        make_due(engine)
        await dispatcher.drain()
    (row,) = rows(engine, "c4")
    assert row.status == "dead"
    assert sender.sent == []


def flaky(failures: int) -> Callable[[bytes], Awaitable[InboundEvent | None]]:
    """Returns a translator that raises the first `failures` times (a getFile outage, say)."""
    left = [failures]

    async def translate_flaky(payload: bytes) -> InboundEvent | None:
        if left[0] > 0:
            left[0] -= 1
            raise ConnectionError("file server down")
        return await translate(payload)

    return translate_flaky


def record(inbox: Inbox, chat: str) -> int:
    now = dt.datetime.now(dt.UTC)
    body = {"chat_id": chat, "message_id": "m1", "at": now.isoformat(), "text": "hello"}
    inbound_id = inbox.record(
        channel=Channel.WEB,
        external_id=f"{chat}-m1",
        chat_id=chat,
        payload=json.dumps(body | {"locale_hint": "en"}).encode(),
    )
    assert inbound_id is not None
    return inbound_id


def inbound(engine: Engine, inbound_id: int) -> models.InboundUpdate:
    with db.session(engine) as session:
        row = session.get(models.InboundUpdate, inbound_id)
        assert row is not None
        return row


def due_now(engine: Engine, inbound_id: int) -> None:
    with db.session(engine) as session:
        row = session.get(models.InboundUpdate, inbound_id)
        assert row is not None
        row.next_attempt_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)


async def test_a_failing_update_is_retried_later_and_then_answered(
    runner: Runner, engine: Engine
) -> None:
    inbox = Inbox(engine, runner, {Channel.WEB: flaky(2)})
    inbound_id = record(inbox, "r1")
    assert await inbox.process_pending(grace_seconds=0) == 1
    row = inbound(engine, inbound_id)
    assert (row.status, row.attempts, row.error) == ("pending", 1, "ConnectionError")
    assert row.next_attempt_at is not None
    assert row.next_attempt_at > dt.datetime.now(dt.UTC)
    assert await inbox.process_pending(grace_seconds=0) == 0  # not due yet
    due_now(engine, inbound_id)
    await inbox.process_pending(grace_seconds=0)
    due_now(engine, inbound_id)
    await inbox.process_pending(grace_seconds=0)
    assert inbound(engine, inbound_id).status == "processed"


async def test_an_update_failing_every_time_is_given_up_after_the_schedule(
    runner: Runner, engine: Engine
) -> None:
    inbox = Inbox(engine, runner, {Channel.WEB: flaky(100)})
    inbound_id = record(inbox, "r2")
    for _ in range(len(inbox_module.RETRY_DELAYS) + 1):
        due_now(engine, inbound_id)
        await inbox.process_pending(grace_seconds=0)
    row = inbound(engine, inbound_id)
    assert (row.status, row.attempts) == ("failed", len(inbox_module.RETRY_DELAYS) + 1)


class HangsOn:
    """A channel that takes messages until it meets `text`, then never answers (a crash)."""

    def __init__(self, text: str) -> None:
        self.text, self.sent = text, []  # type: list[str]
        self.reached = asyncio.Event()

    async def send(
        self, chat_id: str, message: OutgoingMessage, delivered: PartsDelivered | None = None
    ) -> str | None:
        if message.text == self.text:
            self.reached.set()
            await asyncio.sleep(3600)
        self.sent.append(message.text)
        return f"ext-{len(self.sent)}"


async def test_each_send_is_marked_at_once_so_a_crash_resends_only_the_one_in_flight(
    engine: Engine,
) -> None:
    queue(engine, "c5", ["one", "two", "three", "four"])
    channel = HangsOn("three")
    dying = Dispatcher(engine, {Channel.WEB: channel}, lease_seconds=0.5)
    task = asyncio.create_task(dying.run(poll_seconds=0.05))
    await asyncio.wait_for(channel.reached.wait(), timeout=10)
    task.cancel()  # the process dies with "three" sent but not yet marked
    await asyncio.gather(task, return_exceptions=True)
    assert [r.status for r in rows(engine, "c5")] == ["sent", "sent", "sending", "pending"]
    await asyncio.sleep(0.6)  # its lease lapses: another process takes the chat over
    after = ScriptedSender()
    await Dispatcher(engine, {Channel.WEB: after}).drain()
    assert after.sent == [("c5", "three"), ("c5", "four")]
    assert [r.status for r in rows(engine, "c5")] == ["sent"] * 4


class SplitsInThree:
    """A channel that sends a message as three parts and dies after the first, once."""

    def __init__(self) -> None:
        self.parts: list[int] = []
        self.reached = asyncio.Event()
        self.dies = True

    async def send(
        self, chat_id: str, message: OutgoingMessage, delivered: PartsDelivered | None = None
    ) -> str | None:
        for part in range(message.parts_sent, 3):
            self.parts.append(part + 1)
            if part < 2 and delivered is not None:
                await delivered(part + 1)
            if self.dies:
                self.dies = False
                self.reached.set()
                await asyncio.sleep(3600)
        return f"ext-{len(self.parts)}"


async def test_a_part_delivered_before_a_crash_is_not_sent_again_by_the_takeover(
    engine: Engine,
) -> None:
    [message_id] = queue(engine, "c6", ["long"])
    channel = SplitsInThree()
    dying = Dispatcher(engine, {Channel.WEB: channel}, lease_seconds=0.5)
    task = asyncio.create_task(dying.run(poll_seconds=0.05))
    await asyncio.wait_for(channel.reached.wait(), timeout=10)
    task.cancel()  # the process dies after part 1 went out, before part 2
    await asyncio.gather(task, return_exceptions=True)
    [row] = rows(engine, "c6")
    assert (row.id, row.status, row.parts_sent) == (message_id, "sending", 1)
    await asyncio.sleep(0.6)  # its lease lapses: another process takes the message over
    await Dispatcher(engine, {Channel.WEB: channel}).drain()
    assert channel.parts == [1, 2, 3]  # part 1 once, then the rest
    [row] = rows(engine, "c6")
    assert (row.status, row.parts_sent) == ("sent", 2)
