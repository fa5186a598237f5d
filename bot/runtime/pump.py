"""The worker's feed: claims updates another process recorded and hands them to their channel.

Every worker on the database claims from the same inbox; a claimed update is this worker's
alone (until its lease lapses, should this worker die), so no two translate the same update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.envelopes import Channel
from bot.runtime.inbox import Inbox

log = logging.getLogger(__name__)


class Pump:
    """Claims due updates and hands each to the inbox's scheduler, in id order."""

    def __init__(self, inbox: Inbox, *, batch: int = 500, poll_seconds: float = 1.0) -> None:
        self.inbox, self.batch, self.poll_seconds = inbox, batch, poll_seconds
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        """Asks the pump to look for new updates now (safe from any thread)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Feeds updates until cancelled; looks every poll_seconds when nobody wakes it."""
        self._loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            try:
                found = await self.feed()
            except Exception as error:  # a locked or lost database must not stop the feed
                log.warning("inbox feed failed", extra={"error": type(error).__name__})
                found = 0
            if found < self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    async def feed(self) -> int:
        """Claims and schedules the updates due now (new, retried or left by a dead worker)."""
        await self.inbox.quiet()  # a burst is coming in: hand it on in larger pieces
        rows = await asyncio.to_thread(self.inbox.claim, self.batch)
        for inbound_id, channel, chat_id in rows:
            if inbound_id in self.inbox.in_flight:  # claimed again while waiting here
                continue
            self.inbox.schedule(Channel(channel), inbound_id, chat_id or f"inbound:{inbound_id}")
        return len(rows)
