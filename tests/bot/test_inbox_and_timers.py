"""Crash safety of the inbox, and timers fired by the APScheduler ticker from database state."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json

from helpers import OPENING, press, text
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.envelopes import Channel
from bot.runtime.delivery import Dispatcher
from bot.runtime.inbox import Inbox
from bot.runtime.runner import Runner
from bot.runtime.timers import Ticker, fire_due_timers
from handlers.demo.web import translate
from storage import db, models


def web_payload(chat: str, message_id: str, at: dt.datetime, **fields: object) -> bytes:
    body = {"chat_id": chat, "message_id": message_id, "at": at.isoformat(), "text": "", **fields}
    return json.dumps(body).encode()


def replies(engine: Engine, chat: str) -> list[str]:
    with db.session(engine) as session:
        query = select(models.OutboxMessage).where(col(models.OutboxMessage.chat_id) == chat)
        return [
            r.payload["text"] for r in session.exec(query.order_by(col(models.OutboxMessage.id)))
        ]


async def test_an_update_recorded_before_a_crash_is_processed_after_restart(
    runner: Runner, engine: Engine
) -> None:
    now = dt.datetime.now(dt.UTC)
    before_crash = Inbox(engine, runner, {Channel.WEB: translate})
    inbound_id = before_crash.record(
        channel=Channel.WEB,
        external_id="m-1",
        chat_id="c1",
        payload=web_payload("c1", "m-1", now, text="hello", locale_hint="en"),
    )
    assert inbound_id is not None
    assert replies(engine, "c1") == []
    after_restart = Inbox(engine, runner, {Channel.WEB: translate})
    assert await after_restart.process_pending(grace_seconds=0) == 1
    assert "in danger right now" in replies(engine, "c1")[-1]
    assert await after_restart.process_pending(grace_seconds=0) == 0


async def test_the_same_inbox_row_processed_twice_at_once_runs_one_turn(
    runner: Runner, engine: Engine
) -> None:
    now = dt.datetime.now(dt.UTC)
    inbox = Inbox(engine, runner, {Channel.WEB: translate})
    inbound_id = inbox.record(
        channel=Channel.WEB,
        external_id="m-2",
        chat_id="c2",
        payload=web_payload("c2", "m-2", now, text="hello", locale_hint="en"),
    )
    assert inbound_id is not None
    await asyncio.gather(inbox.process(inbound_id), inbox.process(inbound_id))
    assert len(replies(engine, "c2")) == 2  # greeting and the danger question, once
    with db.session(engine) as session:
        row = session.get(models.InboundUpdate, inbound_id)
        assert row is not None
        assert row.status == "processed"


def test_a_duplicate_record_is_refused(runner: Runner, engine: Engine) -> None:
    inbox = Inbox(engine, runner, {Channel.WEB: translate})
    payload = web_payload("c3", "m-3", dt.datetime.now(dt.UTC))
    assert inbox.record(channel=Channel.WEB, external_id="m-3", chat_id="c3", payload=payload)
    assert (
        inbox.record(channel=Channel.WEB, external_id="m-3", chat_id="c3", payload=payload) is None
    )


def start_report(runner: Runner, chat: str, at: dt.datetime) -> None:
    runner.handle(text(chat, "hello", at))
    for n, button in enumerate(OPENING, start=1):
        runner.handle(press(chat, button, at + dt.timedelta(seconds=n)))


def test_due_timers_send_one_reminder_then_expire(runner: Runner, engine: Engine) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    start_report(runner, "t1", start)
    assert fire_due_timers(engine, runner, start + dt.timedelta(hours=22)) == 0
    assert fire_due_timers(engine, runner, start + dt.timedelta(hours=23, minutes=30)) == 1
    assert replies(engine, "t1")[-1].startswith("Hello again.")
    assert fire_due_timers(engine, runner, start + dt.timedelta(hours=24)) == 0
    assert fire_due_timers(engine, runner, start + dt.timedelta(days=31)) == 1
    with db.session(engine) as session:
        row = session.exec(select(models.Conversation)).one()
        case = session.exec(select(models.Case)).one()
    assert row.status == "expired"
    assert row.next_timer_at is None
    assert case.status == "expired"


def test_no_reminder_when_the_reporter_said_the_phone_is_not_safe(
    runner: Runner, engine: Engine
) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    runner.handle(text("t2", "hello", start))
    runner.handle(press("t2", "danger.no", start))
    runner.handle(press("t2", "safe_now.unsafe", start))
    with db.session(engine) as session:
        row = session.exec(select(models.Conversation)).one()
    assert row.timer_kind == "expiry"
    assert fire_due_timers(engine, runner, start + dt.timedelta(days=2)) == 0


async def test_the_ticker_fires_due_timers_from_the_database(
    runner: Runner, engine: Engine
) -> None:
    start_report(runner, "t3", dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    inbox = Inbox(engine, runner, {Channel.WEB: translate})
    ticker = Ticker(engine, runner, inbox, Dispatcher(engine, {}), seconds=0.05)
    ticker.start()
    try:
        for _ in range(100):
            await asyncio.sleep(0.05)
            if replies(engine, "t3")[-1].startswith("Hello again."):
                break
    finally:
        ticker.stop()
    assert replies(engine, "t3")[-1].startswith("Hello again.")


def test_a_timer_due_for_several_processes_at_once_fires_once(
    runner: Runner, engine: Engine
) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    start_report(runner, "t4", start)
    before = len(replies(engine, "t4"))
    due = start + dt.timedelta(hours=23, minutes=30)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        fired = list(pool.map(lambda _: fire_due_timers(engine, runner, due), range(4)))
    assert sum(fired) == 1
    assert len(replies(engine, "t4")) == before + 1
