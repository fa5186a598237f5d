"""Builders for the consent, data-rights and code-word chat tests."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.envelopes import Channel, InboundEvent
from bot.i18n import Catalogs
from bot.runtime.runner import Runner
from bot.safety.help_contacts import load_contacts
from bot.settings import Settings
from flows.vocabulary import InputKind
from storage import db, models

START = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)

OPENING = ("danger.no", "safe_now.safe", "role.worker", "consent.agree", "self_country.MY")
"""Presses that reach the first free-text question of the self report."""

TO_REVIEW = (
    "cmd:skip",
    "self_help.wages",
    "cmd:done",
    "self_problem.GAJI",
    "cmd:done",
    "cmd:skip",
    "cmd:skip",
    "cmd:skip",
    "cmd:skip",
    "self_contact.this_chat",
    "self_times.evening",
    "self_regency.Kebumen",
    "cmd:skip",
    "cmd:skip",
    "cmd:skip",
    "cmd:skip",
    "cmd:done",
)
"""Presses from the city question to the read-back of a wage report."""


@functools.cache
def catalogs() -> Catalogs:
    return Catalogs()


def make_runner(engine: Engine) -> Runner:
    """Returns a real runner with the configured help contacts."""
    from flows.context import Context

    contacts = load_contacts(Settings().files.help_contacts_file)
    context = Context(contacts=contacts.contacts, aliases=catalogs().aliases())
    return Runner(engine, catalogs(), context)


@dataclass
class Chat:
    """One reporter's web chat, driven turn by turn through the real runner."""

    runner: Runner
    chat_id: str = "chat-b"
    hint: str = "en"
    at: dt.datetime = START
    seen: list[str] = field(default_factory=list)

    def _event(self, **values: object) -> InboundEvent:
        self.at += dt.timedelta(seconds=20)
        return InboundEvent(
            channel=Channel.WEB,
            chat_id=self.chat_id,
            user_id=self.chat_id,
            at=self.at,
            locale_hint=self.hint,
            **values,  # type: ignore[arg-type]
        )

    def send(self, text: str) -> list[str]:
        """Types a message; returns the texts Suara queued in reply."""
        return self._run(self._event(kind=InputKind.TEXT, text=text))

    def press(self, *buttons: str) -> list[str]:
        """Presses buttons one after another; returns the replies to the last one."""
        replies: list[str] = []
        for button in buttons:
            replies = self._run(self._event(kind=InputKind.CHOICE, choice_id=button))
        return replies

    def wait(self, hours: float) -> None:
        self.at += dt.timedelta(hours=hours)

    def _run(self, event: InboundEvent) -> list[str]:
        result = self.runner.handle(event)
        assert result is not None
        texts = outbox_texts(self.runner.engine, result.outbox_ids)
        self.seen.extend(texts)
        return texts


def outbox_texts(engine: Engine, ids: Iterable[int]) -> list[str]:
    with db.session(engine) as session:
        rows = [session.get(models.OutboxMessage, i) for i in ids]
        return [str(r.payload["text"]) for r in rows if r is not None]


def submit_wage_report(chat: Chat) -> None:
    """Runs a whole self report about unpaid wages and sends it."""
    chat.send("hello")
    chat.press(*OPENING)
    chat.press(*TO_REVIEW)
    chat.press("review.confirm")


def reporter(engine: Engine, chat_id: str = "chat-b") -> models.Reporter:
    with db.session(engine) as session:
        query = select(models.Reporter).where(col(models.Reporter.channel_user_id) == chat_id)
        return session.exec(query).one()


def conversation(engine: Engine, chat_id: str = "chat-b") -> models.Conversation:
    with db.session(engine) as session:
        query = select(models.Conversation).where(col(models.Conversation.chat_id) == chat_id)
        return session.exec(query).one()


def rows(engine: Engine, model: type) -> list:  # type: ignore[type-arg]
    with db.session(engine) as session:
        return list(session.exec(select(model).order_by(col(model.id))))
