"""The webhook's guard and bookkeeping: secret, bad bodies, duplicates, commands, groups, blocks."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from corpus import Builder, raw
from sqlmodel import col, func, select
from tg_harness import SECRET, Harness

from bot.i18n import Catalogs
from flows import messages as msg
from flows.registry import INTAKE
from flows.vocabulary import Locale
from handlers.telegram.translate import GROUP_INVITATION
from storage import db, models

CATALOGS = Catalogs()


def inbound_count(harness: Harness) -> int:
    with db.session(harness.core.engine) as session:
        return int(session.exec(select(func.count()).select_from(models.InboundUpdate)).one())


def said(locale: str, msgid: str) -> str:
    return CATALOGS.gettext(Locale(locale), msgid)


def question(locale: str, step_id: str) -> str:
    return said(locale, INTAKE.step(step_id).prompt)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("secret", "status"),
    [(None, 401), ("wrong", 403), (SECRET + "x", 403), ("", 403), ("ümlaut".encode(), 403)],
)
async def test_missing_or_wrong_secret_is_refused_and_nothing_recorded(
    harness: Harness, secret: str | bytes | None, status: int
) -> None:
    response = await harness.post(raw("text"), secret=secret)
    await harness.settle()
    assert response.status_code == status
    assert inbound_count(harness) == 0
    assert harness.fake.calls == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'{"message": {"text": "hi"}}', 400),
        (b'{"update_id": "12"}', 400),
        (b'{"update_id": -1}', 400),
        (b'{"update_id": true}', 400),
        (b"\xff\xfe\x00garbage", 400),
        (b'{"update_id": 1, "pad": "' + b"x" * (1024 * 1024) + b'"}', 413),
    ],
)
async def test_malformed_bodies_get_4xx_never_500(
    harness: Harness, body: bytes, status: int
) -> None:
    response = await harness.post(body)
    assert response.status_code == status
    assert inbound_count(harness) == 0


async def test_valid_json_that_no_library_reads_is_recorded_as_unreadable(harness: Harness) -> None:
    response = await harness.post(b'{"update_id": 77, "message": {"text": "no chat, no date"}}')
    await harness.settle()
    assert response.status_code == 200
    with db.session(harness.core.engine) as session:
        row = session.exec(select(models.InboundUpdate)).one()
    assert (row.external_id, row.status, row.attempts) == ("77", "unreadable", 1)
    assert harness.fake.of("sendMessage") == []


async def test_duplicate_delivery_changes_nothing_and_sends_nothing(harness: Harness) -> None:
    reporter = harness.reporter("en")
    update = reporter.build.command("/start")
    first = await reporter.do(update)
    assert len(first) == 2
    again = await harness.post(update)
    await harness.settle()
    assert again.status_code == 200
    assert reporter.new() == []
    assert inbound_count(harness) == 1
    press = reporter.build.press("danger.no", reporter.shown("danger.no"))
    await reporter.do(press)
    calls = len(harness.fake.calls)
    assert (await harness.post(press)).status_code == 200
    await harness.settle()
    assert len(harness.fake.calls) == calls  # not even answerCallbackQuery again


async def test_deep_link_is_the_referral_never_an_answer(harness: Harness) -> None:
    reporter = harness.reporter("id")
    replies = await reporter.command("/start radio_kebumen_2026")
    assert replies[-1]["text"] == question("id", "danger")
    await reporter.press("danger.no")
    again = await reporter.command("/start poster_hk")
    assert [m["text"] for m in again] == [said("id", msg.RESUME)]
    with db.session(harness.core.engine) as session:
        person = session.exec(
            select(models.Reporter).where(
                col(models.Reporter.channel_user_id) == str(reporter.user_id)
            )
        ).one()
        conversation = session.exec(select(models.Conversation)).one()
    assert person.referral == "poster_hk"
    answers = conversation.state["engine"]["answers"]
    assert "radio_kebumen_2026" not in json.dumps(answers)
    assert "poster_hk" not in json.dumps(answers)
    assert conversation.step_id == "safe_now"


async def test_help_language_and_cancel_commands(harness: Harness) -> None:
    reporter = harness.reporter("id")
    await reporter.command("/start")
    helped = await reporter.command("/help")
    assert [m["text"] for m in helped] == [said("id", msg.HELP), question("id", "danger")]
    switched = await reporter.command("/language en")
    assert [m["text"] for m in switched] == [
        said("en", msg.LANGUAGE_SWITCHED),
        question("en", "danger"),
    ]
    back = await reporter.command("/indonesia")
    assert back[-1]["text"] == question("id", "danger")
    english = await reporter.command("/english")
    assert english[-1]["text"] == question("en", "danger")
    cancelled = await reporter.command("/cancel")
    assert [m["text"] for m in cancelled] == [said("en", msg.CANCELLED)]
    unknown = await reporter.command("/foo")
    assert unknown[-1]["text"] == question("en", "danger")  # a new report begins


async def test_old_button_is_answered_and_never_taken_twice(harness: Harness) -> None:
    reporter = harness.reporter("en")
    await reporter.command("/start")
    shown = reporter.shown("danger.no")
    await reporter.press("danger.no")
    stale = await reporter.do(reporter.build.press("danger.yes", shown))
    assert [m["text"] for m in stale] == [
        said("en", msg.NOT_UNDERSTOOD_CHOICE),
        question("en", "safe_now"),
    ]
    assert len(harness.fake.of("answerCallbackQuery")) == 2


async def test_group_gets_one_short_invitation_a_day_and_no_intake(harness: Harness) -> None:
    reporter = harness.reporter("en")
    group = reporter.build.own("group")
    chat = group["message"]["chat"]["id"]
    for update_id in (1, 2, 3):
        group["update_id"] = 990000 + update_id
        assert (await harness.post(group)).status_code == 200
        await harness.settle()
    sent = harness.fake.sent()
    assert [(int(p["chat_id"]), p["text"]) for p in sent] == [(chat, said("en", GROUP_INVITATION))]
    assert "reply_markup" not in sent[0]
    with db.session(harness.core.engine) as session:
        assert session.exec(select(models.Conversation)).all() == []
        assert session.exec(select(models.Reporter)).all() == []


async def test_blocking_the_bot_marks_unreachable_and_stops_timers(harness: Harness) -> None:
    reporter = harness.reporter("id")
    await reporter.command("/start")
    await reporter.press("danger.no")
    await reporter.press("safe_now.safe")
    assert timer(harness) is not None
    await reporter.do(reporter.build.own("my_chat_member_kicked"))
    person, conversation = rows(harness, reporter.user_id)
    assert person.unreachable
    assert person.unreachable_at is not None
    assert conversation.next_timer_at is None
    assert conversation.timer_kind is None
    assert conversation.step_id == "role"
    assert conversation.state["engine"]["answers"]
    await reporter.do(reporter.build.own("my_chat_member_unblocked"))
    assert not rows(harness, reporter.user_id)[0].unreachable


def rows(harness: Harness, user_id: int) -> tuple[models.Reporter, models.Conversation]:
    with db.session(harness.core.engine) as session:
        person = session.exec(
            select(models.Reporter).where(col(models.Reporter.channel_user_id) == str(user_id))
        ).one()
        conversation = session.exec(
            select(models.Conversation).where(col(models.Conversation.chat_id) == str(user_id))
        ).one()
        return person, conversation


def timer(harness: Harness) -> Any:
    with db.session(harness.core.engine) as session:
        return session.exec(select(models.Conversation)).one().next_timer_at


async def test_a_403_on_send_marks_the_reporter_unreachable(harness: Harness) -> None:
    reporter = harness.reporter("en")
    await reporter.command("/start")
    harness.fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await reporter.press("danger.no")
    person, conversation = rows(harness, reporter.user_id)
    assert person.unreachable
    assert conversation.next_timer_at is None
    with db.session(harness.core.engine) as session:
        failed = session.exec(
            select(models.OutboxMessage).where(col(models.OutboxMessage.status) == "failed")
        ).one()
    assert failed.error is not None
    assert "blocked by the user" in failed.error


async def test_a_429_waits_retry_after_before_sending_again(harness: Harness) -> None:
    reporter = harness.reporter("en")
    harness.fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await reporter.command("/start")
    attempts = harness.fake.of("sendMessage")
    assert len(attempts) == 1  # refused; the rest waits
    with db.session(harness.core.engine) as session:
        waiting = session.exec(select(models.OutboxMessage).order_by(col(models.OutboxMessage.id)))
        first = next(iter(waiting))
    assert first.status == "pending"
    assert first.attempts == 0  # a throttle is not a failed attempt
    assert await harness.core.dispatcher.drain() == 0  # not due yet
    await asyncio.sleep(1.1)
    await harness.settle()
    attempts = harness.fake.of("sendMessage")
    assert len(attempts) == 3
    assert attempts[1].at - attempts[0].at >= 1.0
    assert attempts[1].params["text"] == attempts[0].params["text"]


async def test_builder_makes_real_shaped_updates() -> None:
    build = Builder(42, "en")
    update = build.text("hello")
    assert update["message"]["from"] == {
        "id": 42,
        "is_bot": False,
        "first_name": "Siti",
        "last_name": "Rahayu",
        "language_code": "en",
    }
    assert update["message"]["chat"]["id"] == 42
    assert update["message"]["text"] == "hello"
