"""GET /readyz: 200 when this instance can do its work, 503 naming the checks that fail.

Beside /healthz (the process answers and its database does): ready also means the schema is
at head, a worker's heartbeat is fresh and the webhook dispatcher's lease is held. The checks
run on a thread with a deadline, so a silent database gives 503 within two seconds; while one
run hangs, later requests wait for that run rather than start more threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from bot.core import Core
from bot.observability import Check, Readiness, process_name
from storage import db

DEADLINE_SECONDS = 1.5
router = APIRouter()


class ReadinessProbe:
    """Runs one set of checks at a time on a thread of its own."""

    def __init__(self, core: Core) -> None:
        engine = core.engine
        single = core.settings.escalation.dispatch and not db.is_postgres(engine)
        self.readiness = Readiness(engine, core.settings.database.url, single_dispatcher=single)
        self._running: asyncio.Future[list[Check]] | None = None

    async def run(self, worker: str | None) -> list[Check]:
        """Returns the checks, or a database timeout when they take longer than the deadline."""
        if self._running is None or self._running.done():
            self._running = self._start(worker)
        try:
            return await asyncio.wait_for(asyncio.shield(self._running), DEADLINE_SECONDS)
        except TimeoutError:
            return [Check("database", False, "no answer within the deadline")]

    def _start(self, worker: str | None) -> asyncio.Future[list[Check]]:
        """Runs the checks on a daemon thread: one hung on the database never holds up exit."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Check]] = loop.create_future()

        def settle(checks: list[Check] | None, error: BaseException | None) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(checks or [])

        def run() -> None:
            checks, error = None, None
            try:
                checks = self.readiness.checks(worker)
            except Exception as failure:  # handed to the waiting request
                error = failure
            with contextlib.suppress(RuntimeError):  # the app stopped meanwhile
                loop.call_soon_threadsafe(settle, checks, error)

        threading.Thread(target=run, name="readyz", daemon=True).start()
        return future


def expected_worker(app: FastAPI) -> str | None:
    """Names the process whose heartbeat this instance needs: its worker, or itself."""
    link = app.state.worker
    if link is not None:
        process = link.process
        return process_name(process.pid) if process is not None else "no worker started"
    if getattr(app.state, "runs_background", False):
        return process_name()
    return None


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Returns each check; 200 when all pass, else 503 with the failing ones named."""
    probe: ReadinessProbe = request.app.state.readiness
    checks = await probe.run(expected_worker(request.app))
    body = {
        "status": "ready" if all(c.ok for c in checks) else "not ready",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        "failing": [c.name for c in checks if not c.ok],
    }
    return JSONResponse(body, status_code=200 if not body["failing"] else 503)


def register(core: Core, app: FastAPI) -> ReadinessProbe:
    """Adds /readyz; returns its probe."""
    probe = ReadinessProbe(core)
    app.state.readiness = probe
    app.include_router(router)
    return probe
