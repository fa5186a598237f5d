"""Turns handed in from the event loop together share a commit; one failing turn fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from helpers import text
from sqlalchemy import Engine, event
from test_turn_groups import record, saved

from bot.hooks import SavedTurn
from bot.i18n import Catalogs
from bot.runtime.batch import GroupedTurns, TurnJob
from bot.runtime.runner import Runner
from flows.context import Context


class Stopped(BaseException):
    """Stands for something that ends the turn thread: nothing below catches it."""


@pytest.fixture
def commits(engine: Engine) -> Iterator[list[int]]:
    """Counts the engine's commits."""
    seen: list[int] = []

    def count(_: object) -> None:
        seen.append(1)

    event.listen(engine, "commit", count)
    yield seen
    event.remove(engine, "commit", count)


async def test_turns_ready_together_are_saved_in_one_commit(
    runner: Runner, engine: Engine, commits: list[int]
) -> None:
    chats = [f"t{n}" for n in range(6)]
    ids = record(engine, [text(chat, "hello") for chat in chats])
    turns = GroupedTurns(runner)
    commits.clear()
    jobs = [TurnJob(text(chat, "hello"), i) for chat, i in zip(chats, ids, strict=True)]
    results = await asyncio.gather(*(turns.run(job) for job in jobs))
    await turns.aclose()
    assert len([r for r in results if r is not None and r.outbox_ids]) == len(chats)
    assert len(commits) == 1
    for chat in chats:
        assert saved(engine, chat)[1] == 1


async def test_a_failing_turn_raises_for_its_own_caller_only(
    engine: Engine, catalogs: Catalogs, context: Context
) -> None:
    def refuse(turn: SavedTurn) -> None:
        if turn.conversation.chat_id == "bad":
            raise RuntimeError("this turn fails")

    turns = GroupedTurns(Runner(engine, catalogs, context, after_turn=[refuse]))
    chats = ["a", "bad", "b"]
    answers = await asyncio.gather(
        *(turns.run(TurnJob(text(chat, "hello"))) for chat in chats), return_exceptions=True
    )
    await turns.aclose()
    assert isinstance(answers[1], RuntimeError)
    assert [type(answers[n]).__name__ for n in (0, 2)] == ["TurnResult", "TurnResult"]
    assert [saved(engine, chat)[1] for chat in ("a", "b")] == [1, 1]


async def test_a_stopped_turn_thread_answers_its_waiters_and_the_next_turns_still_run(
    engine: Engine, catalogs: Catalogs, context: Context
) -> None:
    def stop(turn: SavedTurn) -> None:
        if turn.conversation.chat_id == "last":
            raise Stopped

    turns = GroupedTurns(Runner(engine, catalogs, context, after_turn=[stop]))
    with pytest.raises(RuntimeError):
        await asyncio.wait_for(turns.run(TurnJob(text("last", "hello"))), timeout=10)
    assert await asyncio.wait_for(turns.run(TurnJob(text("next", "hello"))), timeout=10)
    await turns.aclose()
