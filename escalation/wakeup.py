"""Wake every dispatcher of this process right after a transaction that queued webhooks commits."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

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
