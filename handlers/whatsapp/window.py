"""The 24-hour window as the sender sees it: the database's answer, cached while it stays open.

Only a reporter's message opens a window, and this process records each one it handles, so a
cached "open until T" stays true until T (or until WhatsApp says otherwise with 131047). A miss or
a closed window is always read again from the database: another worker may have opened it.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import Engine

from bot.whatsapp import chats as wa_book
from bot.whatsapp.recording import Memo

MAX_CACHED = 50_000
"""Cached windows kept at most; the expired ones are dropped first."""


class WindowBook:
    """Tells whether a chat's window is open, without a query for every message sent."""

    def __init__(self, engine: Engine, memo: Memo | None = None) -> None:
        self.engine, self.memo = engine, memo
        self._until: dict[str, dt.datetime] = {}

    def opened(self, chat_id: str, until: dt.datetime) -> None:
        """Remembers a window opened (or extended) by a reporter's message."""
        if len(self._until) >= MAX_CACHED:
            self._prune(dt.datetime.now(dt.UTC))
        current = self._until.get(chat_id)
        if current is None or current < until:
            self._until[chat_id] = until

    async def is_open(self, chat_id: str, now: dt.datetime) -> bool:
        """Returns whether free-form messages may go to a chat now."""
        until = self._until.get(chat_id)
        if until is not None and until > now:
            return True
        until = await asyncio.to_thread(wa_book.window_until, self.engine, chat_id)
        if until is not None:
            self._until[chat_id] = until
        return until is not None and until > now

    async def active(self, chat_id: str, now: dt.datetime, within: dt.timedelta) -> bool:
        """Returns whether the reporter wrote within `within` (their window opened that late)."""
        until = self._until.get(chat_id)
        if until is None or until - wa_book.WINDOW < now - within:
            until = await asyncio.to_thread(wa_book.window_until, self.engine, chat_id)
        return until is not None and until - wa_book.WINDOW >= now - within

    def forget(self, chat_id: str) -> None:
        """Drops a cached window (WhatsApp said it is closed), also where messages are recorded."""
        self._until.pop(chat_id, None)
        if self.memo is not None:
            self.memo.forget(chat_id)

    async def close(self, chat_id: str, at: dt.datetime) -> None:
        """Records WhatsApp's word that the window is closed (error 131047)."""
        self.forget(chat_id)
        await asyncio.to_thread(wa_book.close_window, self.engine, chat_id, at)

    def _prune(self, now: dt.datetime) -> None:
        for chat_id in [c for c, until in self._until.items() if until <= now]:
            del self._until[chat_id]
        while len(self._until) >= MAX_CACHED:
            self._until.pop(next(iter(self._until)))
