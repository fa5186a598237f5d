"""Row ids in paths: the one bound every API and console route checks before the database.

Ids are 32-bit integer columns on PostgreSQL (and 64-bit on SQLite): a larger or negative id
in a path can name no row, and passing it on would make the database raise an overflow (a 500)
instead of the 404 or 422 the caller should get.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ROW_ID = 2**31 - 1
"""The largest id a row can have (PostgreSQL's integer)."""

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
"""A row id in a path: out of range is a 422 before the route runs."""


def in_range(row_id: int) -> bool:
    """Tells whether an id can name a row (for routes that answer 404 rather than 422)."""
    return 1 <= row_id <= MAX_ROW_ID
