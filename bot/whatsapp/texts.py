"""WhatsApp texts stay short and neutral (S-03, S-06): WhatsApp cannot delete a message.

Limits (checked over every catalog sentence and every message of whole conversations):
- HARD_LIMIT: no WhatsApp message body is longer (Meta's interactive body limit).
- SENTENCE_LIMIT: no single catalog sentence is longer, in either language.
- UNPROMPTED_LIMIT: what Suara sends without the reporter just having written (the reminder, the
  template) is at most this long and holds none of the REVEALING words.
Caseworker and data-request notices are marked unprompted: WhatsApp holds them behind the neutral
template until the reporter writes back. The review read-back names how many answers there are,
never the answers themselves.
"""

from __future__ import annotations

import re
from functools import cache

from bot.envelopes import OutgoingMessage
from bot.i18n import Catalogs, Renderer
from flows.registry import INTAKE
from flows.steps import Review
from flows.vocabulary import N_, Locale, Text

HARD_LIMIT = 1024
SENTENCE_LIMIT = 400
UNPROMPTED_LIMIT = 160
UNPROMPTED = "unprompted"
"""Payload key of a message Suara sends on its own (a caseworker's, a notice)."""
ANSWERS_SAVED = N_("{count} answers saved. We do not repeat them here.")
"""Stands for the answers in WhatsApp's read-back: nothing personal sits in the chat."""
TEMPLATE_BODY = N_("Hello, you have a new message. Reply here to read it.")
"""The wording to register at Meta for the re-engagement template (no variables)."""

REVEALING = (
    "abuse", "agency", "agent", "case", "caseworker", "complaint", "embassy", "escape",
    "exploitation", "lawyer", "migrant", "police", "report", "rights", "trafficking", "violence",
    "aduan", "agen", "hak", "kabur", "kasus", "kbri", "kekerasan", "kjri", "lapor", "laporan",
    "majikan", "pelecehan", "pengacara", "pengaduan", "penyiksaan", "perdagangan", "petugas",
    "polisi",
)  # fmt: skip
"""Words that must not appear in unprompted texts: they tell an onlooker what the chat is."""

_NUMBERED = re.compile(r"^\d+\.\s")


def revealing_words(text: str) -> list[str]:
    """Returns the revealing words a text holds (whole words, any case)."""
    words = set(re.findall(r"[a-z]+", text.casefold()))
    return sorted(w for w in REVEALING if w in words)


@cache
def _catalogs() -> Catalogs:
    return Catalogs()


def _reviews() -> list[Review]:
    return [s for s in INTAKE.steps.values() if isinstance(s, Review)]


def neutral(message: OutgoingMessage, catalogs: Catalogs | None = None) -> OutgoingMessage:
    """Returns the message as WhatsApp shows it: a review counts the answers, never lists them."""
    books = catalogs or _catalogs()
    locale = Locale(message.locale) if message.locale in set(Locale) else Locale.ID
    for review in _reviews():
        head, tail = books.gettext(locale, review.prompt), books.gettext(locale, review.question)
        text = message.text
        if not (text.startswith(head) and text.endswith(tail)) or len(text) < len(head + tail):
            continue
        middle = text[len(head) : len(text) - len(tail)]
        count = sum(1 for line in middle.splitlines() if _NUMBERED.match(line))
        renderer = Renderer(books, locale, "UTC", {})
        saved = renderer.text(Text(ANSWERS_SAVED, {"count": count}))
        return OutgoingMessage(
            text="\n".join((head, saved, tail)),
            locale=message.locale,
            buttons=message.buttons,
            multi=message.multi,
            extra=message.extra,
        )
    return message
