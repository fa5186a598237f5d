"""The FastAPI app, composition root: wires the bot core, the channels and the routes."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Mapping
from enum import StrEnum

from fastapi import FastAPI

from bot.core import Core, build_core
from bot.envelopes import Channel
from bot.observability import keep_beating
from bot.runtime.sending import Sender
from bot.settings import Settings
from handlers import console, health, metrics, readiness, telegram, whatsapp
from handlers.demo import web
from handlers.handoff import routes as escalation_routes
from handlers.unavailable import Outage
from handlers.worker.link import WorkerLink


def register_channels(core: Core, app: FastAPI) -> None:
    """Lets every channel module add its sender, translator, routes and background tasks."""
    web.register(core, app)
    whatsapp.register(core, app)
    telegram.register(core, app)
    handoff = escalation_routes.register(core, app)
    console.register(core, app, handoff)
    # Each channel module registers itself here, and only when it is configured.


class Role(StrEnum):
    """What a process built from this app does."""

    ALL = "all"
    """Takes webhooks in and runs everything else too (tests, the demo)."""
    INTAKE = "intake"
    """Takes webhooks in and starts a worker process for the rest (WORKER_PROCESS)."""
    WORKER = "worker"
    """Runs turns, senders, timers and escalations for an intake process; no HTTP."""


def create_app(
    settings: Settings | None = None,
    *,
    senders: Mapping[Channel, Sender] | None = None,
    background: bool = True,
    role: Role | None = None,
) -> FastAPI:
    """Returns the app; `background` runs the dispatcher, the ticker and channel tasks."""
    settings = settings or Settings()
    role = role or (Role.INTAKE if settings.worker.process else Role.ALL)
    core = build_core(settings, {}, {}, worker=role is Role.WORKER)
    link = WorkerLink() if role is Role.INTAKE and background else None
    if link is not None:
        core.inbox.hand_off, core.dispatcher.forward = link.wake_inbox, link.wake_outbox

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks: list[asyncio.Task[None]] = []
        turns_here = background and role is not Role.INTAKE
        if turns_here:
            core.keeper.start()
            tasks.append(asyncio.create_task(core.dispatcher.run()))
            tasks.extend(asyncio.create_task(start()) for start in core.background)
            tasks.append(asyncio.create_task(keep_beating(core.engine)))
            core.ticker.start()
        if background and role is Role.ALL:
            await core.inbox.process_pending(grace_seconds=0)
        if link is not None:
            await link.start()
        stop_listener = metrics.start_listener(core) if role is not Role.WORKER else None
        gc.freeze()  # what startup built lives on: full collections skip it (no 70 ms pauses)
        try:
            yield
        finally:
            if stop_listener is not None:
                stop_listener()
            if link is not None:
                await link.stop()
            core.ticker.stop()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for stop in core.on_stop:
                await stop()
            await core.inbox.turns.aclose()
            await core.dispatcher.aclose()
            if turns_here:  # after the work in hand: what is left goes to a successor at once
                await core.keeper.stop()
            core.engine.dispose()

    app = FastAPI(title="Suara", version="0.1.0", lifespan=lifespan)
    app.state.core = core
    app.state.worker = link
    app.state.outage = Outage()
    app.include_router(health.router)
    readiness.register(core, app)
    app.state.runs_background = background and role is Role.ALL
    metrics.register(core, app)
    register_channels(core, app)
    core.dispatcher.senders.update(senders or {})
    return app


def core_of(app: FastAPI) -> Core:
    """Returns the bot core an app was built with."""
    core: Core = app.state.core
    return core
