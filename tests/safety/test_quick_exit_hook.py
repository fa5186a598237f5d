"""The quick-exit hook: a turn asking to clear the chat queues the channel's own quick exit."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.envelopes import Channel, InboundEvent
from bot.hooks import SavedTurn
from bot.i18n import Catalogs
from bot.runtime.runner import Runner
from bot.safety import texts as safety_texts
from bot.safety.help_contacts import load_contacts
from bot.safety.quick_exit import CLEAR_CHAT, KIND, hook
from bot.settings import Settings
from flows.context import Context
from flows.vocabulary import Event, EventName, InputKind, Locale
from storage import db
from storage.models import Conversation, OutboxMessage, Reporter

AT = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
CATALOGS = Catalogs()


@pytest.fixture
def runner(engine: Engine) -> Runner:
    contacts = load_contacts(Settings().files.help_contacts_file)
    context = Context(contacts=contacts.contacts, aliases=CATALOGS.aliases())
    return Runner(engine, CATALOGS, context)


def queued(
    engine: Engine, runner: Runner, channel: Channel, events: tuple[Event, ...]
) -> list[dict]:
    """Runs one turn, then the hook over it with the given events; returns the rows it queued."""
    chat = f"{channel.value}-1"
    event = InboundEvent(channel=channel, chat_id=chat, user_id=chat, kind=InputKind.TEXT, at=AT,
                         text="halo", locale_hint="id")  # fmt: skip
    result = runner.handle(event)
    assert result is not None
    with db.session(engine) as session:
        before = {r.id for r in session.exec(select(OutboxMessage))}
        conversation = session.get(Conversation, result.conversation_id)
        assert conversation is not None
        reporter = session.get(Reporter, conversation.reporter_id)
        assert reporter is not None
        turn = dataclasses.replace(result.turn, events=events)
        hook(CATALOGS)(SavedTurn(session, conversation, reporter, None, turn, channel, AT))
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        return [r.payload for r in rows if r.id not in before]


def test_telegram_gets_a_clear_chat_row(engine: Engine, runner: Runner) -> None:
    [payload] = queued(engine, runner, Channel.TELEGRAM, (Event(EventName.CHAT_CLEAR_REQUESTED),))
    assert payload[KIND] == CLEAR_CHAT
    assert payload["text"] == CATALOGS.gettext(Locale.ID, safety_texts.TELEGRAM_CLEARED)


def test_whatsapp_gets_the_one_line_how_to(engine: Engine, runner: Runner) -> None:
    [payload] = queued(engine, runner, Channel.WHATSAPP, (Event(EventName.CHAT_CLEAR_REQUESTED),))
    assert KIND not in payload
    assert payload["text"] == CATALOGS.gettext(Locale.ID, safety_texts.WHATSAPP_HOW_TO_DELETE)
    assert "\n" not in payload["text"]


def test_other_turns_queue_nothing(engine: Engine, runner: Runner) -> None:
    assert queued(engine, runner, Channel.TELEGRAM, (Event(EventName.ANSWER_RECORDED),)) == []
