"""WhatsApp cannot delete messages: every WhatsApp-bound text is short, and unprompted ones neutral.

Limits (bot/whatsapp/texts.py): every message body <= HARD_LIMIT, every catalog sentence <=
SENTENCE_LIMIT, unprompted texts (reminder, template, caseworker notices) <= UNPROMPTED_LIMIT;
the reminder and the template hold no REVEALING word; a review never repeats the answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import Engine
from sqlmodel import col, select
from transcripts import Player, load

from bot.casework import actions as cw
from bot.envelopes import OutgoingMessage
from bot.i18n import LOCALES_DIR, Catalogs
from bot.runtime.runner import Runner
from bot.safety.help_contacts import load_contacts
from bot.settings import Settings
from bot.whatsapp.texts import (
    HARD_LIMIT,
    SENTENCE_LIMIT,
    TEMPLATE_BODY,
    UNPROMPTED,
    UNPROMPTED_LIMIT,
    neutral,
    revealing_words,
)
from flows import messages as msg
from flows.context import Context
from handlers.whatsapp.render import render
from storage import db
from storage.models import OutboxMessage

TRANSCRIPTS = sorted((Path(__file__).parents[1] / "transcripts").glob("*.yaml"))
SAMPLES = {"reference": "MC-2026-000123", "deadline": "Senin, 30 November 2026 pukul 10.00"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
UNPROMPTED_TEXTS = (msg.REMINDER, TEMPLATE_BODY)
NOTICES = (
    cw.CASE_ACKNOWLEDGED, cw.CASE_ACKNOWLEDGED_SOON, cw.CASE_RESOLVED, cw.CASE_REOPENED,
)  # fmt: skip
CATALOGS = Catalogs()


def sentences() -> list[tuple[str, str, str]]:
    """Returns (language, msgid, translation) of every catalog sentence."""
    found = []
    for language in ("id", "en"):
        with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            found += [(language, m.id, m.string) for m in read_po(handle) if m.id]
    return found


def filled(text: str) -> str:
    """Fills placeholders with long sample values."""
    return PLACEHOLDER.sub(lambda m: SAMPLES.get(m[1], "x" * 24), text)


def test_every_catalog_sentence_fits_the_sentence_limit() -> None:
    too_long = [
        (language, msgid[:40], len(filled(text)))
        for language, msgid, text in sentences()
        if len(filled(text)) > SENTENCE_LIMIT
    ]
    assert too_long == []


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("msgid", UNPROMPTED_TEXTS)
def test_unprompted_texts_are_short_and_neutral(language: str, msgid: str) -> None:
    text = filled(CATALOGS.gettext(language, msgid))  # type: ignore[arg-type]
    assert len(text) <= UNPROMPTED_LIMIT
    assert revealing_words(text) == []


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("msgid", NOTICES)
def test_caseworker_notices_are_short(language: str, msgid: str) -> None:
    assert len(filled(CATALOGS.gettext(language, msgid))) <= UNPROMPTED_LIMIT  # type: ignore[arg-type]


def test_the_revealing_word_check_can_fail() -> None:
    assert revealing_words("Your case MC-1 about unpaid wages") == ["case"]
    assert revealing_words("Laporan Anda ke KBRI") == ["kbri", "laporan"]
    assert revealing_words(CATALOGS.gettext("en", cw.CASE_RESOLVED)) != []  # type: ignore[arg-type]


def longest_string(node: Any) -> int:
    """Returns the length of the longest string inside a WhatsApp message content."""
    if isinstance(node, str):
        return len(node)
    if isinstance(node, dict):
        return max((longest_string(v) for v in node.values()), default=0)
    if isinstance(node, list):
        return max((longest_string(v) for v in node), default=0)
    return 0


@pytest.fixture
def runner(engine: Engine) -> Runner:
    contacts = load_contacts(Settings().files.help_contacts_file)
    return Runner(engine, CATALOGS, Context(contacts=contacts.contacts, aliases=CATALOGS.aliases()))


def test_whole_conversations_fit_whatsapp_and_reviews_repeat_no_answer(
    engine: Engine, runner: Runner
) -> None:
    typed: set[str] = set()
    for number, path in enumerate(TRANSCRIPTS):
        script = load(path)
        player = Player(engine, runner, chat_id=f"wa-{number}")
        for turn in script["turns"]:
            player.play(turn, script.get("locale_hint"))
            if isinstance(turn.get("send"), str) and len(turn["send"]) >= 12:
                typed.add(turn["send"])
    with db.session(engine) as session:
        rows = list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))
    reviews = repeated = 0
    for row in rows:
        message = neutral(OutgoingMessage.from_payload(row.payload), CATALOGS)
        for content in render(message):
            assert longest_string(content) <= HARD_LIMIT, row.payload["text"][:60]
        if message.text != row.payload["text"]:
            reviews += 1
            repeated += any(t in row.payload["text"] for t in typed)
            assert not [t for t in typed if t in message.text]
    assert reviews > 0
    assert repeated > 0  # without the WhatsApp rendering, reviews would repeat answers
    assert typed


def test_caseworker_messages_are_marked_unprompted(engine: Engine, runner: Runner) -> None:
    from bot.casework.actions import notify
    from flows.vocabulary import Text
    from storage.models import Case, Conversation, Reporter

    with db.session(engine) as session:
        reporter = Reporter(channel="whatsapp", channel_user_id="62811")
        session.add(reporter)
        session.flush()
        conversation = Conversation(
            reporter_id=reporter.id or 0, channel="whatsapp", chat_id="62811"
        )
        session.add(conversation)
        session.flush()
        case = Case(reference="MC-2026-000777", conversation_id=conversation.id or 0,
                    reporter_id=reporter.id or 0, locale="id", channel="whatsapp")  # fmt: skip
        session.add(case)
        session.flush()
        notify(session, CATALOGS, case, Text(cw.CASE_RESOLVED))
        row = session.exec(select(OutboxMessage)).one()
        assert row.payload[UNPROMPTED] is True
