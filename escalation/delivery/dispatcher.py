"""The webhook dispatcher: claim with a committed lease, sign, POST under a hard deadline, settle.

Woken at once when a transaction that queued webhooks commits (escalation.delivery.wakeup),
polling as a fallback. On SQLite only the holder of the dispatcher lease sends; on PostgreSQL
any number of dispatchers share the queue through SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from escalation.delivery import settle, wakeup
from escalation.delivery.breaker import Breaker
from escalation.delivery.poster import Poster
from escalation.delivery.retry import Policy, Verdict
from escalation.delivery.settle import Attempt, Result
from escalation.delivery.sole import SoleLease
from escalation.desk import Desk
from storage import db, deliveries, delivery_claims
from storage.db import KeptConnection
from storage.delivery_claims import Claimed
from storage.escalation_models import WebhookEndpoint
from storage.types import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tuning:
    """Deadlines, leases and limits of one dispatcher."""

    request_timeout: float = 15.0
    connect_timeout: float = 3.0
    lease_seconds: float = 60.0
    poll_seconds: float = 1.0
    batch: int = 50
    concurrency: int = 64
    dispatcher_lease_seconds: float = 30.0
    allow_private: bool = False
    single: bool | None = None
    """Whether a dispatcher lease is needed (None: on SQLite only)."""
    coalesce_seconds: float = 0.0
    """An optional wait after a wake-up; batches also form on their own (what arrives while a
    claim or a settle is in the database goes into the next one)."""
    breaker_failures: int = 20
    breaker_pause_seconds: float = 60.0


class Dispatcher:
    """Delivers due webhooks until cancelled; see the module docstring."""

    def __init__(
        self,
        engine: Engine,
        desk: Desk,
        *,
        policy: Policy | None = None,
        tuning: Tuning | None = None,
        owner: str | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.engine, self.desk, self.clock = engine, desk, clock
        self.policy, self.tuning = policy or Policy(), tuning or Tuning()
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        single = self.tuning.single
        self.single = not db.is_postgres(engine) if single is None else single
        self._poster = Poster(
            request_timeout=self.tuning.request_timeout,
            connect_timeout=self.tuning.connect_timeout,
            max_idle=self.tuning.concurrency,
            allow_private=self.tuning.allow_private,
        )
        self._settling = False
        self._flag = asyncio.Event()
        self._in_flight: dict[int, int] = defaultdict(int)
        self._tasks: set[asyncio.Task[None]] = set()
        self._results: list[Result] = []
        self._breakers: dict[int, Breaker] = defaultdict(self._breaker)
        self._endpoints: dict[int, WebhookEndpoint] = {}
        self._endpoints_at = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        # Every claim statement stands alone (a claim is one UPDATE that commits the lease
        # before any HTTP call); a settle writes several rows that belong together.
        self._claims, self._settles = (
            KeptConnection(engine, autocommit=True),
            KeptConnection(engine),
        )
        self._starved = False
        """Whether the last claim stopped at a limit, so that a freed slot should claim again."""
        self._lease = SoleLease(
            self._claims, self.owner, self.tuning.dispatcher_lease_seconds, clock
        )

    def _breaker(self) -> Breaker:
        pause = dt.timedelta(seconds=self.tuning.breaker_pause_seconds)
        return Breaker(pause=pause, max_consecutive=self.tuning.breaker_failures)

    def wake(self) -> None:
        """Asks the dispatcher to look for work now (safe from any thread)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._flag.set)

    async def run(self) -> None:
        """Delivers until cancelled; in-flight requests are abandoned to the lease reaper."""
        self._loop = asyncio.get_running_loop()
        key = wakeup.register(self._loop, self._flag)
        listener = (
            asyncio.create_task(wakeup.listen(self.engine)) if wakeup.listens(self.engine) else None
        )
        try:
            while True:
                self._flag.clear()
                if self.tuning.coalesce_seconds > 0:
                    await asyncio.sleep(self.tuning.coalesce_seconds)
                try:
                    await self.step()
                except SQLAlchemyError as error:  # a locked or lost database must not stop it
                    log.warning("escalation step failed", extra={"error": type(error).__name__})
                if not self._flag.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._flag.wait(), self.tuning.poll_seconds)
        finally:
            wakeup.unregister(key)
            if listener is not None:
                listener.cancel()
            await self._abandon()

    async def drain(self) -> int:
        """Delivers everything due now and waits for the outcomes; returns the claim count."""
        self._loop = asyncio.get_running_loop()
        total = 0
        while True:
            claimed = await self.step()
            total += claimed
            if self._tasks:
                await asyncio.gather(*list(self._tasks))
            await self._settle_all()
            if not claimed and not self._tasks:
                await self._close_connections()
                return total

    async def aclose(self) -> None:
        """Closes the HTTP client and gives the dispatcher lease back."""
        await self._abandon()

    async def step(self) -> int:
        """Claims what this dispatcher may send now and starts sending it; returns the count."""
        if self.single and not await self._hold_lease():
            return 0
        await self._refresh_endpoints()
        capacity = self._capacity()
        room = self.tuning.concurrency - sum(self._in_flight.values())
        if not capacity or room <= 0:
            self._starved = True
            return 0
        limit = min(self.tuning.batch, room)
        claimed = await asyncio.to_thread(self._claim, capacity, limit)
        taken: dict[int, int] = defaultdict(int)
        for row in claimed:
            taken[row.endpoint_id] += 1
        full = any(taken[endpoint] >= free for endpoint, free in capacity.items())
        self._starved = len(claimed) >= limit or full
        for row in claimed:
            self._in_flight[row.endpoint_id] += 1
            self._breakers[row.endpoint_id].started(self.clock())
            task = asyncio.create_task(self._deliver(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(claimed)

    def _capacity(self) -> dict[int, int]:
        now = self.clock()
        found = {}
        for endpoint_id, row in self._endpoints.items():
            if row.paused_until is not None and row.paused_until > now:
                continue
            free = row.max_in_flight - self._in_flight[endpoint_id]
            allowed = self._breakers[endpoint_id].allows(now)
            found[endpoint_id] = free if allowed is None else min(free, allowed)
        return {k: v for k, v in found.items() if v > 0}

    def _claim(self, capacity: dict[int, int], limit: int) -> list[Claimed]:
        with self._claims.session() as session:
            return delivery_claims.claim_deliveries(
                session=session,
                owner=self.owner,
                now=self.clock(),
                lease_seconds=self.tuning.lease_seconds,
                capacity=capacity,
                limit=limit,
            )

    async def _refresh_endpoints(self) -> None:
        if time.monotonic() - self._endpoints_at < 2.0 and self._endpoints:
            return
        rows = await asyncio.to_thread(self._load_endpoints)
        self._endpoints = {row.id or 0: row for row in rows}
        self._endpoints_at = time.monotonic()

    def _load_endpoints(self) -> list[WebhookEndpoint]:
        with self._claims.session() as session:
            return deliveries.usable_endpoints(session=session, now=self.clock())

    async def _hold_lease(self) -> bool:
        return await self._lease.hold()

    async def _deliver(self, row: Claimed) -> None:
        endpoint = self._endpoints.get(row.endpoint_id)
        config = self.desk.directory.endpoint(endpoint.name) if endpoint else None
        self._finish(row, await self._poster.attempt(config, row, self.clock()))

    def _finish(self, row: Claimed, attempt: Attempt) -> None:
        now = self.clock()
        settled, verdict = settle.outcome(self.policy, row, attempt, now)
        state = settled.state
        self._in_flight[row.endpoint_id] -= 1
        paused = self._breakers[row.endpoint_id].record(verdict is Verdict.DELIVERED, now)
        if paused is not None and row.endpoint_id in self._endpoints:
            self._endpoints[row.endpoint_id].paused_until = paused
        self._results.append(Result(row, settled, verdict is Verdict.DISABLE))
        if self._starved:  # a slot is free again and work may be waiting for it
            self._flag.set()
        if not self._settling:
            self._settling = True
            asyncio.get_running_loop().call_soon(self._schedule_settle)
        log.info(
            "webhook attempt",
            extra={"msg_id": row.msg_id, "attempt_no": row.attempts, "state": state},
        )

    def _schedule_settle(self) -> None:
        task = asyncio.create_task(self._settle_all())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _settle_all(self) -> None:
        self._settling = True
        try:
            while self._results:
                batch, self._results = self._results, []
                try:
                    await asyncio.to_thread(self._settle, batch)
                except SQLAlchemyError:
                    log.exception("settling %d webhook outcomes failed", len(batch))
        finally:
            self._settling = False

    def _settle(self, batch: list[Result]) -> None:
        for endpoint_id in settle.settle(
            self._settles.session, self.owner, batch, self._endpoints, self.clock()
        ):
            self._endpoints.pop(endpoint_id, None)

    async def _abandon(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._settling = False
        await self._settle_all()
        self._in_flight.clear()
        await self._poster.aclose()
        if self.single:
            await self._lease.release()
        await self._close_connections()

    async def _close_connections(self) -> None:
        for kept in (self._claims, self._settles):
            await asyncio.to_thread(kept.close)
