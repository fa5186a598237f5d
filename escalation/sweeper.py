"""The periodic sweep: reap expired delivery leases and re-escalate overdue acknowledgements.

All state is in the tables, so several processes sweeping at once is harmless (SKIP LOCKED on
PostgreSQL, BEGIN IMMEDIATE on SQLite, unique msg_ids for every level).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from escalation import deadlines
from escalation.delivery import endpoints, wakeup
from escalation.desk import Desk
from storage import db, deliveries, escalations
from storage.types import utcnow

log = logging.getLogger(__name__)

Sweep = Callable[[Session, Desk, dt.datetime], int]
"""A further check run on every sweep in its own transaction (the bot's overdue data-rights
requests, say); returns how many rows it moved."""


class Sweeper:
    """Runs the sweep every few seconds until cancelled."""

    def __init__(
        self,
        engine: Engine,
        desk: Desk,
        *,
        seconds: float = 15.0,
        clock: Callable[[], dt.datetime] = utcnow,
        sweeps: Sequence[Sweep] = (),
    ) -> None:
        self.engine, self.desk, self.seconds, self.clock = engine, desk, seconds, clock
        self.sweeps = tuple(sweeps)

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
        for sweep in self.sweeps:
            with db.session(self.engine) as session:
                sweep(session, self.desk, now)
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
