"""Whether this instance can do its work: database, schema, worker heartbeat, dispatcher lease."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass

from sqlalchemy import Engine, text

from escalation.delivery.sole import LEASE_NAME
from storage import db, leases

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
"""How often a process running the background work renews its heartbeat."""
HEARTBEAT_TERM = 20.0
"""How long a heartbeat counts as fresh: four missed beats make the worker look dead."""
LEASE_GRACE_SECONDS = 30.0
"""How long the dispatcher lease may stand expired (a hand-over between processes) before
webhooks count as stalled."""


def process_name(pid: int | None = None) -> str:
    """Names a process for heartbeats: host and pid (no person's data)."""
    return f"{socket.gethostname()}:{pid or os.getpid()}"


async def keep_beating(engine: Engine, owner: str | None = None) -> None:
    """Renews this process's heartbeat until cancelled; a failed beat is tried at the next."""
    owner = owner or process_name()
    while True:
        try:
            await asyncio.to_thread(_beat, engine, owner)
        except Exception as error:  # the database away: readiness says so, the beat goes on
            log.warning("heartbeat not written", extra={"error": type(error).__name__})
        await asyncio.sleep(HEARTBEAT_SECONDS)


def _beat(engine: Engine, owner: str) -> None:
    with db.session(engine) as session:
        leases.beat(
            session=session, owner=owner, now=dt.datetime.now(dt.UTC), seconds=HEARTBEAT_TERM
        )


@dataclass(frozen=True)
class Check:
    """One readiness check: its name, whether it passed, and a short reason (no data)."""

    name: str
    ok: bool
    detail: str


class Readiness:
    """Runs the checks; remembers a schema once at head (it does not go back while running)."""

    def __init__(self, engine: Engine, url: str, *, single_dispatcher: bool) -> None:
        self.engine, self.url, self.single_dispatcher = engine, url, single_dispatcher
        self._at_head = False

    def checks(self, worker: str | None, now: dt.datetime | None = None) -> list[Check]:
        """Returns every check; `worker` names the heartbeat expected (None: any process's)."""
        now = now or dt.datetime.now(dt.UTC)
        try:
            with db.session(self.engine) as session:
                session.connection().execute(text("SELECT 1"))
                expiries = leases.lease_expiries(session=session)
        except Exception as error:
            failed = f"unreachable ({type(error).__name__})"
            return [Check("database", False, failed)] + [
                Check(name, False, "database unreachable")
                for name in ("migrations", "worker_heartbeat", "dispatcher_lease")
            ]
        return [
            Check("database", True, "answers"),
            self._migrations(),
            _heartbeat(expiries, worker, now),
            self._lease(expiries, now),
        ]

    def _migrations(self) -> Check:
        if not self._at_head:
            # Alembic is loaded by the first /readyz: a worker, which serves none, never loads it
            from storage.migrate import migrations_at_head

            self._at_head = migrations_at_head(self.url)
        return Check("migrations", self._at_head, "at head" if self._at_head else "behind head")

    def _lease(self, expiries: dict[str, dt.datetime], now: dt.datetime) -> Check:
        until = expiries.get(LEASE_NAME)
        if until is None:
            if self.single_dispatcher:
                return Check("dispatcher_lease", False, "no dispatcher has taken the lease")
            return Check("dispatcher_lease", True, "not used (several dispatchers share)")
        left = (_utc(until) - now).total_seconds()
        if left >= 0:
            return Check("dispatcher_lease", True, f"held, {left:.0f}s left")
        ok = -left <= LEASE_GRACE_SECONDS
        return Check("dispatcher_lease", ok, f"expired {-left:.0f}s ago")


def _heartbeat(expiries: dict[str, dt.datetime], worker: str | None, now: dt.datetime) -> Check:
    beats = {
        name.removeprefix(leases.HEARTBEAT_PREFIX): _utc(until)
        for name, until in expiries.items()
        if name.startswith(leases.HEARTBEAT_PREFIX)
    }
    if worker is not None:
        beats = {name: until for name, until in beats.items() if name == worker}
    if not beats:
        return Check("worker_heartbeat", False, "no heartbeat yet")
    age = HEARTBEAT_TERM - (max(beats.values()) - now).total_seconds()
    fresh = age <= HEARTBEAT_TERM
    return Check("worker_heartbeat", fresh, f"last beat {max(age, 0):.0f}s ago")


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
