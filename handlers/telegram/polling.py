"""Long polling, for running without a public URL: getUpdates into the same durable inbox."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from handlers.telegram.drivers import Driver
from handlers.telegram.processing import Processor, peek
from handlers.telegram.updates import BadUpdate, TgError

log = logging.getLogger(__name__)

BACKOFF = (1.0, 2.0, 5.0, 15.0, 30.0)
"""Seconds to wait after consecutive failures (the last one repeats)."""


class Poller:
    """Fetches updates and confirms each batch only after it is recorded."""

    def __init__(self, driver: Driver, processor: Processor, wait_seconds: int) -> None:
        self.driver, self.processor, self.wait_seconds = driver, processor, wait_seconds
        self.offset: int | None = None
        self.failures = 0

    async def run(self) -> None:
        """Polls until cancelled; a webhook, if one is set, is removed first."""
        while not await self._try(self.driver.delete_webhook()):
            await self._back_off(None)
        while True:
            await self.poll_once()

    async def poll_once(self) -> int:
        """Fetches and records one batch; returns how many updates were new."""
        try:
            bodies = await self.driver.get_updates(self.offset, self.wait_seconds)
        except TgError as error:
            log.warning("getUpdates failed", extra={"reason": error.reason})
            await self._back_off(error.retry_after)
            return 0
        self.failures = 0
        new = 0
        for body in bodies:
            try:
                keys = peek(body)
            except BadUpdate:
                log.warning("getUpdates returned an unreadable update")
                continue
            new += await self.processor.record(body)
            self.offset = max(self.offset or 0, keys.update_id + 1)
        return new

    async def _try(self, call: Awaitable[None]) -> bool:
        try:
            await call
        except TgError as error:
            log.warning("deleteWebhook failed", extra={"reason": error.reason})
            return False
        return True

    async def _back_off(self, retry_after: float | None) -> None:
        delay = BACKOFF[min(self.failures, len(BACKOFF) - 1)]
        self.failures += 1
        await asyncio.sleep(retry_after if retry_after is not None else delay)
