"""Keeps this process's claims on inbox and outbox rows alive while it works, and frees them.

Leases are short (seconds), so that the rows of a process that died are taken over quickly;
a live process renews them several times per lease. The renewal runs on a thread of its own,
so that it never waits behind turns and sends for a free worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session

from storage import db, inbox_claims, outbox

log = logging.getLogger(__name__)

RENEWALS_PER_LEASE = 4
"""How many times a lease is renewed within its term (three renewals may fail in a row)."""


def process_owner() -> str:
    """Returns a lease owner's name, unique to this run of this process (host, pid, random)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


Held = Callable[[], Collection[int]]
"""Returns the ids of the rows this process is working on right now."""


class Renewal(Protocol):
    """Extends an owner's leases on some rows of one table (storage's renew functions)."""

    def __call__(
        self,
        *,
        session: Session,
        owner: str,
        now: dt.datetime,
        seconds: float,
        ids: Collection[int],
    ) -> int:
        """Counts the rows whose leases it extended."""


class LeaseKeeper:
    """Renews the leases of the rows in hand until stopped; then frees its inbox claims.

    Only rows a task is working on are renewed: a row whose task failed without settling it
    lapses, and is taken again (by this process or another) like a dead process's row.
    """

    def __init__(
        self,
        engine: Engine,
        owner: str,
        *,
        inbox_seconds: float,
        outbox_seconds: float,
        inbox_held: Held = tuple,
        outbox_held: Held = tuple,
    ) -> None:
        self.engine, self.owner = engine, owner
        self.inbox_seconds, self.outbox_seconds = inbox_seconds, outbox_seconds
        self.inbox_held, self.outbox_held = inbox_held, outbox_held
        self.every = min(inbox_seconds, outbox_seconds) / RENEWALS_PER_LEASE
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="lease-keeper")
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Starts renewing (call from inside the running event loop)."""
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stops renewing and frees the inbox claims not processed (a successor takes them)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        loop = asyncio.get_running_loop()
        with contextlib.suppress(Exception):  # a lost database: the leases lapse on their own
            await loop.run_in_executor(self._executor, self.release)
        self._executor.shutdown(wait=False)

    def renew(self, inbox_ids: Collection[int], outbox_ids: Collection[int]) -> int:
        """Extends the leases of the rows given; returns how many rows it extended."""
        now = dt.datetime.now(dt.UTC)
        renewed = 0
        both: tuple[tuple[Renewal, float, Collection[int]], ...] = (
            (inbox_claims.renew_inbound, self.inbox_seconds, inbox_ids),
            (outbox.renew_outbox_leases, self.outbox_seconds, outbox_ids),
        )
        with db.session(self.engine) as session:
            for extend, seconds, ids in both:
                if ids:
                    renewed += extend(
                        session=session, owner=self.owner, now=now, seconds=seconds, ids=ids
                    )
        return renewed

    def release(self) -> int:
        """Frees the owner's claims on updates not processed; returns how many."""
        with db.session(self.engine) as session:
            return inbox_claims.release_inbound(session=session, owner=self.owner)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            held = list(self.inbox_held()), list(self.outbox_held())  # read on the loop
            try:
                await loop.run_in_executor(self._executor, self.renew, *held)
            except Exception as error:  # a lost database: try again at the next renewal
                log.warning("lease renewal failed", extra={"error": type(error).__name__})
            await asyncio.sleep(self.every)
