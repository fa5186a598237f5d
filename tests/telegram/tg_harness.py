"""The Telegram test harness: the app on the fake Bot API, simulated reporters, corpus files."""

from __future__ import annotations

import itertools
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
from corpus import Builder
from fakebot import TOKEN, FakeBotAPI
from fastapi import FastAPI
from pydantic import SecretStr
from settings_helpers import make_settings

from bot.core import Core
from bot.settings import Settings, TelegramDriver
from handlers.app import core_of, create_app
from handlers.telegram.processing import Processor

SECRET = "s3cr3t-Webhook_token-0123456789"
FILES = {
    "AgACAgUAAxkBAAIBZ2payslip-x": b"\xff\xd8\xff\xe0 payslip jpeg",
    "AgACAgUAAxkBAAIBalbum1-x": b"\xff\xd8\xff\xe0 album photo one",
    "AgACAgUAAxkBAAIBalbum2-x": b"\xff\xd8\xff\xe0 album photo two",
    "AgACAgUAAxkBAAIBalbum3-x": b"\xff\xd8\xff\xe0 album photo three",
    "AwACAgUAAxkBAAIBvoice": b"OggS voice note",
    "CQACAgUAAxkBAAIBaudio": b"ID3 audio recording",
    "BAACAgUAAxkBAAIBvideo": b"\x00\x00\x00\x18ftypmp42 video",
    "BQACAgUAAxkBAAIBdocument": b"%PDF-1.7 contract",
}
_users = itertools.count(700_000_001)


def webhook_settings(
    url: str, tmp_path: Path, fake: FakeBotAPI, driver: TelegramDriver, **extra: Any
) -> Settings:
    """Returns settings for a webhook-mode app on `url`, pointed at the fake, pacing lifted."""
    values: dict[str, Any] = {
        "database_url": url,
        "file_store": tmp_path / "files",
        "telegram_bot_token": SecretStr(TOKEN),
        "telegram_webhook_secret": SecretStr(SECRET),
        "telegram_api_base_url": fake.base_url,
        "telegram_driver": driver,
        "telegram_webhook_url": "https://suara.example.org/webhooks/telegram",
        "telegram_chat_rate": 1000.0,
        "telegram_chat_burst": 1000,
        "telegram_overall_rate": 1000.0,
    }
    return make_settings(**(values | extra))


class Harness:
    """The app under test, spoken to over ASGI, with the Bot API fake behind it."""

    def __init__(self, settings: Settings, fake: FakeBotAPI) -> None:
        self.settings, self.fake = settings, fake
        self.app: FastAPI | None = None
        self.client: httpx.AsyncClient | None = None
        self._lifespan: AbstractAsyncContextManager[Any] | None = None

    async def start(self, *, background: bool = False) -> None:
        """Builds an app and runs its startup (a restart is stop, then start)."""
        self.app = create_app(self.settings, background=background)
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        transport = httpx.ASGITransport(app=self.app)
        self.client = httpx.AsyncClient(transport=transport, base_url="http://suara.test")

    async def stop(self) -> None:
        """Runs the app's shutdown."""
        assert self.client is not None
        assert self._lifespan is not None
        await self.client.aclose()
        await self._lifespan.__aexit__(None, None, None)
        self.app = self.client = self._lifespan = None

    @property
    def core(self) -> Core:
        """Returns the running app's bot core."""
        assert self.app is not None
        return core_of(self.app)

    @property
    def processor(self) -> Processor:
        """Returns the running app's Telegram processor."""
        assert self.app is not None
        processor: Processor = self.app.state.telegram
        return processor

    async def post(
        self, update: dict[str, Any] | bytes, *, secret: str | bytes | None = SECRET
    ) -> httpx.Response:
        """Posts an update to the webhook like Telegram does."""
        assert self.client is not None
        body = (
            update if isinstance(update, bytes) else httpx.Request("POST", "/", json=update).read()
        )
        headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return await self.client.post("/webhooks/telegram", content=body, headers=headers)

    async def settle(self) -> None:
        """Waits until every posted update is processed and every reply sent."""
        for _ in range(50):
            await self.processor.join()
            sent = await self.core.dispatcher.drain()
            if not sent and not self.processor.tasks:
                return
        raise AssertionError("the app did not settle")

    def reporter(self, language: str = "id") -> Reporter:
        """Returns a new simulated reporter."""
        return Reporter(self, next(_users), language)


class Reporter:
    """One person on Telegram: sends updates, remembers the messages the bot sent them."""

    def __init__(self, harness: Harness, user_id: int, language: str) -> None:
        self.harness, self.user_id = harness, user_id
        self.build = Builder(user_id, language)
        self.seen = 0
        self.last_message_id = 0

    @property
    def fake(self) -> FakeBotAPI:
        return self.harness.fake

    async def do(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """Posts one update, waits for its effects, returns the messages it led to."""
        response = await self.harness.post(update)
        assert response.status_code == 200
        if "message" in update:
            self.last_message_id = update["message"]["message_id"]
        await self.harness.settle()
        return self.new()

    def new(self) -> list[dict[str, Any]]:
        """Returns the messages sent to this reporter since the last look."""
        sent = self.fake.sent(self.user_id)
        found, self.seen = sent[self.seen :], len(sent)
        return found

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.do(self.build.text(text))

    async def command(self, text: str) -> list[dict[str, Any]]:
        return await self.do(self.build.command(text))

    async def send(self, name: str, **fields: Any) -> list[dict[str, Any]]:
        return await self.do(self.build.message(name, **fields))

    async def press(self, data: str) -> list[dict[str, Any]]:
        """Presses a button on the newest message that shows it."""
        return await self.do(self.build.press(data, self.shown(data)))

    def shown(self, data: str) -> dict[str, Any]:
        """Returns the newest sent message (as Telegram returned it) with a button `data`."""
        return self.fake.showing(self.user_id, data)
