"""Fixtures of the instance tests: the fake Bot API and the caseworkers' webhook receiver."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from fakebot import FakeBotAPI, served_fake
from processes import Hook, served_hook


@pytest.fixture
def bot_api() -> Iterator[FakeBotAPI]:
    """Yields a fake Bot API on loopback."""
    with served_fake() as api:
        yield api


@pytest.fixture
def hook() -> Iterator[tuple[Hook, str]]:
    """Yields the caseworkers' webhook receiver and its URL."""
    with served_hook() as served:
        yield served


@pytest.fixture
def user_ids() -> Iterator[int]:
    """Yields Telegram user ids no other test uses."""
    return itertools.count(810_000_001)
