"""One command for the catalogs: extract messages.pot, update id and en, compile .mo files."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from babel.messages.frontend import CommandLineInterface

from bot.i18n import DOMAIN, LOCALES_DIR
from flows.loading import texts
from flows.vocabulary import Locale

log = logging.getLogger(__name__)
ROOT = LOCALES_DIR.parent


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])  # type: ignore[no-untyped-call]


def extract_flow_data(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Yields every sentence of a flow data file to Babel, as its `flowdata` extractor.

    Babel reads Python and templates only; the intake's questions live in TOML files, so this
    hands their texts over with the same message ids the N_() markers gave them. Line numbers
    are not kept: the catalogs are written without locations.
    """
    for text in texts(tomllib.load(fileobj)):
        yield 0, "N_", text, []


def extract(root: Path = ROOT) -> Path:
    """Writes locales/messages.pot from the N_() markers in the packages locales/babel.cfg names."""
    template = root / "locales" / f"{DOMAIN}.pot"
    _babel(
        "extract",
        "-F",
        str(root / "locales" / "babel.cfg"),
        "-k",
        "N_",
        "--no-location",
        "--sort-output",
        "--project",
        "Suara",
        "--omit-header",
        "-o",
        str(template),
        str(root),
    )
    return template


def update(root: Path = ROOT) -> None:
    """Merges the template into the id and en catalogs, creating them when missing."""
    template = root / "locales" / f"{DOMAIN}.pot"
    for locale in Locale:
        po = root / "locales" / locale.value / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            _babel(
                "update",
                "-i",
                str(template),
                "-o",
                str(po),
                "-l",
                locale.value,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            _babel("init", "-i", str(template), "-o", str(po), "-l", locale.value)


def compile_catalogs(root: Path = ROOT) -> None:
    """Compiles every .po catalog to the .mo file Suara loads."""
    _babel("compile", "-d", str(root / "locales"), "-D", DOMAIN, "--statistics")


def refresh(root: Path = ROOT) -> None:
    """Runs extract, update and compile, in that order."""
    extract(root)
    update(root)
    compile_catalogs(root)
