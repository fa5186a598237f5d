"""APScheduler ticks: fire due reminders and expiries, reap outbox leases, retry the inbox,
release messages held for a safe time, and run the retention job.

The database holds the timers (conversation.next_timer_at); the scheduler only ticks, so
several processes ticking at once is harmless: a timer turn locks its conversation (skipping one
another process holds) and fires only if the timer is still due under that lock. A timer
due outside the reporter's safe times moves to the next safe time instead of firing (S-06).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from bot.runtime.delivery import Dispatcher
from bot.runtime.inbox import Inbox
from bot.runtime.runner import Runner
from bot.safety import next_safe_time, release_deferred, run_retention
from bot.settings import Settings
from flows.vocabulary import Timeout, TimerKind
from storage import db, outbox, queries
from storage.errors import StorageError
from storage.models import Conversation, Reporter

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
        if defer_to_safe_time(engine, conversation_id, moment):
            continue
        timeout = Timeout(kind=TimerKind(kind), at=moment)
        if runner.fire_timer(conversation_id, timeout, due_by=moment):
            fired += 1
    return fired


def defer_to_safe_time(engine: Engine, conversation_id: int, now: dt.datetime) -> bool:
    """Moves a due timer to the reporter's next safe time when now is not one; True if moved."""
    with db.session(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        reporter = session.get(Reporter, conversation.reporter_id) if conversation else None
        if conversation is None or reporter is None:
            return False
        when = next_safe_time(reporter, now)
        if when <= now:
            return False
        session.exec(
            update(Conversation)
            .where(
                col(Conversation.id) == conversation_id,
                col(Conversation.next_timer_at) <= now,
            )
            .values(next_timer_at=when)
            .execution_options(synchronize_session=False)
        )
    log.info("timer moved to a safe time", extra={"conversation_id": conversation_id})
    return True


def release_safe(engine: Engine, now: dt.datetime | None = None) -> int:
    """Queues the messages held for a safe time that has come."""
    with db.session(engine) as session:
        return release_deferred(session, now or utcnow())


def reap_leases(engine: Engine) -> int:
    """Returns outbox messages whose sender died mid-send to the queue."""
    with db.session(engine) as session:
        return outbox.reap_outbox_leases(session=session, now=utcnow())


def quietly(job: Callable[[], Awaitable[None]], name: str) -> Callable[[], Awaitable[None]]:
    """Runs one tick of a job; a database that is away costs one warning, not a traceback."""

    async def tick() -> None:
        try:
            await job()
        except (SQLAlchemyError, StorageError, OSError) as error:  # the next tick tries again
            extra = {"job": name, "error": type(error).__name__}
            log.warning("tick skipped: database unavailable", extra=extra)

    tick.__qualname__ = f"Ticker.{name}"  # how the scheduler's own lines name it
    return tick


class Ticker:
    """Owns the scheduler and its three idempotent jobs."""

    def __init__(
        self,
        engine: Engine,
        runner: Runner,
        inbox: Inbox,
        dispatcher: Dispatcher,
        seconds: float,
        settings: Settings | None = None,
    ) -> None:
        self.engine, self.runner, self.inbox, self.dispatcher = engine, runner, inbox, dispatcher
        self.scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self.seconds = seconds
        self.settings = settings

    def start(self) -> None:
        """Starts ticking (call from inside the running event loop)."""
        common = {
            "trigger": "interval",
            "max_instances": 1,
            "coalesce": True,
            "replace_existing": True,
            "misfire_grace_time": None,
        }
        for name, job in (
            ("timers", self.timers),
            ("leases", self.leases),
            ("inbox", self.retry_inbox),
            ("safe", self.safe_times),
        ):
            self.scheduler.add_job(
                quietly(job, name), id=f"tick:{name}", seconds=self.seconds, **common
            )
        if self.settings is not None and self.settings.safety.retention_enabled:
            self.scheduler.add_job(self.retention, id="tick:retention", seconds=60, **common)
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

    async def safe_times(self) -> None:
        """Queues messages whose safe time has come."""
        if await asyncio.to_thread(release_safe, self.engine):
            self.dispatcher.wake()

    async def retention(self) -> None:
        """Runs the retention job when its period has passed (job_run says when it last ran)."""
        assert self.settings is not None
        try:
            await asyncio.to_thread(run_retention, self.engine, self.settings)
        except Exception:  # recorded in job_run; the next period tries again
            log.warning("retention run failed")
