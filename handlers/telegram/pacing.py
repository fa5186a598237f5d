"""Sending pace: about one message a second per chat (short bursts allowed) and 30/s overall."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

MAX_CHATS = 10_000
"""Buckets kept before idle ones are forgotten."""
EPSILON = 1e-6
"""A token this close to whole counts as whole (float sums never quite reach 1.0)."""
MIN_WAIT = 0.001


@dataclass
class Bucket:
    """A token bucket: `rate` tokens a second, at most `capacity`, and an optional pause."""

    rate: float
    capacity: float
    tokens: float
    updated: float
    paused_until: float = 0.0

    def delay(self, now: float) -> float:
        """Returns seconds to wait before one token is free (0: free now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if now < self.paused_until:
            return self.paused_until - now
        if self.tokens >= 1 - EPSILON:
            return 0.0
        return max((1 - self.tokens) / self.rate, MIN_WAIT)

    def idle(self, now: float) -> bool:
        """Returns whether forgetting this bucket changes nothing."""
        return now >= self.paused_until and self.delay(now) == 0 and self.tokens >= self.capacity


class Pacer:
    """Waits before each send so that neither one chat nor the bot as a whole is flooded."""

    def __init__(
        self,
        *,
        per_chat: float,
        chat_burst: int,
        overall: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_chat, self.chat_burst = per_chat, float(max(1, chat_burst))
        self.clock, self.sleep = clock, sleep
        now = clock()
        self.overall = Bucket(overall, max(1.0, overall), max(1.0, overall), now)
        self.chats: dict[str, Bucket] = {}

    def _chat(self, chat_id: str, now: float) -> Bucket:
        bucket = self.chats.get(chat_id)
        if bucket is None:
            if len(self.chats) >= MAX_CHATS:
                self.chats = {k: b for k, b in self.chats.items() if not b.idle(now)}
            bucket = Bucket(self.per_chat, self.chat_burst, self.chat_burst, now)
            self.chats[chat_id] = bucket
        return bucket

    async def wait(self, chat_id: str) -> None:
        """Returns when one more message may go to this chat; takes its token."""
        while True:
            now = self.clock()
            chat = self._chat(chat_id, now)
            delay = max(chat.delay(now), self.overall.delay(now))
            if delay <= 0:
                chat.tokens -= 1
                self.overall.tokens -= 1
                return
            await self.sleep(delay)

    def pause(self, chat_id: str, seconds: float) -> None:
        """Holds a chat back after Telegram said to retry later."""
        now = self.clock()
        chat = self._chat(chat_id, now)
        chat.paused_until = max(chat.paused_until, now + seconds)
