"""The FastAPI app, composition root: wires the bot core, the channels and the routes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping

from fastapi import FastAPI

from bot.core import Core, build_core
from bot.delivery import Sender
from bot.envelopes import Channel
from bot.settings import Settings
from handlers import escalation_routes, health, telegram, web, whatsapp


def register_channels(core: Core, app: FastAPI) -> None:
    """Lets every channel module add its sender, translator, routes and background tasks."""
    web.register(core, app)
    whatsapp.register(core, app)
    telegram.register(core, app)
    escalation_routes.register(core, app)
    # Each channel module registers itself here, and only when it is configured.


def create_app(
    settings: Settings | None = None,
    *,
    senders: Mapping[Channel, Sender] | None = None,
    background: bool = True,
) -> FastAPI:
    """Returns the app; `background` runs the dispatcher, the ticker and channel tasks."""
    settings = settings or Settings()
    core = build_core(settings, {}, {})

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks: list[asyncio.Task[None]] = []
        if background:
            tasks.append(asyncio.create_task(core.dispatcher.run()))
            tasks.extend(asyncio.create_task(start()) for start in core.background)
            core.ticker.start()
            await core.inbox.process_pending(grace_seconds=0)
        try:
            yield
        finally:
            core.ticker.stop()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for stop in core.on_stop:
                await stop()
            core.engine.dispose()

    app = FastAPI(title="Suara", version="0.1.0", lifespan=lifespan)
    app.state.core = core
    app.include_router(health.router)
    register_channels(core, app)
    core.dispatcher.senders.update(senders or {})
    return app


def core_of(app: FastAPI) -> Core:
    """Returns the bot core an app was built with."""
    core: Core = app.state.core
    return core
