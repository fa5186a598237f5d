"""Group-committed turns on SQLite and PostgreSQL: the same saves as one turn at a time."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from helpers import OPENING, START, press, text
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.envelopes import InboundEvent
from bot.hooks import SavedTurn
from bot.i18n import Catalogs
from bot.runtime.batch import GroupRunner, TurnJob, groups
from bot.runtime.runner import Runner
from flows.context import Context
from storage import db, inbox_claims, models
from storage.inbox_batch import record_inbound_many


class Crash(BaseException):
    """Stands for the process dying: nothing catches it."""


def script(chat: str) -> list[InboundEvent]:
    """Returns a chat's turns up to the first free-text question."""
    presses = [press(chat, b, START + dt.timedelta(seconds=n)) for n, b in enumerate(OPENING, 1)]
    return [text(chat, "hello"), *presses]


def saved(engine: Engine, chat: str) -> tuple[str | None, int, list[str]]:
    """Returns a chat's step, version and outbox texts in id order."""
    with db.session(engine) as session:
        query = select(models.Conversation).where(col(models.Conversation.chat_id) == chat)
        row = session.exec(query).one()
        outbox = select(models.OutboxMessage).where(col(models.OutboxMessage.chat_id) == chat)
        texts = [m.payload["text"] for m in session.exec(outbox.order_by(models.OutboxMessage.id))]
        return row.step_id, row.version, texts


def record(engine: Engine, events: list[InboundEvent]) -> list[int]:
    """Records one inbox row per event; returns their ids."""
    rows = [(f"{e.chat_id}-{n}", e.chat_id, b"{}") for n, e in enumerate(events)]
    with engine.begin() as connection:
        ids = record_inbound_many(connection=connection, channel="web", rows=rows)
    return [i or 0 for i in ids]


def inbox_rows(engine: Engine) -> list[models.InboundUpdate]:
    with db.session(engine) as session:
        return list(session.exec(select(models.InboundUpdate).order_by(models.InboundUpdate.id)))


def test_a_group_of_turns_commits_what_one_at_a_time_commits(
    runner: Runner, engine: Engine
) -> None:
    for event in script("alone"):
        runner.handle(event)
    chats = [f"g{n}" for n in range(5)]
    group = GroupRunner(runner)
    for turn in range(len(script("x"))):
        results = group.run([TurnJob(script(chat)[turn]) for chat in chats])
        assert all(result is not None for result in results)
    expected = saved(engine, "alone")
    for chat in chats:
        assert saved(engine, chat) == expected
    with db.session(engine) as session:
        cases = session.exec(select(models.Case)).all()
        events = session.exec(select(models.CaseEvent)).all()
    assert len(cases) == 6
    per_case = {case.id: sum(e.case_id == case.id for e in events) for case in cases}
    assert events
    assert len(set(per_case.values())) == 1


def test_a_failing_turn_runs_alone_and_the_others_commit(
    engine: Engine, catalogs: Catalogs, context: Context
) -> None:
    def refuse(turn: SavedTurn) -> None:
        if turn.conversation.chat_id == "bad":
            raise RuntimeError("this turn fails")

    runner = Runner(engine, catalogs, context, after_turn=[refuse])
    chats = ["a", "bad", "b", "c"]
    ids = record(engine, [text(chat, "hello") for chat in chats])
    jobs = [
        TurnJob(text(chat, "hello"), inbound_id)
        for chat, inbound_id in zip(chats, ids, strict=True)
    ]
    outcomes = GroupRunner(runner).outcomes(jobs)
    assert isinstance(outcomes[1], RuntimeError)
    assert all(
        o is not None and not isinstance(o, Exception) for i, o in enumerate(outcomes) if i != 1
    )
    for chat in ("a", "b", "c"):
        assert saved(engine, chat)[1] == 1
    statuses = {row.chat_id: row.status for row in inbox_rows(engine)}
    assert statuses == {"a": "processed", "bad": "pending", "b": "processed", "c": "processed"}
    with pytest.raises(RuntimeError):
        GroupRunner(runner).run([TurnJob(text("bad", "again")), TurnJob(text("d", "hello"))])
    assert saved(engine, "d")[1] == 1


def test_two_turns_of_one_chat_go_to_successive_groups_in_order(
    runner: Runner, engine: Engine
) -> None:
    jobs = [TurnJob(e) for e in script("same")] + [TurnJob(text("other", "hello"))]
    assert groups(jobs, 48) == [[0], [1], [2], [3], [4], [5, 6]]
    GroupRunner(runner).run(jobs)
    for event in script("alone"):
        runner.handle(event)
    assert saved(engine, "same") == saved(engine, "alone")


def test_groups_from_several_threads_keep_each_chats_order(runner: Runner, engine: Engine) -> None:
    for event in script("alone"):
        runner.handle(event)
    expected = saved(engine, "alone")

    def play(worker: int) -> None:
        group = GroupRunner(runner)
        chats = [f"w{worker}-{n}" for n in range(4)]
        for turn in range(len(script("x"))):
            group.run([TurnJob(script(chat)[turn]) for chat in chats])

    pool = [threading.Thread(target=play, args=(w,)) for w in range(3)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    for worker in range(3):
        for n in range(4):
            assert saved(engine, f"w{worker}-{n}") == expected


def test_a_crash_between_claim_and_commit_leaves_the_updates_to_do_again(
    engine: Engine, catalogs: Catalogs, context: Context
) -> None:
    crashing = True

    def crash(turn: SavedTurn) -> None:
        if crashing and turn.conversation.chat_id == "c2":
            raise Crash

    runner = Runner(engine, catalogs, context, after_turn=[crash])
    events = [text(chat, "hello") for chat in ("c1", "c2", "c3")]
    ids = record(engine, events)
    now = dt.datetime.now(dt.UTC)
    with db.session(engine) as session:
        claimed = inbox_claims.claim_inbound(
            session=session, owner="dead", now=now, seconds=5, limit=10
        )
    assert [c[0] for c in claimed] == ids
    jobs = [TurnJob(e, i, "dead") for e, i in zip(events, ids, strict=True)]
    with pytest.raises(Crash):
        GroupRunner(runner).run(jobs)
    assert [row.status for row in inbox_rows(engine)] == ["pending"] * 3
    crashing = False
    later = now + dt.timedelta(seconds=10)
    with db.session(engine) as session:
        again = inbox_claims.claim_inbound(
            session=session, owner="next", now=later, seconds=5, limit=10
        )
    assert [c[0] for c in again] == ids
    assert (
        GroupRunner(runner).run([TurnJob(e, i, "dead") for e, i in zip(events, ids, strict=True)])
        == [None] * 3
    )
    results = GroupRunner(runner).run(
        [TurnJob(e, i, "next") for e, i in zip(events, ids, strict=True)]
    )
    assert all(result is not None for result in results)
    rows = inbox_rows(engine)
    assert [(row.status, row.attempts, row.lease_owner) for row in rows] == [
        ("processed", 1, None)
    ] * 3
    for chat in ("c1", "c2", "c3"):
        assert saved(engine, chat)[1] == 1
