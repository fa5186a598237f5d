"""The 24-hour window: the template in place of free text, held messages, 131047 never resent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fake_graph import Served
from sqlmodel import col, select
from wa_bodies import envelope, error_131047, meta_bytes, status, value
from wa_harness import Phone, WaApp, running, words

from bot.casework.notices import Notice, queue_notice
from bot.envelopes import Channel
from bot.whatsapp import chats as wa_book
from flows.vocabulary import Locale, Timeout, TimerKind
from handlers.whatsapp.sender import WhatsAppSender
from storage import db, models
from storage.whatsapp import WhatsAppContact, WhatsAppDelivery

CHAT = "6281234567890"
REMINDER = "Hello again. You can continue whenever it suits you: just reply here."


def sender(wa: WaApp) -> WhatsAppSender:
    found = wa.core.dispatcher.senders[Channel.WHATSAPP]
    assert isinstance(found, WhatsAppSender)
    return found


def close_window(wa: WaApp, chat_id: str, hours_ago: float = 1) -> None:
    """Moves the reporter's last message 25 hours into the past (the window closed an hour ago)."""
    until = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago)
    with db.session(wa.core.engine) as session:
        query = select(models.Reporter).where(col(models.Reporter.channel_user_id) == chat_id)
        reporter = session.exec(query).one()
        reporter.wa_window_until = until
    sender(wa).windows.forget(chat_id)


async def remind(wa: WaApp) -> None:
    """Fires the conversation's reminder timer (due 24 hours after the last answer)."""
    [conversation] = wa.rows(models.Conversation)
    at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
    wa.core.runner.fire_timer(conversation.id or 0, Timeout(kind=TimerKind.REMINDER, at=at))
    await wa.core.dispatcher.drain()


async def notify(wa: WaApp) -> None:
    """Queues a message outside any turn (as a caseworker's follow-up would be) and sends it."""
    notice = Notice(channel=Channel.WHATSAPP, chat_id=CHAT, msgid=REMINDER, locale=Locale.EN)
    queue_notice(wa.core.engine, wa.core.catalogs, notice)
    await wa.core.dispatcher.drain()


async def test_outside_the_window_the_template_goes_once_and_the_text_waits(wa: WaApp) -> None:
    phone = Phone(wa, CHAT)
    await phone.say("halo")
    await phone.tap("language.en")
    before = len(wa.fake.sent)
    close_window(wa, CHAT)

    await remind(wa)
    await notify(wa)

    new = wa.fake.sent[before:]
    assert [s.type for s in new] == ["template"]  # never free-form text outside the window
    assert new[0].body["template"] == {"name": "suara_pesan_baru", "language": {"code": "en"}}
    held = [r for r in wa.rows(models.OutboxMessage) if r.status == "failed"]
    assert [r.error for r in held] == ["outside_window", "outside_window"]
    assert all(r.payload["text"].startswith("Hello again") for r in held)

    # the reporter writes back: the held messages go first, then the conversation goes on
    replies = await phone.say("english")
    assert [words(s) for s in replies[:2]] == [REMINDER, REMINDER]
    assert all(s.type != "template" for s in replies)
    assert len(replies) > 2
    assert {r.error for r in held_rows(wa)} == {"outside_window:released"}
    until = wa_book.window_until(wa.core.engine, CHAT)
    assert until is not None
    assert until > dt.datetime.now(dt.UTC) + dt.timedelta(hours=23)


def held_rows(wa: WaApp) -> list[models.OutboxMessage]:
    return [r for r in wa.rows(models.OutboxMessage) if (r.error or "").startswith("outside")]


async def test_error_131047_sends_the_template_and_never_the_same_text_again(wa: WaApp) -> None:
    phone = Phone(wa, CHAT)
    await phone.say("halo")
    wa.fake.fail_next(131047)
    replies = await phone.tap("language.id")
    assert [s.type for s in replies] == ["template"]
    assert replies[0].body["template"]["language"]["code"] == "id"
    attempts = [c for c in wa.fake.calls if c["json"] and c["json"].get("type") == "interactive"]
    assert len(attempts) == 2  # the language question, then the refused danger question
    [refused] = [r for r in wa.rows(models.OutboxMessage) if r.status == "failed"]
    assert refused.error == "outside_window"
    assert refused.attempts == 1
    await wa.core.dispatcher.drain()
    assert len(wa.fake.sent) == 2  # nothing resent
    assert not await sender(wa).windows.is_open(CHAT, dt.datetime.now(dt.UTC))
    # the reporter answers the template at once: the held question comes first, then the reply
    replies = await phone.say("tidak")
    assert words(replies[0]).startswith("Apakah kamu, atau orang yang kamu laporkan")
    assert words(replies[1]).startswith("Apakah aman untuk chat sekarang?")
    assert refused.id is not None
    assert {r.error for r in wa.rows(models.OutboxMessage) if r.id == refused.id} == {
        "outside_window:released"
    }


async def test_async_131047_failure_holds_the_message_and_queues_the_template(
    wa: WaApp,
) -> None:
    phone = Phone(wa, CHAT)
    [question] = await phone.say("halo")
    body = envelope(value(statuses=[status(question.wamid, "failed", CHAT, [error_131047()])]))
    assert (await wa.post(meta_bytes(body))).status_code == 200
    await wa.settle()
    assert [s.type for s in wa.fake.sent] == ["interactive", "template"]
    rows = wa.rows(models.OutboxMessage)
    assert [(r.status, r.error) for r in rows] == [
        ("failed", "outside_window"),
        ("sent", None),
    ]
    assert rows[0].external_id == question.wamid
    [delivery] = wa.rows(WhatsAppDelivery)
    assert (delivery.wamid, delivery.status, delivery.error_code) == (
        question.wamid,
        "failed",
        131047,
    )
    # the same failure delivered again changes nothing
    assert (await wa.post(meta_bytes(body))).status_code == 200
    await wa.settle()
    assert len(wa.fake.sent) == 2
    assert len(wa.rows(models.OutboxMessage)) == 2


async def test_template_is_sent_once_per_closed_window(wa: WaApp) -> None:
    phone = Phone(wa, CHAT)
    await phone.say("halo")
    close_window(wa, CHAT)
    await remind(wa)
    await notify(wa)
    assert [s.type for s in wa.fake.sent] == ["interactive", "template"]
    [contact] = wa.rows(WhatsAppContact)
    assert contact.template_sent_at is not None
    # days later the reporter writes, then their window closes again: one more template
    with db.session(wa.core.engine) as session:
        moved = session.exec(select(WhatsAppContact)).one()
        moved.template_sent_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=30)
    await phone.say("english")
    close_window(wa, CHAT)
    await notify(wa)
    assert [s.type for s in wa.fake.sent].count("template") == 2


async def test_delivery_failure_keeps_its_error_code_on_the_message(wa: WaApp) -> None:
    phone = Phone(wa, CHAT)
    [question] = await phone.say("halo")
    error = {"code": 131026, "title": "Message undeliverable"}
    body = envelope(value(statuses=[status(question.wamid, "failed", CHAT, [error])]))
    await wa.post(meta_bytes(body))
    await wa.settle()
    [row] = wa.rows(models.OutboxMessage)
    assert (row.status, row.error) == ("failed", "whatsapp 131026: Message undeliverable")
    [delivery] = wa.rows(WhatsAppDelivery)
    assert (delivery.error_code, delivery.error_title) == (131026, "Message undeliverable")
    assert [s.type for s in wa.fake.sent] == ["interactive"]  # no template for this one


async def test_caseworkers_see_the_window_on_the_cases_page(tmp_path: Path, graph: Served) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    async with running(url, tmp_path / "files", graph, demo=True) as wa:
        wa.fake.reset()
        phone = Phone(wa, CHAT)
        await phone.say("halo")
        with db.session(wa.core.engine) as session:
            conversation = session.exec(select(models.Conversation)).one()
            session.add(
                models.Case(
                    reference="MC-2026-000042",
                    conversation_id=conversation.id or 0,
                    reporter_id=conversation.reporter_id,
                    locale="id",
                    channel="whatsapp",
                )
            )
        page = (await wa.client.get("/demo/cases")).text
        assert "<th>WhatsApp window</th>" in page
        assert "<td>open until 20" in page
        close_window(wa, CHAT, hours_ago=2)
        page = (await wa.client.get("/demo/cases")).text
        assert "closed since 20" in page
        assert "template only</td>" in page


async def test_late_131047_after_the_reporter_wrote_again_resends_at_once(wa: WaApp) -> None:
    phone = Phone(wa, CHAT)
    [question] = await phone.say("halo")
    late = status(question.wamid, "failed", CHAT, [error_131047()])
    late["timestamp"] = str(int(dt.datetime.now(dt.UTC).timestamp()) - 3600)
    assert (await wa.post(meta_bytes(envelope(value(statuses=[late]))))).status_code == 200
    await wa.settle()
    types = [s.type for s in wa.fake.sent]
    assert types == ["interactive", "interactive"]  # the question again, no template
    assert words(wa.fake.sent[1]) == words(question)
    assert [r.error for r in wa.rows(models.OutboxMessage)] == ["outside_window:released", None]
