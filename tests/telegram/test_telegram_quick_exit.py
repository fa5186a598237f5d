"""Quick exit (S-03) against the fake Bot API, through both drivers: exactly the <48 h ids go."""

from __future__ import annotations

import datetime as dt

from fakebot import FakeBotAPI
from sqlmodel import col, select
from tg_harness import Harness

from bot.envelopes import Channel
from bot.safety.quick_exit import TELEGRAM_DONE, ChatLedger, Direction, clear_payload
from flows.vocabulary import Locale
from storage import db, outbox
from storage.models import Conversation, OutboxMessage
from storage.safety_models import ChatMessage

OLD, OLDER, RECENT, NEW = 500_001, 500_002, 500_003, 500_004
"""Planted ids, apart from the reporter's (from 1) and the fake's (from 1000)."""


def deleted(fake: FakeBotAPI, chat_id: int) -> list[int]:
    """Returns every message id deleteMessages or deleteMessage removed in a chat."""
    ids: list[int] = []
    for call in fake.calls:
        if call.result is not True or str(call.params.get("chat_id")) != str(chat_id):
            continue
        if call.method == "deleteMessages":
            ids += [int(i) for i in call.params["message_ids"]]
        elif call.method == "deleteMessage":
            ids.append(int(call.params["message_id"]))
    return ids


def sent_ids(fake: FakeBotAPI, chat_id: int) -> set[int]:
    """Returns the ids of the messages the bot sent to a chat."""
    return {
        int(c.result["message_id"])
        for c in fake.of("sendMessage")
        if str(c.params["chat_id"]) == str(chat_id) and isinstance(c.result, dict)
    }


def queue_clear(harness: Harness, chat_id: int) -> None:
    """Queues the row the quick-exit hook queues, as the hook would."""
    with db.session(harness.core.engine) as session:
        conversation = session.exec(
            select(Conversation).where(col(Conversation.chat_id) == str(chat_id))
        ).one()
        payload = clear_payload(harness.core.catalogs, Channel.TELEGRAM, Locale.ID)
        outbox.enqueue_outbox(
            session=session,
            conversation_id=conversation.id,
            channel=Channel.TELEGRAM.value,
            chat_id=str(chat_id),
            payloads=[payload],
        )


def plant(harness: Harness, chat_id: int, ages: dict[int, float]) -> None:
    """Records message ids sent `hours` ago (older than the conversation)."""
    ledger = ChatLedger(harness.core.engine)
    now = dt.datetime.now(dt.UTC)
    for message_id, hours in ages.items():
        at = now - dt.timedelta(hours=hours)
        ledger.record(str(chat_id), [message_id], Direction.OUT, at)


def recorded(harness: Harness, chat_id: int) -> set[int]:
    with db.session(harness.core.engine) as session:
        rows = session.exec(select(ChatMessage).where(col(ChatMessage.chat_id) == str(chat_id)))
        return {int(r.message_id) for r in rows}


async def test_quick_exit_deletes_exactly_the_messages_under_48_hours(harness: Harness) -> None:
    reporter = harness.reporter("id")
    chat = reporter.user_id
    said: list[int] = []
    for text in ("halo", "Indonesia"):
        await reporter.say(text)
        said.append(reporter.last_message_id)
    plant(harness, chat, {OLD: 49.0, OLDER: 72.0, RECENT: 47.0, NEW: 0.5})
    before = sent_ids(harness.fake, chat)
    assert before
    assert said

    queue_clear(harness, chat)
    await harness.settle()

    assert sorted(deleted(harness.fake, chat)) == sorted({*said, *before, RECENT, NEW})
    last = harness.fake.sent(chat)[-1]
    assert last["text"] == harness.core.catalogs.gettext(Locale.ID, TELEGRAM_DONE)
    left = recorded(harness, chat)
    assert {OLD, OLDER} <= left  # too old: never tried, purged by retention
    assert not left & {*said, *before, RECENT, NEW}


async def test_refused_deletions_are_skipped_not_retried(harness: Harness) -> None:
    reporter = harness.reporter("en")
    chat = reporter.user_id
    await reporter.say("hello")
    mine = reporter.last_message_id
    before = sent_ids(harness.fake, chat)
    harness.fake.fail("deleteMessages", 400, "Bad Request: message can't be deleted")
    harness.fake.fail("deleteMessage", 400, "Bad Request: message to delete not found")
    queue_clear(harness, chat)
    await harness.settle()

    singles = [c for c in harness.fake.of("deleteMessage") if str(c.params["chat_id"]) == str(chat)]
    tried = sorted(int(c.params["message_id"]) for c in singles)
    assert tried == sorted({mine, *before})
    assert len(deleted(harness.fake, chat)) == len(tried) - 1  # the first one was refused
    with db.session(harness.core.engine) as session:
        rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.chat_id) == str(chat)))
        assert {r.status for r in rows} == {"sent"}
    harness.fake.clear()
    await harness.settle()
    assert not harness.fake.of("deleteMessage")


async def test_hapus_chat_keyword_clears_the_chat(harness: Harness) -> None:
    reporter = harness.reporter("id")
    chat = reporter.user_id
    await reporter.say("halo")
    first = reporter.last_message_id
    await reporter.say("hapus chat")
    gone = set(deleted(harness.fake, chat))
    assert {first, reporter.last_message_id} <= gone
    assert harness.fake.texts(chat)[-1] == harness.core.catalogs.gettext(Locale.ID, TELEGRAM_DONE)
