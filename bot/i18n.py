"""Translations and rendering: gettext catalogs for id and en; dates and numbers through Babel."""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Mapping
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bot.envelopes import CHOSEN_MARK, EDIT_MESSAGE_ID, OutButton, OutgoingMessage
from flows.vocabulary import Fact, Locale, Money, PartialDate, Plain, Reply, Text

LOCALES_DIR = Path(str(files("locales")))
"""The `locales` package: the clone's top-level folder, or its copy in an installed wheel."""
DOMAIN = "messages"
BABEL_LOCALE = {Locale.ID: "id_ID", Locale.EN: "en_GB"}
MONEY_SIGNS = {"MYR": "RM", "HKD": "HK$", "TWD": "NT$", "SGD": "S$", "IDR": "Rp", "USD": "US$"}
"""The signs reporters write themselves, so a read-back looks like what they know."""


class MissingCatalog(RuntimeError):
    """A compiled catalog is missing: run `make locales` (or `suara locales`)."""


class Catalogs:
    """The compiled catalogs of every locale Suara speaks."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self._translations: dict[Locale, gettext.GNUTranslations] = {}
        for locale in Locale:
            mo = directory / locale.value / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if not mo.exists():
                raise MissingCatalog(str(mo))
            with mo.open("rb") as handle:
                self._translations[locale] = gettext.GNUTranslations(handle)

    def gettext(self, locale: Locale, msgid: str) -> str:
        """Returns a sentence in one locale (the English msgid when it has no translation)."""
        return self._translations[locale].gettext(msgid)

    def aliases(self) -> dict[str, tuple[str, ...]]:
        """Returns, for every msgid, its translations in every locale (for typed answers)."""
        found: dict[str, set[str]] = {}
        for translations in self._translations.values():
            catalog: Mapping[object, str] = translations._catalog  # type: ignore[attr-defined]
            for key, value in catalog.items():
                if isinstance(key, str) and key and value and value != key:
                    found.setdefault(key, set()).add(value)
        return {key: tuple(sorted(values)) for key, values in found.items()}


class Renderer:
    """Turns engine replies into text in one locale and time zone."""

    def __init__(
        self, catalogs: Catalogs, locale: Locale, zone: str, facts: Mapping[Fact, str]
    ) -> None:
        self.catalogs, self.locale, self.facts = catalogs, locale, facts
        self.zone = ZoneInfo(zone)
        self.babel_locale = BABEL_LOCALE[locale]

    def reply(self, reply: Reply) -> OutgoingMessage:
        """Returns one reply as a rendered message."""
        text = "\n".join(self.line(line) for line in reply.lines)
        buttons = tuple(
            OutButton(b.id, (CHOSEN_MARK if b.chosen else "") + self.text(b.label))
            for b in reply.buttons
        )
        extra = {EDIT_MESSAGE_ID: reply.replaces} if reply.replaces else {}
        return OutgoingMessage(
            text=text, locale=self.locale.value, buttons=buttons, multi=reply.multi, extra=extra
        )

    def line(self, line: Text | Plain) -> str:
        """Returns one line of a reply."""
        return line.value if isinstance(line, Plain) else self.text(line)

    def text(self, text: Text) -> str:
        """Returns a sentence translated, with its placeholders filled."""
        sentence = self.catalogs.gettext(self.locale, text.msgid)
        if not text.params:
            return sentence
        values = {name: self.value(value) for name, value in text.params.items()}
        return sentence.format_map(values)

    def value(self, value: object) -> str:
        """Returns one placeholder value formatted for the locale."""
        if isinstance(value, Text):
            return self.text(value)
        if isinstance(value, tuple):
            return ", ".join(self.value(v) for v in value)
        if isinstance(value, Plain):
            return value.value
        if isinstance(value, Fact):
            return self.facts.get(value, "")
        if isinstance(value, dt.datetime):
            return self.moment(value)
        if isinstance(value, Money):
            return self.money(value)
        if isinstance(value, PartialDate):
            return self.partial_date(value)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return format_decimal(value, locale=self.babel_locale)
        return str(value)

    def moment(self, value: dt.datetime) -> str:
        """Returns a UTC time in the reader's zone, with the zone's offset."""
        pattern = "EEEE d MMMM, HH:mm (ZZZZ)"
        return format_datetime(value, pattern, tzinfo=self.zone, locale=self.babel_locale)

    def money(self, value: Money) -> str:
        """Returns an amount with the sign reporters use ("RM 1,500"), or just the number."""
        number = format_decimal(value.value, locale=self.babel_locale)
        if value.currency:
            return f"{MONEY_SIGNS.get(value.currency, value.currency)} {number}"
        return number

    def partial_date(self, value: PartialDate) -> str:
        """Returns a date as precise as the reporter gave it."""
        if value.month is None:
            return str(value.year)
        day = value.day or 1
        pattern = "d MMMM y" if value.day else "MMMM y"
        return format_date(dt.date(value.year, value.month, day), pattern, locale=self.babel_locale)
