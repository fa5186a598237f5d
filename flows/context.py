"""What the engine is given besides state and input: help contacts and label translations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Contact:
    """A help number shown to reporters; `countries` holds codes, or "*" for everywhere."""

    name: str
    number: str
    countries: tuple[str, ...]
    names: Mapping[str, str] = field(default_factory=dict)
    """The name per locale code where it differs from `name`."""

    def name_in(self, locale: str) -> str:
        """Returns the contact's name in a locale."""
        return self.names.get(locale, self.name)


@dataclass(frozen=True)
class Context:
    """Read-only facts for a turn: contacts from config, and every translation of each label."""

    contacts: tuple[Contact, ...] = ()
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def contacts_for(self, country: str | None) -> tuple[Contact, ...]:
        """Returns the contacts for one country, or the general ones when it is None."""
        wanted = country or "*"
        return tuple(c for c in self.contacts if wanted in c.countries)

    def labels(self, msgid: str) -> tuple[str, ...]:
        """Returns the English label and its translations."""
        return (msgid, *self.aliases.get(msgid, ()))
