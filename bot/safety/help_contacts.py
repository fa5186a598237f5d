"""Help contacts from the config file, with the date they were last verified."""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from flows.context import Contact

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HelpContacts:
    """The contacts and when a person last checked them."""

    contacts: tuple[Contact, ...]
    last_verified: dt.date | None
    max_age_days: int

    def is_stale(self, today: dt.date) -> bool:
        """Returns whether the numbers are unverified or older than allowed."""
        if self.last_verified is None:
            return True
        return (today - self.last_verified).days > self.max_age_days


def load_contacts(path: Path) -> HelpContacts:
    """Reads the contacts file; warns (without numbers) when they need re-verifying."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    contacts = tuple(
        Contact(
            name=str(c["name"]),
            number=str(c["number"]),
            countries=tuple(c["countries"]),
            names={"id": str(c["name_id"])} if c.get("name_id") else {},
        )
        for c in data.get("contact", [])
    )
    verified = data.get("last_verified") or None
    found = HelpContacts(
        contacts=contacts,
        last_verified=dt.date.fromisoformat(verified) if verified else None,
        max_age_days=int(data.get("max_age_days", 92)),
    )
    if found.is_stale(dt.datetime.now(dt.UTC).date()):
        log.warning("help contacts are not verified recently", extra={"file": str(path)})
    return found
