"""The turn runner on SQLite and PostgreSQL: one transaction a turn, nothing lost or changed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from helpers import OPENING, START, press, text
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.runtime.runner import Runner
from flows.state import from_json
from storage import db, models

HOSTILE = [
    "",
    "x" * 20_000,
    "Saya 😀👩🏽‍🍳 مرحبا שלום \u202eevil\u202c 你好",
    "\x01\x02\x07 bell \x1b[31m red \x7f \x00 nul",
    '\'); DROP TABLE "case"; -- SELECT * FROM reporter',
    "<script>alert('x')</script><img src=x onerror=alert(1)> &amp; {reference} %s {0}",
]


def conversation(engine: Engine, chat: str) -> models.Conversation:
    with db.session(engine) as session:
        query = select(models.Conversation).where(col(models.Conversation.chat_id) == chat)
        return session.exec(query).one()


def outbox_texts(engine: Engine, chat: str) -> list[str]:
    with db.session(engine) as session:
        query = (
            select(models.OutboxMessage)
            .where(col(models.OutboxMessage.chat_id) == chat)
            .order_by(col(models.OutboxMessage.id))
        )
        return [row.payload["text"] for row in session.exec(query)]


def to_city_question(runner: Runner, chat: str) -> None:
    runner.handle(text(chat, "hello"))
    for n, button in enumerate(OPENING, start=1):
        runner.handle(press(chat, button, START + dt.timedelta(seconds=n)))


def test_a_turn_saves_state_case_and_replies_together(runner: Runner, engine: Engine) -> None:
    to_city_question(runner, "c1")
    row = conversation(engine, "c1")
    assert row.step_id == "self_city"
    assert row.version == 6
    assert row.next_timer_at is not None
    assert row.timer_kind == "reminder"
    with db.session(engine) as session:
        case = session.exec(select(models.Case)).one()
        consent = session.exec(select(models.Consent)).one()
    assert case.status == "draft"
    assert case.destination_country == "MY"
    assert case.lead_office == "kuala_lumpur"
    assert consent.purpose == "case_handling"
    assert consent.answer == "given"
    assert consent.text_version == "2026-11-v1"
    assert outbox_texts(engine, "c1")[-1].startswith("Which city or state are you in?")


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_gets_a_reply_and_is_stored_exactly(
    runner: Runner, engine: Engine, hostile: str
) -> None:
    to_city_question(runner, "c2")
    result = runner.handle(text("c2", hostile, START + dt.timedelta(minutes=5)))
    assert result is not None
    assert result.turn.replies
    state = from_json(conversation(engine, "c2").state["engine"])
    with db.session(engine) as session:
        case = session.exec(select(models.Case)).one()
    if hostile.strip():
        assert state.answers["self_city"] == {"text": hostile}
        assert case.answers["self_city"] == {"text": hostile}
        assert state.step_id == "self_help"
    else:
        assert state.step_id == "self_city"
        assert outbox_texts(engine, "c2")[-2].startswith("Sorry, I could not read that.")


def test_two_turns_of_one_conversation_at_the_same_moment_lose_nothing(
    runner: Runner, engine: Engine
) -> None:
    """Two presses of a multiple choice arrive together; both must be in the saved selection."""
    to_city_question(runner, "c3")
    runner.handle(text("c3", "Johor", START + dt.timedelta(minutes=1)))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def press_at_once(button: str) -> None:
        barrier.wait()
        try:
            runner.handle(press("c3", button, START + dt.timedelta(minutes=2)))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=press_at_once, args=(b,))
        for b in ("self_help.wages", "self_help.legal")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    state = from_json(conversation(engine, "c3").state["engine"])
    assert set(state.selection) == {"wages", "legal"}
    assert conversation(engine, "c3").version == 9


def test_many_concurrent_turns_on_many_conversations_keep_every_answer(
    runner: Runner, engine: Engine
) -> None:
    chats = [f"m{n}" for n in range(6)]

    def file(chat: str) -> None:
        to_city_question(runner, chat)
        runner.handle(text(chat, f"city of {chat}", START + dt.timedelta(minutes=1)))

    threads = [threading.Thread(target=file, args=(chat,)) for chat in chats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for chat in chats:
        state = from_json(conversation(engine, chat).state["engine"])
        assert state.answers["self_city"] == {"text": f"city of {chat}"}
    with db.session(engine) as session:
        references = [c.reference for c in session.exec(select(models.Case))]
    assert len(references) == len(set(references)) == len(chats)
