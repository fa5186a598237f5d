"""Fixtures for the operator view: the Telegram app on the fake Bot API, on a fresh SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fakebot import FakeBotAPI, served_fake
from tg_harness import Harness, webhook_settings

from bot.settings import TelegramDriver
from storage.migrate import upgrade


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    """Yields a fake Bot API served on 127.0.0.1."""
    with served_fake() as api:
        yield api


@pytest.fixture
async def harness(tmp_path: Path, fake: FakeBotAPI) -> AsyncIterator[Harness]:
    """Yields a started app (no background tasks: tests settle explicitly)."""
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    running = Harness(webhook_settings(url, tmp_path, fake, TelegramDriver.PTB), fake)
    await running.start()
    yield running
    await running.stop()
