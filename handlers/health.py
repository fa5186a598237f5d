"""GET /healthz: the database answers (503 within DATABASE_RECORD_WAIT_SECONDS when it does not)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from bot.core import Core
from handlers.unavailable import DatabaseDown, outage_of, unavailable, within

router = APIRouter()


class Pinger:
    """Asks the database for SELECT 1 on a thread of its own, one question at a time.

    A silent database holds the asking thread until the connection's own bound; requests that
    come meanwhile wait for the same answer, so health checks never take threads from turns.
    """

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
        self._asking: asyncio.Future[None] | None = None

    async def ping(self, engine: Engine) -> None:
        """Returns once the database answered; raises what asking it raised."""
        if self._asking is None or self._asking.done():
            self._asking = asyncio.wrap_future(self._thread.submit(_select_one, engine))
            self._asking.add_done_callback(_retrieved)
        await asyncio.shield(self._asking)


def _retrieved(asked: asyncio.Future[None]) -> None:
    """Takes a late answer's failure, so that asyncio does not report it as never retrieved."""
    if not asked.cancelled():
        asked.exception()


def _select_one(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def pinger_of(request: Request) -> Pinger:
    """Returns the app's Pinger (one per app: its answers belong to the app's event loop)."""
    state = request.app.state
    if not isinstance(getattr(state, "pinger", None), Pinger):
        state.pinger = Pinger()
    found: Pinger = state.pinger
    return found


@router.get("/healthz", response_model=None)
async def healthz(request: Request) -> Response:
    """Returns ok when the database answers a query in time, else 503 database unavailable."""
    core: Core = request.app.state.core
    wait = core.settings.database.record_wait_seconds
    try:
        await within(pinger_of(request).ping(core.engine), wait, outage_of(request.app), "healthz")
    except DatabaseDown:
        return unavailable()
    return JSONResponse({"status": "ok"})
