"""python-telegram-bot's part of the driver (the default): its Bot over httpx, types and errors."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB's documented opt-in: no deprecation warnings

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.request import HTTPXRequest


class PtbLibrary:
    """The Library (see handlers.telegram.drivers) of python-telegram-bot."""

    name = "ptb"
    errors: tuple[type[Exception], ...] = (TelegramError,)
    statuses: tuple[tuple[type[Exception], int], ...] = (
        (RetryAfter, 429),
        (Forbidden, 403),
        (BadRequest, 400),
    )
    button: Callable[..., Any] = InlineKeyboardButton
    keyboard: Callable[..., Any] = InlineKeyboardMarkup
    entity: Callable[..., Any] = MessageEntity
    poll_timeout = "read_timeout"

    def __init__(self, token: str, base_url: str) -> None:
        self._requests = (
            HTTPXRequest(connection_pool_size=64, read_timeout=15.0, pool_timeout=15.0),
            HTTPXRequest(connection_pool_size=2, read_timeout=60.0, pool_timeout=15.0),
        )
        self.bot = Bot(
            token,
            base_url=f"{base_url}/bot",
            base_file_url=f"{base_url}/file/bot",
            request=self._requests[0],
            get_updates_request=self._requests[1],
        )

    def update(self, data: Any) -> Update:
        """Returns the Update PTB reads from decoded JSON."""
        return Update.de_json(data, self.bot)

    def as_dict(self, found: Any) -> dict[str, Any]:
        """Returns a PTB object as Bot API JSON."""
        return dict(found.to_dict())

    def reason(self, error: Exception) -> str:
        """Returns PTB's message of an error."""
        return error.message if isinstance(error, TelegramError) else type(error).__name__

    def retry_after(self, error: Exception) -> float | None:
        """Returns the seconds a RetryAfter asks to wait."""
        if not isinstance(error, RetryAfter):
            return None
        return error._retry_after.total_seconds()  # a timedelta whatever PTB_TIMEDELTA says

    async def fetch(self, found: Any, max_bytes: int) -> bytes | None:
        """Downloads a File PTB's getFile returned (PTB reads it whole)."""
        return bytes(await found.download_as_bytearray())

    async def close(self) -> None:
        """Closes PTB's HTTP clients."""
        for request in self._requests:
            await request.shutdown()
