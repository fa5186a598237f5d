"""The dispatcher lease: on SQLite exactly one process sends webhooks, renewing a lease row."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Callable

from storage import leases
from storage.db import KeptConnection

LEASE_NAME = "escalation-dispatcher"


class SoleLease:
    """Takes, renews (at a third of its term) and gives back the dispatcher lease."""

    def __init__(
        self, kept: KeptConnection, owner: str, seconds: float, clock: Callable[[], dt.datetime]
    ) -> None:
        self.kept, self.owner, self.seconds, self.clock = kept, owner, seconds, clock
        self._until = 0.0

    async def hold(self) -> bool:
        """Whether this dispatcher holds the lease now (taking or renewing it when due)."""
        if time.monotonic() < self._until:
            return True
        held = await asyncio.to_thread(self._acquire)
        self._until = time.monotonic() + self.seconds / 3 if held else 0.0
        return held

    async def release(self) -> None:
        """Gives the lease up at once (a clean stop); a failure leaves it to expire."""
        if not self._until:
            return
        self._until = 0.0
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self._release)

    def _acquire(self) -> bool:
        with self.kept.session() as session:
            return leases.acquire_lease(
                session=session,
                name=LEASE_NAME,
                owner=self.owner,
                now=self.clock(),
                seconds=self.seconds,
            )

    def _release(self) -> None:
        with self.kept.session() as session:
            leases.release_lease(
                session=session, name=LEASE_NAME, owner=self.owner, now=self.clock()
            )
