"""Wake dispatchers right after a transaction that queued webhooks commits.

In this process through a commit hook; on PostgreSQL also in every other process, through a
NOTIFY sent inside the transaction (delivered by PostgreSQL only if it commits) and a listener
that each dispatcher runs. The NOTIFY rides on the INSERT that queues the webhook
(storage.deliveries.insert_delivery), which saves a round trip per queuing transaction.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import psycopg
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from storage import db, deliveries

log = logging.getLogger(__name__)

CHANNEL = deliveries.NOTIFY_CHANNEL
"""The PostgreSQL notification channel dispatchers listen on."""
_WAKE = "escalation_wake"

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
        if not flag.is_set() and not loop.is_closed():  # a set flag: a look is due anyway
            loop.call_soon_threadsafe(flag.set)


@event.listens_for(OrmSession, "after_commit")
def _after_commit(session: OrmSession) -> None:
    """Wakes the dispatchers after a commit that queued webhooks (one listener for all)."""
    if session.info.pop(_WAKE, False):
        notify()


@event.listens_for(OrmSession, "after_rollback")
def _after_rollback(session: OrmSession) -> None:
    """Forgets the wake-up of a transaction that did not commit."""
    session.info.pop(_WAKE, None)


def after_commit(session: Session) -> None:
    """Arranges one notify() in this process after the session's transaction commits.

    Other processes hear of it through the NOTIFY that insert_delivery sent on PostgreSQL.
    """
    session.info[_WAKE] = True


async def listen(engine: Engine, retry_seconds: float = 1.0, channel: str = CHANNEL) -> None:
    """Relays other processes' notifications to this process's dispatchers until cancelled."""
    params = db.connect_params(engine)
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                **params, autocommit=True
            ) as connection:
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
