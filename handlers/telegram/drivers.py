"""The one Telegram driver: every Bot API call made once, over a small adapter per library.

The library is loaded on the driver's first call, so a process that never calls Telegram (the
web process of `suara serve`, which only records updates) never imports one, and a process
that does imports only the library TELEGRAM_DRIVER names.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import Any, Protocol

from bot.settings import Settings, TelegramDriver
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

QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "aiogram", "aiohttp")
"""Libraries that log request URLs (with the token) or message text below WARNING."""
POLL_MARGIN = 15
"""Seconds a getUpdates request may take beyond its long-poll wait."""


class Library(Protocol):
    """What really differs between python-telegram-bot and aiogram; the Driver does the rest."""

    name: str
    bot: Any
    """The library's Bot: both name Bot API methods and parameters as the Bot API does."""
    errors: tuple[type[Exception], ...]
    """What a call may raise: the library's errors and its HTTP client's."""
    statuses: tuple[tuple[type[Exception], int], ...]
    """The library's errors for Bot API statuses, the most specific first."""
    button: Callable[..., Any]
    keyboard: Callable[..., Any]
    entity: Callable[..., Any]
    """The library's InlineKeyboardButton, InlineKeyboardMarkup and MessageEntity."""
    poll_timeout: str
    """The keyword that sets getUpdates' request timeout."""

    def update(self, data: Any) -> Any:
        """Returns the library's validated Update of decoded JSON."""
        ...

    def as_dict(self, found: Any) -> dict[str, Any]:
        """Returns a library object (an Update, a WebhookInfo) as Bot API JSON."""
        ...

    def reason(self, error: Exception) -> str:
        """Returns what an error says (which may hold the token)."""
        ...

    def retry_after(self, error: Exception) -> float | None:
        """Returns the seconds a flood-control error asks to wait (None for other errors)."""
        ...

    async def fetch(self, found: Any, max_bytes: int) -> bytes | None:
        """Returns the bytes of a file getFile found, or None once they pass max_bytes."""
        ...

    async def close(self) -> None:
        """Closes the library's HTTP clients."""
        ...


class Driver:
    """What Suara needs from Telegram, and nothing more, whichever library makes the calls."""

    def __init__(self, load: Callable[[], Library], token: str, name: str) -> None:
        self._load, self._token, self.name = load, token, name

    @cached_property
    def library(self) -> Library:
        """Returns the library's adapter, loading the library on first use."""
        return self._load()

    @property
    def bot(self) -> Any:
        """Returns the library's Bot."""
        return self.library.bot

    def parse(self, body: bytes) -> TgUpdate:
        """Returns the update a webhook or getUpdates body holds; raises BadUpdate."""
        try:
            return from_update(self.library.update(json.loads(body)))
        except BadUpdate:
            raise
        except Exception as error:  # KeyError, TypeError, pydantic's ValidationError, bad JSON...
            raise BadUpdate(type(error).__name__) from None

    @contextmanager
    def _call(self, method: str) -> Iterator[None]:
        """Turns the library's errors into TgError, with the token blanked out."""
        try:
            yield
        except self.library.errors as error:
            status = next((s for kind, s in self.library.statuses if isinstance(error, kind)), None)
            if status == 429:
                seconds = self.library.retry_after(error)
                raise TgError(f"{method}: 429", status=429, retry_after=seconds) from None
            reason = redact(self.library.reason(error), self._token)
            raise TgError(f"{method}: {reason}", status=status) from None

    def _markup(self, keys: Keyboard) -> Any:
        """Returns the library's inline keyboard (None: no keyboard, or remove it)."""
        if not keys:
            return None
        make = self.library.button
        rows = [[make(text=k.label, callback_data=k.data) for k in row] for row in keys]
        return self.library.keyboard(inline_keyboard=rows)

    def _entities(self, entities: Sequence[Entity]) -> list[Any] | None:
        make = self.library.entity
        return [make(type=e.type, offset=e.offset, length=e.length) for e in entities] or None

    async def send_message(
        self, chat_id: int, text: str, *, keyboard: Keyboard = (), entities: Sequence[Entity] = ()
    ) -> int:
        """Sends a plain-text message (with an inline keyboard); returns its message id."""
        with self._call("sendMessage"):
            sent = await self.bot.send_message(
                chat_id=chat_id,
                text=text,
                reply_markup=self._markup(keyboard),
                entities=self._entities(entities),
            )
        return int(sent.message_id)

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        """Stops the client's progress indicator after a button press (with a short notice)."""
        with self._call("answerCallbackQuery"):
            await self.bot.answer_callback_query(callback_query_id=callback_id, text=text)

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
        with self._call("editMessageText"):
            await self.bot.edit_message_text(
                text=text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=self._markup(keyboard),
                entities=self._entities(entities),
            )

    async def edit_keyboard(self, chat_id: int, message_id: int, keyboard: Keyboard) -> None:
        """Replaces a message's inline keyboard (an empty one removes it)."""
        with self._call("editMessageReplyMarkup"):
            await self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=self._markup(keyboard)
            )

    async def download(self, file_id: str, max_bytes: int) -> bytes | None:
        """Returns a file's bytes via getFile, or None when it is larger than max_bytes."""
        try:
            with self._call("getFile"):
                found = await self.bot.get_file(file_id=file_id)
        except TgError as error:
            if error.status == 400 and "too big" in error.reason.lower():
                return None
            raise
        if (found.file_size or 0) > max_bytes:
            return None
        if not found.file_path:
            raise TgError("getFile: no file path")
        with self._call("getFile"):
            data = await self.library.fetch(found, max_bytes)
        return None if data is None or len(data) > max_bytes else data

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        """Deletes a message the bot sent."""
        with self._call("deleteMessage"):
            await self.bot.delete_message(chat_id=chat_id, message_id=message_id)

    async def delete_messages(self, chat_id: int, message_ids: Sequence[int]) -> None:
        """Deletes up to 100 messages of a chat at once (ids not found are skipped)."""
        with self._call("deleteMessages"):
            await self.bot.delete_messages(chat_id=chat_id, message_ids=list(message_ids))

    async def get_updates(self, offset: int | None, wait_seconds: int) -> list[bytes]:
        """Long-polls for updates; returns each as a JSON body like a webhook's."""
        timeout = {self.library.poll_timeout: wait_seconds + POLL_MARGIN}
        with self._call("getUpdates"):
            found = await self.bot.get_updates(
                offset=offset,
                timeout=wait_seconds,
                allowed_updates=list(ALLOWED_UPDATES),
                **timeout,
            )
        as_json = (json.dumps(self.library.as_dict(u), ensure_ascii=False) for u in found)
        return [body.encode("utf-8") for body in as_json]

    async def set_webhook(self, url: str, secret: str, max_connections: int) -> None:
        """Points Telegram at Suara's webhook, with the secret and the update types it handles."""
        with self._call("setWebhook"):
            await self.bot.set_webhook(
                url=url,
                secret_token=secret,
                allowed_updates=list(ALLOWED_UPDATES),
                max_connections=max_connections,
            )

    async def delete_webhook(self) -> None:
        """Removes the webhook (long polling needs that), keeping pending updates."""
        with self._call("deleteWebhook"):
            await self.bot.delete_webhook(drop_pending_updates=False)

    async def webhook_info(self) -> dict[str, Any]:
        """Returns getWebhookInfo's fields."""
        with self._call("getWebhookInfo"):
            info = await self.bot.get_webhook_info()
        return self.library.as_dict(info)

    async def close(self) -> None:
        """Closes the HTTP client (a library never loaded has none to close)."""
        if "library" in self.__dict__:
            await self.library.close()


def quiet_libraries() -> None:
    """Keeps library loggers from printing URLs (which hold the token) or message text."""
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


def make_driver(settings: Settings) -> Driver:
    """Returns the driver TELEGRAM_DRIVER names, talking to TELEGRAM_API_BASE_URL."""
    assert settings.telegram.bot_token is not None, "no TELEGRAM_BOT_TOKEN"
    quiet_libraries()
    token = settings.telegram.bot_token.get_secret_value()
    base = settings.telegram.api_base_url.rstrip("/")
    choice = settings.telegram.driver

    def load() -> Library:
        if choice is TelegramDriver.AIOGRAM:
            from handlers.telegram.aiogram_driver import AiogramLibrary

            return AiogramLibrary(token, base)
        from handlers.telegram.ptb import PtbLibrary

        return PtbLibrary(token, base)

    return Driver(load, token, choice.value)
