"""The python-telegram-bot driver (the default): PTB's Bot over httpx, used as parser and client."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB's documented opt-in: no deprecation warnings

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

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


class PtbDriver:
    """Talks to the Bot API through python-telegram-bot."""

    name = "ptb"

    def __init__(self, token: str, base_url: str) -> None:
        self._token = token
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

    def parse(self, body: bytes) -> TgUpdate:
        """Returns the update in a body, validated by PTB."""
        try:
            return from_update(Update.de_json(json.loads(body), self.bot))
        except BadUpdate:
            raise
        except Exception as error:  # PTB raises KeyError, TypeError... on malformed updates
            raise BadUpdate(type(error).__name__) from None

    @asynccontextmanager
    async def _call(self, method: str) -> AsyncIterator[None]:
        try:
            yield
        except RetryAfter as error:
            seconds = error._retry_after.total_seconds()  # a timedelta whatever PTB_TIMEDELTA says
            raise TgError(f"{method}: 429", status=429, retry_after=seconds) from None
        except Forbidden as error:
            raise TgError(f"{method}: {redact(error.message, self._token)}", status=403) from None
        except BadRequest as error:
            raise TgError(f"{method}: {redact(error.message, self._token)}", status=400) from None
        except TelegramError as error:
            raise TgError(f"{method}: {redact(error.message, self._token)}") from None

    async def send_message(
        self, chat_id: int, text: str, *, keyboard: Keyboard = (), entities: Sequence[Entity] = ()
    ) -> int:
        """Sends a plain-text message; returns its message id."""
        async with self._call("sendMessage"):
            sent = await self.bot.send_message(
                chat_id,
                text,
                reply_markup=_markup(keyboard) if keyboard else None,
                entities=[MessageEntity(e.type, e.offset, e.length) for e in entities] or None,
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
                text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=_markup(keyboard) if keyboard else None,
                entities=[MessageEntity(e.type, e.offset, e.length) for e in entities] or None,
            )

    async def edit_keyboard(self, chat_id: int, message_id: int, keyboard: Keyboard) -> None:
        """Replaces or removes a message's inline keyboard."""
        async with self._call("editMessageReplyMarkup"):
            await self.bot.edit_message_reply_markup(
                chat_id, message_id, reply_markup=_markup(keyboard) if keyboard else None
            )

    async def download(self, file_id: str, max_bytes: int) -> bytes | None:
        """Returns a file's bytes, or None when it is too large to fetch."""
        async with self._call("getFile"):
            try:
                found = await self.bot.get_file(file_id)
            except BadRequest as error:
                if "too big" in error.message.lower():
                    return None
                raise
            if found.file_size is not None and found.file_size > max_bytes:
                return None
            if not found.file_path:
                raise TgError("getFile: no file path")
            data = bytes(await found.download_as_bytearray())
        return None if len(data) > max_bytes else data

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        """Deletes a message the bot sent."""
        async with self._call("deleteMessage"):
            await self.bot.delete_message(chat_id, message_id)

    async def delete_messages(self, chat_id: int, message_ids: Sequence[int]) -> None:
        """Deletes up to 100 messages of a chat at once (ids not found are skipped)."""
        async with self._call("deleteMessages"):
            await self.bot.delete_messages(chat_id, list(message_ids))

    async def get_updates(self, offset: int | None, wait_seconds: int) -> list[bytes]:
        """Long-polls; returns each update as JSON bytes."""
        async with self._call("getUpdates"):
            found = await self.bot.get_updates(
                offset=offset,
                timeout=wait_seconds,
                allowed_updates=list(ALLOWED_UPDATES),
                read_timeout=wait_seconds + 15,
            )
        return [json.dumps(u.to_dict(), ensure_ascii=False).encode() for u in found]

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
        return dict(info.to_dict())

    async def close(self) -> None:
        """Closes PTB's HTTP clients."""
        for request in self._requests:
            await request.shutdown()


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in keyboard]
    )
