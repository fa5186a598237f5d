"""aiogram's part of the driver (TELEGRAM_DRIVER=aiogram): its Bot over aiohttp, types, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update

DOWNLOAD_SECONDS = 60


class AiogramLibrary:
    """The Library (see handlers.telegram.drivers) of aiogram."""

    name = "aiogram"
    errors: tuple[type[Exception], ...] = (TimeoutError, AiogramError, aiohttp.ClientError)
    statuses: tuple[tuple[type[Exception], int], ...] = (
        (TelegramRetryAfter, 429),
        (TelegramForbiddenError, 403),
        (TelegramBadRequest, 400),
    )
    button: Callable[..., Any] = InlineKeyboardButton
    keyboard: Callable[..., Any] = InlineKeyboardMarkup
    entity: Callable[..., Any] = MessageEntity
    poll_timeout = "request_timeout"

    def __init__(self, token: str, base_url: str) -> None:
        self._token = token
        session = AiohttpSession(api=TelegramAPIServer.from_base(base_url), limit=64)
        session.timeout = 15
        self.bot = Bot(token, session=session)

    def update(self, data: Any) -> Update:
        """Returns the Update aiogram's pydantic models validate from decoded JSON."""
        return Update.model_validate(data, context={"bot": self.bot})

    def as_dict(self, found: Any) -> dict[str, Any]:
        """Returns an aiogram object as Bot API JSON."""
        return dict(found.model_dump(mode="json", exclude_none=True, by_alias=True))

    def reason(self, error: Exception) -> str:
        """Returns aiogram's message of an API error, the type of any other."""
        return error.message if isinstance(error, TelegramAPIError) else type(error).__name__

    def retry_after(self, error: Exception) -> float | None:
        """Returns the seconds a TelegramRetryAfter asks to wait."""
        return float(error.retry_after) if isinstance(error, TelegramRetryAfter) else None

    async def fetch(self, found: Any, max_bytes: int) -> bytes | None:
        """Streams a file getFile found, giving up once it passes max_bytes."""
        url = self.bot.session.api.file_url(self._token, found.file_path)
        data = bytearray()
        async for chunk in self.bot.session.stream_content(url, timeout=DOWNLOAD_SECONDS):
            data += chunk
            if len(data) > max_bytes:
                return None
        return bytes(data)

    async def close(self) -> None:
        """Closes aiogram's aiohttp session."""
        await self.bot.session.close()
