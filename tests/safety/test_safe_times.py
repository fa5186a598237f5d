"""Safe times (S-06): reminders and caseworker messages wait for the reporter's windows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.casework.actions import notify
from bot.envelopes import Channel, InboundEvent
from bot.i18n import Catalogs
from bot.runtime.runner import Runner
from bot.runtime.timers import fire_due_timers
from bot.safety.help_contacts import load_contacts
from bot.safety.safe_times import DEFERRED, next_safe_in, release_deferred
from bot.settings import Settings
from flows import messages as msg
from flows.context import Context
from flows.vocabulary import InputKind, Locale, Text
from storage import db, outbox
from storage.models import Case, Conversation, OutboxMessage, Reporter

UTC = dt.UTC
AT = dt.datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # 10:00 in UTC+8


@pytest.mark.parametrize(
    ("windows", "offset", "at", "expected"),
    [
        ([], 480, AT, AT),
        (["09:00-11:00"], 480, AT, AT),  # 10:00 local: inside
        (["18:00-20:00"], 480, AT, dt.datetime(2026, 11, 28, 10, 0, tzinfo=UTC)),
        (["06:00-08:00"], 480, AT, dt.datetime(2026, 11, 28, 22, 0, tzinfo=UTC)),  # tomorrow
        (["22:00-02:00"], 0, dt.datetime(2026, 11, 28, 1, 0, tzinfo=UTC), None),  # past midnight
        (
            ["22:00-02:00"],
            0,
            dt.datetime(2026, 11, 28, 3, 0, tzinfo=UTC),
            dt.datetime(2026, 11, 28, 22, 0, tzinfo=UTC),
        ),  # fmt: skip
        (["18:00-20:00", "11:00-12:00"], 480, AT, dt.datetime(2026, 11, 28, 3, 0, tzinfo=UTC)),
        (["nonsense", "25:00-26:00"], 480, AT, AT),
        (["07:00-07:00"], -300, AT, AT),  # equal ends: all day
    ],
)
def test_next_safe_time(
    windows: list[str], offset: int, at: dt.datetime, expected: dt.datetime | None
) -> None:
    assert next_safe_in(windows, offset, at) == (expected or at)


@pytest.fixture
def runner(engine: Engine) -> Runner:
    catalogs = Catalogs()
    contacts = load_contacts(Settings().files.help_contacts_file)
    return Runner(engine, catalogs, Context(contacts=contacts.contacts, aliases=catalogs.aliases()))


def said(chat: str, text: str, at: dt.datetime) -> InboundEvent:
    return InboundEvent(
        channel=Channel.WEB, chat_id=chat, user_id=chat, kind=InputKind.TEXT, at=at, text=text,
        locale_hint="en",
    )  # fmt: skip


def choose_windows(engine: Engine, chat: str, windows: list[str], offset: int) -> int:
    with db.session(engine) as session:
        conversation = session.exec(
            select(Conversation).where(col(Conversation.chat_id) == chat)
        ).one()
        reporter = session.get(Reporter, conversation.reporter_id)
        assert reporter is not None
        reporter.safe_times, reporter.utc_offset_minutes = windows, offset
        return conversation.id or 0


def timer_of(engine: Engine, conversation_id: int) -> dt.datetime | None:
    with db.session(engine) as session:
        row = session.get(Conversation, conversation_id)
        assert row is not None
        return row.next_timer_at


def texts(engine: Engine, conversation_id: int) -> list[str]:
    with db.session(engine) as session:
        query = select(OutboxMessage).where(col(OutboxMessage.conversation_id) == conversation_id)
        return [
            str(r.payload.get("text")) for r in session.exec(query.order_by(col(OutboxMessage.id)))
        ]


def test_reminder_waits_for_the_safe_time(runner: Runner, engine: Engine) -> None:
    runner.handle(said("safe-1", "hello", AT))
    conversation_id = choose_windows(engine, "safe-1", ["18:00-20:00"], 480)
    due = timer_of(engine, conversation_id)
    assert due is not None
    reminder = runner.catalogs.gettext(Locale.EN, msg.REMINDER)
    sent_before = len(texts(engine, conversation_id))

    assert fire_due_timers(engine, runner, due + dt.timedelta(minutes=1)) == 0
    moved = timer_of(engine, conversation_id)
    assert moved is not None
    assert moved > due
    local = moved + dt.timedelta(minutes=480)
    assert (local.hour, local.minute) == (18, 0)
    assert len(texts(engine, conversation_id)) == sent_before

    assert fire_due_timers(engine, runner, moved) == 1
    new = texts(engine, conversation_id)[sent_before:]
    assert reminder in new


def test_own_replies_are_never_delayed(runner: Runner, engine: Engine) -> None:
    runner.handle(said("safe-2", "hello", AT))
    choose_windows(engine, "safe-2", ["18:00-20:00"], 480)
    result = runner.handle(said("safe-2", "English", AT + dt.timedelta(minutes=1)))
    assert result is not None
    assert result.outbox_ids
    with db.session(engine) as session:
        rows = [session.get(OutboxMessage, i) for i in result.outbox_ids]
        assert all(r is not None and r.status == "pending" for r in rows)


def test_caseworker_message_is_held_until_the_safe_time(runner: Runner, engine: Engine) -> None:
    runner.handle(said("safe-3", "hello", AT))
    now = dt.datetime.now(UTC)
    start = (now + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    window = f"{start:%H:%M}-{start + dt.timedelta(hours=1):%H:%M}"
    conversation_id = choose_windows(engine, "safe-3", [window], 0)
    with db.session(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        case = Case(reference="MC-2026-990001", conversation_id=conversation_id,
                    reporter_id=conversation.reporter_id, locale="en", channel="web")  # fmt: skip
        session.add(case)
        session.flush()
        assert notify(session, runner.catalogs, case, Text(msg.REMINDER)) == 1
    with db.session(engine) as session:
        row = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc())).first()
        assert row is not None
        assert (row.status, row.next_attempt_at) == (DEFERRED, start)
        claimed = outbox.claim_outbox(session=session, now=now, lease_seconds=60, limit=50)
        assert row.id not in {c.id for c in claimed}
        assert release_deferred(session, now) == 0
        assert release_deferred(session, start) == 1
        session.refresh(row)
        assert row.status == "pending"
