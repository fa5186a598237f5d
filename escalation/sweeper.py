"""The periodic sweep: reap expired delivery leases and re-escalate overdue acknowledgements.

All state is in the tables, so several processes sweeping at once is harmless (SKIP LOCKED on
PostgreSQL, BEGIN IMMEDIATE on SQLite, unique msg_ids for every level).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from escalation import deadlines, rights, service
from escalation.delivery import endpoints, wakeup
from storage import db, deliveries, escalations
from storage.types import utcnow

log = logging.getLogger(__name__)


class Sweeper:
    """Runs the sweep every few seconds until cancelled."""

    def __init__(
        self,
        engine: Engine,
        desk: service.Desk,
        *,
        seconds: float = 15.0,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.engine, self.desk, self.seconds, self.clock = engine, desk, seconds, clock

    def sync(self) -> None:
        """Brings the endpoint rows in line with the office config."""
        with db.session(self.engine) as session:
            endpoints.sync_endpoints(session, self.desk.directory, self.clock())

    def tick(self) -> tuple[int, int]:
        """Sweeps once; returns (leases reaped, escalations moved up)."""
        now = self.clock()
        with db.session(self.engine) as session:
            reaped = deliveries.reap_deliveries(session=session, now=now)
            escalations.drop_disabled(session=session, now=now)
        with db.session(self.engine) as session:
            moved = deadlines.sweep(session, self.desk, now)
        with db.session(self.engine) as session:
            rights.sweep(session, self.desk, now)  # data-rights requests past 48 h
        if reaped:
            wakeup.notify()
        return reaped, moved

    async def run(self) -> None:
        """Syncs the endpoints, then sweeps until cancelled; a failing sweep is tried again."""
        await asyncio.to_thread(self.sync)
        while True:
            try:
                await asyncio.to_thread(self.tick)
            except SQLAlchemyError:
                log.exception("escalation sweep failed")
            await asyncio.sleep(self.seconds)
