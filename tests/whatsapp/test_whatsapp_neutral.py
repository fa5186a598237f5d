"""Suara's own messages on WhatsApp (S-06): held behind the neutral template unless the reporter
is in the chat; the review reads back no answers."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select
from wa_harness import Phone, WaApp, words

from bot.envelopes import Channel
from bot.whatsapp import chats as wa_book
from bot.whatsapp.texts import UNPROMPTED
from handlers.whatsapp.sender import ACTIVE_WITHIN, WhatsAppSender
from storage import db, models, outbox

CHAT = "6281234500077"
NOTICE = "A caseworker has seen your case MC-2026-000123."


def away(wa: WaApp, minutes: float) -> None:
    """Moves the reporter's last message `minutes` into the past (the window still open)."""
    last = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    with db.session(wa.core.engine) as session:
        query = select(models.Reporter).where(col(models.Reporter.channel_user_id) == CHAT)
        session.exec(query).one().wa_window_until = last + wa_book.WINDOW
    found = wa.core.dispatcher.senders[Channel.WHATSAPP]
    assert isinstance(found, WhatsAppSender)
    found.windows.forget(CHAT)


async def queue_notice(wa: WaApp) -> None:
    with db.session(wa.core.engine) as session:
        [conversation] = session.exec(select(models.Conversation)).all()
        outbox.enqueue_outbox(
            session=session, conversation_id=conversation.id, channel="whatsapp", chat_id=CHAT,
            payloads=[{"text": NOTICE, "locale": "en", UNPROMPTED: True}],
        )  # fmt: skip
    await wa.core.dispatcher.drain()


async def test_a_notice_waits_behind_the_template_until_the_reporter_writes(wa: WaApp) -> None:
    phone = Phone(wa, CHAT)
    await phone.say("halo")
    await phone.tap("language.en")
    away(wa, ACTIVE_WITHIN.total_seconds() / 60 + 5)
    before = len(wa.fake.sent)

    await queue_notice(wa)

    new = wa.fake.sent[before:]
    assert [s.type for s in new] == ["template"]
    held = [r for r in wa.rows(models.OutboxMessage) if r.status == "failed"]
    assert [(r.error, r.payload["text"]) for r in held] == [("outside_window", NOTICE)]
    replies = await phone.say("hello")
    assert words(replies[0]) == NOTICE
    released = [r for r in wa.rows(models.OutboxMessage) if r.payload.get("text") == NOTICE]
    assert [UNPROMPTED in r.payload for r in released] == [True, False]


async def test_a_notice_goes_straight_to_a_reporter_in_the_chat(wa: WaApp) -> None:
    phone = Phone(wa, CHAT)
    await phone.say("halo")
    await phone.tap("language.en")
    before = len(wa.fake.sent)
    await queue_notice(wa)
    new = wa.fake.sent[before:]
    assert [words(s) for s in new] == [NOTICE]
