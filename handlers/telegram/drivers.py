"""The one narrow interface both Telegram drivers (python-telegram-bot, aiogram) implement."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from bot.settings import Settings, TelegramDriver
from handlers.telegram.updates import Entity, Keyboard, TgUpdate

QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "aiogram", "aiohttp")
"""Libraries that log request URLs (with the token) or message text below WARNING."""


class Driver(Protocol):
    """What Suara needs from a Telegram library, and nothing more."""

    name: str

    def parse(self, body: bytes) -> TgUpdate:
        """Returns the update a webhook or getUpdates body holds; raises BadUpdate."""
        ...

    async def send_message(
        self, chat_id: int, text: str, *, keyboard: Keyboard = (), entities: Sequence[Entity] = ()
    ) -> int:
        """Sends a plain-text message (with an inline keyboard); returns its message id."""
        ...

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        """Stops the client's progress indicator after a button press (with a short notice)."""
        ...

    async def edit_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        keyboard: Keyboard = (),
        entities: Sequence[Entity] = (),
    ) -> None:
        """Replaces a message's text and inline keyboard (an empty one removes it)."""
        ...

    async def edit_keyboard(self, chat_id: int, message_id: int, keyboard: Keyboard) -> None:
        """Replaces a message's inline keyboard (an empty one removes it)."""
        ...

    async def download(self, file_id: str, max_bytes: int) -> bytes | None:
        """Returns a file's bytes via getFile, or None when it is larger than max_bytes."""
        ...

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        """Deletes a message the bot sent."""
        ...

    async def delete_messages(self, chat_id: int, message_ids: Sequence[int]) -> None:
        """Deletes up to 100 messages of a chat at once (ids not found are skipped)."""
        ...

    async def get_updates(self, offset: int | None, wait_seconds: int) -> list[bytes]:
        """Long-polls for updates; returns each as a JSON body like a webhook's."""
        ...

    async def set_webhook(self, url: str, secret: str, max_connections: int) -> None:
        """Points Telegram at Suara's webhook, with the secret and the update types it handles."""
        ...

    async def delete_webhook(self) -> None:
        """Removes the webhook (long polling needs that)."""
        ...

    async def webhook_info(self) -> dict[str, Any]:
        """Returns getWebhookInfo's fields."""
        ...

    async def close(self) -> None:
        """Closes the HTTP client."""
        ...


def quiet_libraries() -> None:
    """Keeps library loggers from printing URLs (which hold the token) or message text."""
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


def make_driver(settings: Settings) -> Driver:
    """Returns the driver TELEGRAM_DRIVER names, talking to TELEGRAM_API_BASE_URL."""
    assert settings.telegram_bot_token is not None, "no TELEGRAM_BOT_TOKEN"
    quiet_libraries()
    token = settings.telegram_bot_token.get_secret_value()
    base = settings.telegram_api_base_url.rstrip("/")
    if settings.telegram_driver is TelegramDriver.AIOGRAM:
        from handlers.telegram.aiogram_driver import AiogramDriver

        return AiogramDriver(token, base)
    from handlers.telegram.ptb import PtbDriver

    return PtbDriver(token, base)
