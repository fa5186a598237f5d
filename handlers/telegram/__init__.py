"""The Telegram channel: webhook or long polling in, paced Bot API calls out, via PTB or aiogram."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from bot.core import Core
from bot.envelopes import Channel
from bot.safety.quick_exit import ChatLedger
from handlers.telegram.drivers import make_driver
from handlers.telegram.ledger import TelegramLedger
from handlers.telegram.pacing import Pacer
from handlers.telegram.polling import Poller
from handlers.telegram.processing import Processor
from handlers.telegram.routes import build_router
from handlers.telegram.sender import TelegramSender
from handlers.telegram.translate import TelegramTranslator
from handlers.unavailable import outage_of
from handlers.webhook_routes import add_webhook_routes

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 5.0
"""How long a stopping app waits for updates in flight (the rest stay pending, never lost)."""


def register(core: Core, app: FastAPI) -> None:
    """Adds the Telegram channel when TELEGRAM_BOT_TOKEN is set; does nothing otherwise."""
    settings = core.settings
    if settings.telegram.bot_token is None:
        return
    driver = make_driver(settings)
    pacer = Pacer(
        per_chat=settings.telegram.chat_rate,
        chat_burst=settings.telegram.chat_burst,
        overall=settings.telegram.overall_rate,
    )
    processor = Processor(core.inbox)
    ledger = TelegramLedger(ChatLedger(core.engine))
    translator = TelegramTranslator(core, driver, ledger=ledger)
    sender = TelegramSender(driver, pacer, ledger)
    core.add_channel(Channel.TELEGRAM, sender, translator)
    core.inbox.schedulers[Channel.TELEGRAM] = processor.submit
    router = build_router(
        processor,
        settings.telegram.webhook_secret,
        outage_of(app),
        settings.database.record_wait_seconds,
    )
    add_webhook_routes(app, router)
    app.state.telegram = processor
    if settings.telegram.webhook_url is None:
        poller = Poller(driver, processor, settings.telegram.poll_timeout)
        core.background.append(poller.run)
    elif settings.telegram.webhook_secret is None:
        log.warning("TELEGRAM_WEBHOOK_SECRET is not set: the webhook refuses every update")

    async def stop() -> None:
        await processor.join(STOP_GRACE_SECONDS)
        await processor.recorder.aclose()
        await ledger.aclose()
        await driver.close()

    core.on_stop.append(stop)
