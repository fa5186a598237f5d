"""APScheduler ticks: fire due reminders and expiries, reap outbox leases, retry the inbox.

The database holds the timers (conversation.next_timer_at); the scheduler only ticks, so
several processes ticking at once is harmless: each turn locks its conversation first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine

from bot.delivery import Dispatcher
from bot.inbox import Inbox
from bot.runner import Runner
from flows.vocabulary import Timeout, TimerKind
from storage import db, outbox, queries

log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    """Returns the current time in UTC."""
    return dt.datetime.now(dt.UTC)


def due_conversations(engine: Engine, now: dt.datetime, limit: int = 200) -> list[tuple[int, str]]:
    """Returns (conversation id, timer kind) of every timer due now."""
    with db.session(engine) as session:
        rows = queries.due_timers(session=session, now=now, limit=limit)
        return [(r.id or 0, r.timer_kind or TimerKind.EXPIRY.value) for r in rows]


def fire_due_timers(engine: Engine, runner: Runner, now: dt.datetime | None = None) -> int:
    """Runs a timer turn for every due conversation; returns how many fired."""
    moment = now or utcnow()
    fired = 0
    for conversation_id, kind in due_conversations(engine, moment):
        if runner.fire_timer(conversation_id, Timeout(kind=TimerKind(kind), at=moment)):
            fired += 1
    return fired


def reap_leases(engine: Engine) -> int:
    """Returns outbox messages whose sender died mid-send to the queue."""
    with db.session(engine) as session:
        return outbox.reap_outbox_leases(session=session, now=utcnow())


class Ticker:
    """Owns the scheduler and its three idempotent jobs."""

    def __init__(
        self, engine: Engine, runner: Runner, inbox: Inbox, dispatcher: Dispatcher, seconds: float
    ) -> None:
        self.engine, self.runner, self.inbox, self.dispatcher = engine, runner, inbox, dispatcher
        self.scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self.seconds = seconds

    def start(self) -> None:
        """Starts ticking (call from inside the running event loop)."""
        common = {
            "trigger": "interval",
            "max_instances": 1,
            "coalesce": True,
            "replace_existing": True,
            "misfire_grace_time": None,
        }
        self.scheduler.add_job(self.timers, id="tick:timers", seconds=self.seconds, **common)
        self.scheduler.add_job(self.leases, id="tick:leases", seconds=self.seconds, **common)
        self.scheduler.add_job(self.retry_inbox, id="tick:inbox", seconds=self.seconds, **common)
        self.scheduler.start()

    def stop(self) -> None:
        """Stops ticking."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def timers(self) -> None:
        """Fires due timers."""
        if await asyncio.to_thread(fire_due_timers, self.engine, self.runner):
            self.dispatcher.wake()

    async def leases(self) -> None:
        """Reaps expired outbox leases."""
        if await asyncio.to_thread(reap_leases, self.engine):
            self.dispatcher.wake()

    async def retry_inbox(self) -> None:
        """Processes inbox rows left pending."""
        await self.inbox.process_pending()
