"""The durable inbox: record an update before answering 200, process it (again after a crash)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

from sqlalchemy import Engine

from bot.envelopes import Channel, InboundEvent
from bot.runner import Runner
from storage import db, models, queries

log = logging.getLogger(__name__)

RETRY_DELAYS = (10, 30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600)
"""Seconds before each new try of an update that failed; after the last one it is failed."""

Item = tuple[str, str | None, bytes]
"""(external id, chat id, payload) of one update."""

Translator = Callable[[bytes], Awaitable[InboundEvent | None]]
"""Turns one recorded payload into one inbound event (None: nothing for the engine)."""


def record_many(engine: Engine, channel: Channel, items: Sequence[Item]) -> list[int | None]:
    """Stores updates that arrived together in one commit; None for each duplicate."""
    with db.session(engine) as session:
        return queries.record_inbound_many(session=session, channel=channel.value, rows=items)


class Inbox:
    """Records updates exactly once and feeds them to the runner in arrival order."""

    def __init__(self, engine: Engine, runner: Runner, translators: Mapping[Channel, Translator]):
        self.engine, self.runner, self.translators = engine, runner, dict(translators)
        self._limit = asyncio.Semaphore(8)

    def record(
        self, *, channel: Channel, external_id: str, chat_id: str | None, payload: bytes
    ) -> int | None:
        """Stores an update durably; returns its id, or None for a duplicate."""
        with db.session(self.engine) as session:
            row = queries.record_inbound(
                session=session,
                channel=channel.value,
                external_id=external_id,
                chat_id=chat_id,
                payload=payload,
            )
            return row.id if row is not None else None

    async def process(self, inbound_id: int) -> None:
        """Translates and runs one recorded update; failures stay pending for a retry."""
        async with self._limit:
            row = await asyncio.to_thread(self._load, inbound_id)
            if row is None or row.status != "pending":
                return
            translate = self.translators.get(Channel(row.channel))
            event = await translate(row.payload) if translate else None
            if event is None:
                await asyncio.to_thread(self._mark, inbound_id, "ignored")
                return
            await asyncio.to_thread(self.runner.handle, event, inbound_id=inbound_id)

    async def process_pending(self, limit: int = 100, grace_seconds: float = 10.0) -> int:
        """Processes updates left pending (after a restart or a failure); returns how many."""
        ids = await asyncio.to_thread(self._pending_ids, limit, grace_seconds)
        for inbound_id in ids:
            try:
                await self.process(inbound_id)
            except Exception as error:  # one bad update must not block the others
                log.warning(
                    "inbound update failed",
                    extra={"inbound_id": inbound_id, "error": type(error).__name__},
                )
                await asyncio.to_thread(self._retry_later, inbound_id, type(error).__name__)
        return len(ids)

    def _retry_later(self, inbound_id: int, error: str) -> None:
        """Counts a failed try; schedules the next, or marks the update failed after the last."""
        with db.session(self.engine) as session:
            row = session.get(models.InboundUpdate, inbound_id)
            if row is None or row.status != "pending":
                return
            if row.attempts >= len(RETRY_DELAYS):
                queries.mark_inbound(
                    session=session, inbound_id=inbound_id, status="failed", error=error
                )
                log.error("inbound update given up", extra={"inbound_id": inbound_id})
                return
            at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=RETRY_DELAYS[row.attempts])
            queries.defer_inbound(session=session, inbound_id=inbound_id, error=error, at=at)

    def _load(self, inbound_id: int) -> models.InboundUpdate | None:
        with db.session(self.engine) as session:
            return session.get(models.InboundUpdate, inbound_id)

    def _pending_ids(self, limit: int, grace_seconds: float) -> list[int]:
        older_than = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=grace_seconds)
        with db.session(self.engine) as session:
            rows = queries.pending_inbound(session=session, limit=limit, older_than=older_than)
            return [r.id or 0 for r in rows]

    def _mark(self, inbound_id: int, status: str, error: str | None = None) -> None:
        with db.session(self.engine) as session:
            queries.mark_inbound(session=session, inbound_id=inbound_id, status=status, error=error)
