"""The code word (S-07, R-07): asked on return, wrong shows nothing private."""

from __future__ import annotations

import logging

import pytest
from chat_rights_helpers import (
    TO_REVIEW,
    Chat,
    conversation,
    make_runner,
    reporter,
    rows,
    submit_wage_report,
)
from sqlalchemy import Engine, MetaData, select

from bot.safety import codeword
from flows.state import Pending, from_json
from storage.safety_models import DataRequest

WORD = "Blue Kettle"
PRIVATE = ("Malaysia", "Kebumen", "Wages not paid", "MC-2026", "Evenings")
"""Things only the reporter's answers (or the case) would show."""


def set_up(engine: Engine) -> Chat:
    chat = Chat(make_runner(engine))
    submit_wage_report(chat)
    assert chat.press("code_word.yes")[0].startswith("Type your code word")
    assert chat.send("abc") == ["Please type a word of 4 to 40 letters, or press Skip."]
    assert chat.send(WORD)[0].startswith("Saved.")
    chat.wait(30)
    return chat


def shows_private(replies: list[str]) -> bool:
    return any(p in r for r in replies for p in PRIVATE)


def test_code_word_guards_the_read_back_and_locks_after_three_wrong_tries(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    chat = set_up(engine)
    stored = reporter(engine).code_word_hash
    assert stored is not None
    assert stored.startswith("scrypt$")
    assert codeword.matches("  blue   KETTLE ", stored)

    assert chat.send("my data") == ["Please type your code word first."]
    wrong = chat.send("red kettle")
    assert not shows_private(wrong)
    assert "KP2MI" in wrong[0]  # public help contacts only
    assert reporter(engine).code_word_failures == 1

    chat.send("data saya")
    right = chat.send("blue kettle")
    assert shows_private(right)
    assert reporter(engine).code_word_failures == 0

    for attempt in ("one", "two", "three"):
        chat.send("my data")
        replies = chat.send(f"wrong {attempt}")
        assert not shows_private(replies)
    assert reporter(engine).code_word_failures == 3
    chat.send("my data")
    locked = chat.send(WORD)
    assert not shows_private(locked)
    assert locked == wrong  # the same public answer: it never tells whether a case exists
    assert [r.kind for r in rows(engine, DataRequest)] == ["access", "code_word_locked"]
    assert "code word locked" in caplog.text
    assert WORD.casefold() not in caplog.text.casefold()


def test_resuming_asks_for_the_code_word_before_reading_back_answers(engine: Engine) -> None:
    chat = set_up(engine)
    chat.send("start over")
    chat.send("no")
    chat.press("safe_now.safe", "role.worker", "consent.agree", "self_country.MY")
    chat.press(*TO_REVIEW)
    chat.wait(8)
    chat.send("hello")
    asked = chat.press("cmd:start")
    assert asked == ["Please type your code word first."]
    assert chat.press("review.confirm") == ["Please type your code word first."]
    helped = chat.send("help")
    assert helped[-1] == "Please type your code word first."
    assert not shows_private(helped)
    wrong = chat.send("green kettle")
    assert not shows_private(wrong)
    state = from_json(conversation(engine).state["engine"])
    assert state.pending is Pending.CODE_WORD_CHECK
    right = chat.send(WORD)
    assert shows_private(right)
    assert right[0].startswith("Please check your answers")


def test_the_word_is_never_stored_in_state_events_or_any_table(engine: Engine) -> None:
    chat = set_up(engine)
    chat.send("my data")
    chat.send(WORD)
    chat.send("code word")
    chat.send(WORD)
    chat.send("Green Tea Leaf")
    metadata = MetaData()
    metadata.reflect(bind=engine)
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                dump = repr(tuple(row)).casefold()
                assert "blue kettle" not in dump, table.name
                assert "green tea leaf" not in dump, table.name
    assert codeword.matches("green tea leaf", reporter(engine).code_word_hash or "")
