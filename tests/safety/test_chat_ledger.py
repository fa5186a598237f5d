"""The chat ledger: each message id kept once per chat and direction, on both databases."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import Engine, event
from sqlmodel import select

from bot.envelopes import Channel
from bot.safety.quick_exit import ChatLedger, Direction
from handlers.telegram.ledger import TelegramLedger
from storage import db
from storage.safety_models import ChatMessage

AT = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)


def rows(engine: Engine) -> list[tuple[str, str, str, str]]:
    """Every recorded (channel, chat, message id, direction), sorted."""
    with db.session(engine) as session:
        found = session.exec(select(ChatMessage)).all()
        return sorted((r.channel, r.chat_id, r.message_id, r.direction) for r in found)


def test_repeats_are_kept_once_and_directions_apart(engine: Engine) -> None:
    ledger = ChatLedger(engine)
    ledger.record("77", [5, 6, 5], Direction.IN, AT)
    ledger.record("77", ["6", 7], Direction.IN, AT)
    ledger.record("77", [5], Direction.OUT, AT)
    ledger.record("78", [5], Direction.IN, AT)
    assert rows(engine) == [
        ("telegram", "77", "5", "in"),
        ("telegram", "77", "5", "out"),
        ("telegram", "77", "6", "in"),
        ("telegram", "77", "7", "in"),
        ("telegram", "78", "5", "in"),
    ]
    assert ledger.recent("77", AT + dt.timedelta(hours=1)) == [5, 6, 7]


def test_nothing_to_record_writes_nothing(engine: Engine) -> None:
    ChatLedger(engine, Channel.WHATSAPP).record("77", [], Direction.OUT, AT)
    assert rows(engine) == []


async def test_records_made_at_once_share_one_commit_and_keep_repeats_once(engine: Engine) -> None:
    commits: list[int] = []
    event.listen(engine, "commit", lambda _: commits.append(1))
    ledger = TelegramLedger(ChatLedger(engine))
    await asyncio.gather(
        ledger.record("77", [5], Direction.IN, AT),
        ledger.record("77", [5, 6], Direction.IN, AT),
        ledger.record("78", [9], Direction.OUT, AT),
    )
    await ledger.aclose()
    assert len(commits) == 1
    assert rows(engine) == [
        ("telegram", "77", "5", "in"),
        ("telegram", "77", "6", "in"),
        ("telegram", "78", "9", "out"),
    ]
    assert await ledger.recent("77", AT + dt.timedelta(hours=1)) == [5, 6]
    await ledger.forget("77", [5])
    assert await ledger.recent("77", AT + dt.timedelta(hours=1)) == [6]
