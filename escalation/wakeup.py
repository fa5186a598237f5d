"""Wake dispatchers right after a transaction that queued webhooks commits.

In this process through a commit hook; on PostgreSQL also in every other process, through a
NOTIFY sent inside the transaction (delivered by PostgreSQL only if it commits) and a listener
that each dispatcher runs.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import psycopg
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from storage import db

log = logging.getLogger(__name__)

CHANNEL = "suara_escalation"
"""The PostgreSQL notification channel dispatchers listen on."""

_lock = threading.Lock()
_waiters: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Event]] = {}


def register(loop: asyncio.AbstractEventLoop, flag: asyncio.Event) -> int:
    """Adds a dispatcher's wake-up flag; returns the key to remove it with."""
    with _lock:
        key = id(flag)
        _waiters[key] = (loop, flag)
        return key


def unregister(key: int) -> None:
    """Removes a wake-up flag."""
    with _lock:
        _waiters.pop(key, None)


def notify() -> None:
    """Sets every registered flag (safe from any thread)."""
    with _lock:
        waiters = list(_waiters.values())
    for loop, flag in waiters:
        if not loop.is_closed():
            loop.call_soon_threadsafe(flag.set)


def _after_commit(session: Any) -> None:
    session.info.pop("escalation_wake", None)
    notify()


def after_commit(session: Session) -> None:
    """Arranges one notify() after the session's current transaction commits."""
    if session.info.get("escalation_wake"):
        return
    session.info["escalation_wake"] = True
    event.listen(session, "after_commit", _after_commit, once=True)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


async def listen(engine: Engine, retry_seconds: float = 1.0, channel: str = CHANNEL) -> None:
    """Relays other processes' notifications to this process's dispatchers until cancelled."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
                await connection.execute(f"LISTEN {channel}")
                notify()  # whatever was committed while nobody listened
                async for _ in connection.notifies():
                    notify()
        except (psycopg.Error, OSError) as error:
            log.warning("escalation listener lost", extra={"error": type(error).__name__})
            await asyncio.sleep(retry_seconds)


def listens(engine: Engine) -> bool:
    """Whether dispatchers on this database listen for other processes' commits."""
    return db.is_postgres(engine)
