"""`suara check`: everything an operator must know before going live, one line per check.

Each line starts with ok, FAIL or skip (not configured) and gives a short reason; the exit status
is 1 when any check failed. Nothing personal is printed: paths, counts, ids and Telegram's or
Meta's own words only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import text

from bot.cli import startup
from bot.safety import first_unreadable_column
from bot.settings import Settings
from storage import crypto, db
from storage.migrate import migrations_at_head

CHANNEL_CHECKS = {
    "telegram webhook": "handlers.telegram.admin",
    "whatsapp token": "handlers.whatsapp.admin",
}
"""Each channel's check lives with the channel, loaded by name (bot/ never imports handlers/)."""


@dataclass(frozen=True)
class Outcome:
    """What one check found: passed (None: not configured, so not checked) and why."""

    name: str
    passed: bool | None
    reason: str

    def line(self) -> str:
        """Returns the printed line."""
        label = {True: "ok", False: "FAIL", None: "skip"}[self.passed]
        return f"{label:<5} {self.name}: {self.reason}"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `suara check`."""
    subparsers.add_parser(
        "check", help="check settings, database, keys, files and channels before going live"
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Prints one line per check; returns 1 when any failed."""
    try:
        settings = startup.read_settings()
    except startup.StartupError as error:
        print(Outcome("settings", False, str(error).removeprefix("suara: ")).line(), file=out)
        return 1
    data = settings.files.data_dir.resolve()
    outcomes = [Outcome("settings", True, f"read; data directory {data}")]
    print(outcomes[0].line(), file=out)
    for name, step in steps():
        try:
            outcome = step(name, settings)
        except startup.StartupError as error:
            outcome = Outcome(name, False, str(error).removeprefix("suara: "))
        print(outcome.line(), file=out, flush=True)
        outcomes.append(outcome)
    return 1 if any(outcome.passed is False for outcome in outcomes) else 0


Step = Callable[[str, Settings], Outcome]


def steps() -> list[tuple[str, Step]]:
    """Returns the checks in the order an operator fixes them."""
    found: list[tuple[str, Step]] = [
        ("data directory", _data_dir),
        ("file store", _file_store),
        ("offices file", _offices),
        ("help numbers", _help_numbers),
        ("database", _database),
        ("migrations", _migrations),
        ("encryption keys", _keys),
    ]
    found += [(name, _channel(module)) for name, module in CHANNEL_CHECKS.items()]
    return found


def _data_dir(name: str, settings: Settings) -> Outcome:
    where = startup.writable("SUARA_DATA_DIR", settings.files.data_dir)
    return Outcome(name, True, f"{where} writable")


def _file_store(name: str, settings: Settings) -> Outcome:
    where = startup.writable("FILE_STORE", settings.files.store)
    return Outcome(name, True, f"{where} writable")


def _offices(name: str, settings: Settings) -> Outcome:
    count = startup.check_offices(settings)
    return Outcome(name, True, f"{settings.escalation.offices_file}: {count} offices")


def _help_numbers(name: str, settings: Settings) -> Outcome:
    contacts = startup.check_help_contacts(settings)
    where = settings.files.help_contacts_file
    if contacts.last_verified is None:
        return Outcome(name, False, f"{where}: not verified; check each number, set last_verified")
    age = (dt.datetime.now(dt.UTC).date() - contacts.last_verified).days
    verified = f"{where}: {len(contacts.contacts)} numbers, last verified {contacts.last_verified}"
    if contacts.is_stale(dt.datetime.now(dt.UTC).date()):
        return Outcome(name, False, f"{verified}, {age} days ago (over {contacts.max_age_days})")
    return Outcome(name, True, f"{verified} ({age} days ago)")


def _database(name: str, settings: Settings) -> Outcome:
    url = settings.database.url
    with startup.database_errors(url):
        engine = db.make_engine(url, settings.database.timeouts(worker=True))
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    return Outcome(name, True, f"{startup.shown_url(url)} reachable")


def _migrations(name: str, settings: Settings) -> Outcome:
    with startup.database_errors(settings.database.url):
        if migrations_at_head(settings.database.url, settings.database.timeouts(worker=True)):
            return Outcome(name, True, "at head")
    return Outcome(name, False, "not at head: run `suara migrate`")


def _keys(name: str, settings: Settings) -> Outcome:
    startup.check_keys(settings)
    if (
        crypto.decrypt(crypto.encrypt(b"check")) != b"check"
        or crypto.unseal(crypto.seal("check")) != "check"
    ):
        return Outcome(name, False, "the keys do not give back what they encrypt")
    try:
        with startup.database_errors(settings.database.url):
            engine = db.make_engine(settings.database.url, settings.database.timeouts(worker=True))
            try:
                unreadable = first_unreadable_column(engine)
            finally:
                engine.dispose()
    except startup.StartupError:
        return Outcome(name, True, "set and usable (stored values not read: database not ready)")
    if unreadable is not None:
        return Outcome(name, False, f"no key of ENCRYPTION_KEYS opens {unreadable}")
    return Outcome(name, True, "set and usable; stored values open")


def _channel(module: str) -> Step:
    """Returns the step that runs a channel's own check."""

    def step(name: str, settings: Settings) -> Outcome:
        passed, reason = importlib.import_module(module).check(settings)
        return Outcome(name, passed, reason)

    return step
