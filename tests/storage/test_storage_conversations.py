"""Reporters and conversations: race-safe creation, turn serialisation, optimistic versions."""

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from storage import queries
from storage.db import session
from storage.errors import StaleConversation
from storage.models import Conversation, Reporter
from storage.types import utcnow


def test_get_or_create_reporter_from_eight_threads_makes_one_reporter(
    engine: Engine, threaded: Callable[..., list[Any]]
) -> None:
    def get(_: int) -> int | None:
        with session(engine) as db:
            return queries.get_or_create_reporter(
                session=db, channel="whatsapp", channel_user_id="6281234"
            ).id

    ids = threaded(8, get)
    assert len(set(ids)) == 1
    with session(engine) as db:
        assert len(db.exec(select(Reporter)).all()) == 1


def test_lock_conversation_creates_once_then_returns_existing(engine: Engine) -> None:
    with session(engine) as db:
        reporter = queries.get_or_create_reporter(session=db, channel="web", channel_user_id="u")
        assert reporter.id is not None
        first, created = queries.lock_conversation(
            session=db, channel="web", chat_id="chat", reporter_id=reporter.id
        )
        again, created_again = queries.lock_conversation(
            session=db, channel="web", chat_id="chat", reporter_id=reporter.id
        )
    assert created
    assert not created_again
    assert again.id == first.id
    assert (first.version, first.status, first.state) == (0, "active", {})


def test_two_turns_at_the_same_moment_never_lose_an_answer(
    engine: Engine, conversation: Conversation, threaded: Callable[..., list[Any]]
) -> None:
    def turn(index: int) -> None:
        with session(engine) as db:
            row, _ = queries.lock_conversation(
                session=db, channel="telegram", chat_id="c1", reporter_id=conversation.reporter_id
            )
            answers = dict(row.state.get("answers", {}))
            time.sleep(0.3)  # the other turn arrives while this one is thinking
            answers[f"q{index}"] = f"answer {index}"
            row.state = {**row.state, "answers": answers}
            queries.save_conversation(session=db, conversation=row, expected_version=row.version)

    threaded(2, turn)
    with session(engine) as db:
        saved = db.get(Conversation, conversation.id)
    assert saved is not None
    assert saved.state["answers"] == {"q0": "answer 0", "q1": "answer 1"}
    assert saved.version == 2


def test_save_conversation_with_an_old_version_raises_stale(
    engine: Engine, conversation: Conversation
) -> None:
    with session(engine) as db:
        row = db.get(Conversation, conversation.id)
        assert row is not None
        row.step_id = "ask_country"
        queries.save_conversation(session=db, conversation=row, expected_version=0)
        assert row.version == 1

    def save_from_version_zero() -> None:
        with session(engine) as db:
            old = db.get(Conversation, conversation.id)
            assert old is not None
            old.step_id = "ask_name"
            queries.save_conversation(session=db, conversation=old, expected_version=0)

    with pytest.raises(StaleConversation):
        save_from_version_zero()
    with session(engine) as db:
        saved = db.get(Conversation, conversation.id)
        assert saved is not None
        assert (saved.step_id, saved.version) == ("ask_country", 1)


def test_save_conversation_writes_state_without_a_second_update(
    engine: Engine, conversation: Conversation
) -> None:
    with session(engine) as db:
        row = db.get(Conversation, conversation.id)
        assert row is not None
        row.state["answers"] = {"name": "Siti"}  # in-place change, not tracked by the ORM
        queries.save_conversation(session=db, conversation=row, expected_version=0)
        assert not db.dirty
    with session(engine) as db:
        saved = db.get(Conversation, conversation.id)
        assert saved is not None
        assert saved.state == {"answers": {"name": "Siti"}}


def test_due_timers_returns_active_conversations_whose_timer_passed(
    engine: Engine, conversation: Conversation
) -> None:
    now = utcnow()
    with session(engine) as db:
        row = db.get(Conversation, conversation.id)
        assert row is not None
        row.next_timer_at = now - timedelta(seconds=1)
        row.timer_kind = "nudge"
        queries.save_conversation(session=db, conversation=row, expected_version=0)
    with session(engine) as db:
        due = queries.due_timers(session=db, now=now, limit=10)
        assert [c.id for c in due] == [conversation.id]
        assert queries.due_timers(session=db, now=now - timedelta(minutes=1), limit=10) == []
        row = db.get(Conversation, conversation.id)
        assert row is not None
        row.status = "closed"
        queries.save_conversation(session=db, conversation=row, expected_version=1)
    with session(engine) as db:
        assert queries.due_timers(session=db, now=now, limit=10) == []
