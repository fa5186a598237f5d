"""The aiogram driver (TELEGRAM_DRIVER=aiogram): aiogram's Bot over aiohttp, parser and client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
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

from handlers.telegram.convert import from_update
from handlers.telegram.updates import (
    ALLOWED_UPDATES,
    BadUpdate,
    Entity,
    Keyboard,
    TgError,
    TgUpdate,
    redact,
)


class AiogramDriver:
    """Talks to the Bot API through aiogram."""

    name = "aiogram"

    def __init__(self, token: str, base_url: str) -> None:
        self._token = token
        session = AiohttpSession(api=TelegramAPIServer.from_base(base_url), limit=64)
        session.timeout = 15
        self.bot = Bot(token, session=session)

    def parse(self, body: bytes) -> TgUpdate:
        """Returns the update in a body, validated by aiogram's pydantic models."""
        try:
            update = Update.model_validate(json.loads(body), context={"bot": self.bot})
            return from_update(update)
        except BadUpdate:
            raise
        except Exception as error:  # pydantic's ValidationError, JSON errors, missing fields
            raise BadUpdate(type(error).__name__) from None

    @asynccontextmanager
    async def _call(self, method: str) -> AsyncIterator[None]:
        try:
            yield
        except TelegramRetryAfter as error:
            raise TgError(f"{method}: 429", status=429, retry_after=error.retry_after) from None
        except TelegramForbiddenError as error:
            raise TgError(f"{method}: {self._clean(error)}", status=403) from None
        except TelegramBadRequest as error:
            raise TgError(f"{method}: {self._clean(error)}", status=400) from None
        except (TimeoutError, AiogramError, aiohttp.ClientError) as error:
            raise TgError(f"{method}: {self._clean(error)}") from None

    def _clean(self, error: Exception) -> str:
        text = error.message if isinstance(error, TelegramAPIError) else type(error).__name__
        return redact(text, self._token)

    async def send_message(
        self, chat_id: int, text: str, *, keyboard: Keyboard = (), entities: Sequence[Entity] = ()
    ) -> int:
        """Sends a plain-text message; returns its message id."""
        async with self._call("sendMessage"):
            sent = await self.bot.send_message(
                chat_id,
                text,
                reply_markup=_markup(keyboard) if keyboard else None,
                entities=[
                    MessageEntity(type=e.type, offset=e.offset, length=e.length) for e in entities
                ]
                or None,
            )
        return sent.message_id

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        """Answers a button press, with a short notice when text is given."""
        async with self._call("answerCallbackQuery"):
            await self.bot.answer_callback_query(callback_id, text=text)

    async def edit_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        keyboard: Keyboard = (),
        entities: Sequence[Entity] = (),
    ) -> None:
        """Replaces a message's text and keyboard."""
        async with self._call("editMessageText"):
            await self.bot.edit_message_text(
                text=text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=_markup(keyboard) if keyboard else None,
                entities=[
                    MessageEntity(type=e.type, offset=e.offset, length=e.length) for e in entities
                ]
                or None,
            )

    async def edit_keyboard(self, chat_id: int, message_id: int, keyboard: Keyboard) -> None:
        """Replaces or removes a message's inline keyboard."""
        async with self._call("editMessageReplyMarkup"):
            await self.bot.edit_message_reply_markup(
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=_markup(keyboard) if keyboard else None,
            )

    async def download(self, file_id: str, max_bytes: int) -> bytes | None:
        """Returns a file's bytes, or None when it is too large to fetch."""
        async with self._call("getFile"):
            try:
                found = await self.bot.get_file(file_id)
            except TelegramBadRequest as error:
                if "too big" in error.message.lower():
                    return None
                raise
            if (found.file_size or 0) > max_bytes:
                return None
            if not found.file_path:
                raise TgError("getFile: no file path")
            url = self.bot.session.api.file_url(self._token, found.file_path)
            data = bytearray()
            async for chunk in self.bot.session.stream_content(url, timeout=60):
                data += chunk
                if len(data) > max_bytes:
                    return None
        return bytes(data)

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        """Deletes a message the bot sent."""
        async with self._call("deleteMessage"):
            await self.bot.delete_message(chat_id, message_id)

    async def delete_messages(self, chat_id: int, message_ids: Sequence[int]) -> None:
        """Deletes up to 100 messages of a chat at once (ids not found are skipped)."""
        async with self._call("deleteMessages"):
            await self.bot.delete_messages(chat_id=chat_id, message_ids=list(message_ids))

    async def get_updates(self, offset: int | None, wait_seconds: int) -> list[bytes]:
        """Long-polls; returns each update as JSON bytes."""
        async with self._call("getUpdates"):
            found = await self.bot.get_updates(
                offset=offset,
                timeout=wait_seconds,
                allowed_updates=list(ALLOWED_UPDATES),
                request_timeout=wait_seconds + 15,
            )
        return [u.model_dump_json(exclude_none=True, by_alias=True).encode("utf-8") for u in found]

    async def set_webhook(self, url: str, secret: str, max_connections: int) -> None:
        """Sets the webhook with the secret and Suara's update types."""
        async with self._call("setWebhook"):
            await self.bot.set_webhook(
                url,
                secret_token=secret,
                allowed_updates=list(ALLOWED_UPDATES),
                max_connections=max_connections,
            )

    async def delete_webhook(self) -> None:
        """Removes the webhook, keeping pending updates."""
        async with self._call("deleteWebhook"):
            await self.bot.delete_webhook(drop_pending_updates=False)

    async def webhook_info(self) -> dict[str, Any]:
        """Returns getWebhookInfo's fields."""
        async with self._call("getWebhookInfo"):
            info = await self.bot.get_webhook_info()
        return info.model_dump(mode="json", exclude_none=True)

    async def close(self) -> None:
        """Closes aiogram's aiohttp session."""
        await self.bot.session.close()


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row]
            for row in keyboard
        ]
    )
