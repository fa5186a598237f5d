"""Fixtures for the Telegram channel: the fake Bot API on loopback, the app, simulated reporters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fakebot import FakeBotAPI, FakeServer
from tg_harness import FILES, Harness, webhook_settings

from bot.settings import Settings, TelegramDriver
from storage.migrate import upgrade


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    """Yields a fake Bot API served on 127.0.0.1, with the corpus files downloadable."""
    api = FakeBotAPI()
    for file_id, data in FILES.items():
        api.add_file(file_id, data)
    api.add_file("BQACAgUAAxkBAAIBlarge", b"", size=26214400)
    with FakeServer(api) as server:
        api.base_url = server.base_url
        yield api


@pytest.fixture
def settings(tmp_path: Path, fake: FakeBotAPI, driver: TelegramDriver) -> Settings:
    """Returns settings for a webhook-mode app on a fresh SQLite file, pointed at the fake."""
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    return webhook_settings(url, tmp_path, fake, driver)


@pytest.fixture
async def harness(settings: Settings, fake: FakeBotAPI) -> AsyncIterator[Harness]:
    """Yields a started app (no background tasks: tests settle explicitly)."""
    running = Harness(settings, fake)
    await running.start()
    yield running
    if running.app is not None:
        await running.stop()
