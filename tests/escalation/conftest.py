"""Fixtures for the hand-off tests: a fake clock, loopback receivers started on demand, and the
Telegram app with caseworker groups behind the fake Bot API (once per driver)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from esc_helpers import Clock
from esc_receiver import Receiver
from fakebot import FakeBotAPI, served_fake
from group_alert_helpers import GroupApp, settings_for

from bot.settings import TelegramDriver
from escalation.delivery.signing import new_secret
from storage.migrate import upgrade


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime.now(dt.UTC))


@pytest.fixture
def receivers() -> Iterator[Callable[..., Receiver]]:
    """Starts receivers on demand; stops them all after the test."""
    started: list[Receiver] = []

    def start(default: str = "ok") -> Receiver:
        receiver = Receiver(secret=new_secret(), default=default).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    """Yields a fake Bot API served on 127.0.0.1."""
    with served_fake() as api:
        yield api


@pytest.fixture
async def group_app(
    tmp_path: Path, fake: FakeBotAPI, driver: TelegramDriver, database_url: str
) -> AsyncIterator[GroupApp]:
    """Yields a started app whose offices have caseworker groups (tests settle explicitly)."""
    upgrade(database_url)
    running = GroupApp(settings_for(tmp_path, fake, driver, database_url), fake)
    await running.start()
    yield running
    await running.stop()
