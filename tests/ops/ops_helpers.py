"""Helpers for the operator-command tests: config files as an operator writes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.settings import packaged_config


def help_numbers(folder: Path, verified: dt.date | None) -> Path:
    """Writes the packaged help numbers with a last_verified date (None: unverified)."""
    text = packaged_config("help_contacts.toml").read_text(encoding="utf-8")
    stamp = verified.isoformat() if verified else ""
    path = folder / "help_contacts.toml"
    path.write_text(text.replace('last_verified = ""', f'last_verified = "{stamp}"', 1))
    return path
