"""Small builders for runner tests."""

from __future__ import annotations

import datetime as dt

from bot.envelopes import Channel, InboundEvent
from flows.vocabulary import InputKind

START = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)


def text(chat: str, value: str, at: dt.datetime = START, hint: str | None = "en") -> InboundEvent:
    """Returns a typed message from a web chat."""
    return InboundEvent(
        channel=Channel.WEB,
        chat_id=chat,
        user_id=chat,
        kind=InputKind.TEXT,
        at=at,
        text=value,
        locale_hint=hint,
    )


def press(chat: str, button: str, at: dt.datetime = START) -> InboundEvent:
    """Returns a button press from a web chat."""
    return InboundEvent(
        channel=Channel.WEB,
        chat_id=chat,
        user_id=chat,
        kind=InputKind.CHOICE,
        at=at,
        choice_id=button,
    )


OPENING = ("danger.no", "safe_now.safe", "role.worker", "consent.agree", "self_country.MY")
"""Button presses that reach the first free-text question of the self report."""
