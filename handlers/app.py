"""The FastAPI app, composition root: wires the bot core, the channels and the routes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping

from fastapi import FastAPI

from bot.core import Core, build_core
from bot.delivery import Sender
from bot.envelopes import Channel
from bot.inbox import Translator
from bot.settings import Settings
from handlers import health, web


def channels(settings: Settings) -> tuple[dict[Channel, Sender], dict[Channel, Translator]]:
    """Returns the senders and translators of every configured channel."""
    senders: dict[Channel, Sender] = {Channel.WEB: web.WebSender()}
    translators: dict[Channel, Translator] = {Channel.WEB: web.translate}
    return senders, translators


def create_app(
    settings: Settings | None = None,
    *,
    senders: Mapping[Channel, Sender] | None = None,
    background: bool = True,
) -> FastAPI:
    """Returns the app; `background` runs the dispatcher and the ticker (tests may drive them)."""
    settings = settings or Settings()
    default_senders, translators = channels(settings)
    core = build_core(settings, {**default_senders, **(senders or {})}, translators)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks: list[asyncio.Task[None]] = []
        if background:
            tasks.append(asyncio.create_task(core.dispatcher.run()))
            core.ticker.start()
            await core.inbox.process_pending(grace_seconds=0)
        try:
            yield
        finally:
            core.ticker.stop()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            core.engine.dispose()

    app = FastAPI(title="Suara", version="0.1.0", lifespan=lifespan)
    app.state.core = core
    app.include_router(health.router)
    if settings.demo:
        app.include_router(web.router)
    return app


def core_of(app: FastAPI) -> Core:
    """Returns the bot core an app was built with."""
    core: Core = app.state.core
    return core
