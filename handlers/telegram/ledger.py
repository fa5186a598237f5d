"""The chat ledger as the Telegram channel uses it, from the event loop.

Every message in and out of a private chat is recorded (for a quick exit), so in a burst these
records come many at a time: those made while one is written share the next commit, on a thread
of their own, where each had been a transaction of its own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from bot.runtime.recording import GroupCommit
from bot.safety.quick_exit import ChatLedger, Direction, Noted


class TelegramLedger:
    """Records, lists and forgets a chat's message ids without blocking the event loop."""

    def __init__(self, ledger: ChatLedger) -> None:
        self.ledger = ledger
        self._records = GroupCommit(self._record_all, name="chat-ledger")

    async def record(
        self, chat_id: str, message_ids: Sequence[int | str], direction: Direction, at: dt.datetime
    ) -> None:
        """Records message ids once their commit is done (repeats are ignored)."""
        await self._records.submit(Noted(str(chat_id), tuple(message_ids), direction, at))

    async def recent(self, chat_id: str, now: dt.datetime) -> list[int]:
        """Returns the chat's recorded message ids under 48 hours old, oldest first."""
        return await asyncio.to_thread(self.ledger.recent, chat_id, now)

    async def forget(self, chat_id: str, message_ids: Sequence[int]) -> None:
        """Drops message ids a quick exit tried."""
        await asyncio.to_thread(self.ledger.forget, chat_id, message_ids)

    async def aclose(self) -> None:
        """Finishes the records in hand and stops their thread."""
        await self._records.aclose()

    def _record_all(self, noted: list[Noted]) -> list[None]:
        self.ledger.record_all(noted)
        return [None] * len(noted)
