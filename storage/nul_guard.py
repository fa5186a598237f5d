"""Refuses text holding U+0000 before it reaches a database: PostgreSQL cannot store it, and
SQLite would keep it where no other reader expects it."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

from storage.errors import NulCharacterError


def install_nul_guard(engine: Engine) -> None:
    """Refuse text parameters holding U+0000 before they reach either database."""
    event.listen(engine, "before_cursor_execute", _reject_nul)


def _reject_nul(
    _conn: Connection,
    _cursor: Any,
    _statement: str,
    parameters: Any,
    _context: Any,
    executemany: bool,
) -> None:
    """Raise NulCharacterError when any str parameter contains a NUL character."""
    if has_nul(parameters):
        raise NulCharacterError("text parameter contains U+0000")


def has_nul(parameters: Any) -> bool:
    """Tells whether a str in one parameter set or many (nested in any shape) holds U+0000."""
    pending = [parameters]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, list | tuple):
            pending.extend(value)
        elif isinstance(value, dict | Mapping):  # a dict is told apart without the ABC's check
            pending.extend(value.values())
    return False
