"""What the edge answers while the database cannot be reached: 503, logged once per outage.

Telegram and Meta send a webhook again after a 5xx, so a 503 loses nothing; a 200 is given only
for an update that is recorded. One warning marks the start of an outage and one line its end,
instead of a traceback for every request that finds the database down.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import TypeVar

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from storage.errors import StorageError

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_AFTER_SECONDS = 5
"""What a 503 asks the sender to wait before trying again."""
UNAVAILABLE = {"status": "database unavailable"}
DOWN = (SQLAlchemyError, StorageError, OSError, TimeoutError)
"""What a database that is down, silent or refusing raises on the way to the edge."""


class DatabaseDown(Exception):
    """The database did not record or answer in time."""


class Outage:
    """Tells the log when the database stops answering and when it answers again."""

    def __init__(self) -> None:
        self.since: float | None = None
        self.refused = 0

    def failed(self, where: str, error: BaseException) -> None:
        """Notes one failure; only the first of an outage is logged."""
        self.refused += 1
        if self.since is None:
            self.since = time.monotonic()
            log.warning(
                "database unavailable: answering 503 until it returns",
                extra={"where": where, "error": type(error).__name__},
            )

    def recovered(self) -> None:
        """Notes a success; ends an outage in progress with one line."""
        if self.since is None:
            return
        seconds, refused = time.monotonic() - self.since, self.refused
        self.since, self.refused = None, 0
        log.warning(
            "database available again",
            extra={"outage_seconds": round(seconds, 1), "refused": refused},
        )


async def within(call: Awaitable[T], seconds: float, outage: Outage, where: str) -> T:
    """Returns what call returns, or raises DatabaseDown when it fails or takes too long."""
    try:
        async with asyncio.timeout(seconds):  # no task of its own, unlike wait_for on 3.11
            result = await call
    except DOWN as error:  # asyncio's timeout is a TimeoutError too
        outage.failed(where, error)
        raise DatabaseDown(where) from None
    outage.recovered()
    return result


def unavailable() -> JSONResponse:
    """Returns the 503 every route gives while the database is down."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse(UNAVAILABLE, status_code=503, headers=headers)


def outage_of(app: FastAPI) -> Outage:
    """Returns the app's one Outage (set by create_app)."""
    outage: Outage = app.state.outage
    return outage
