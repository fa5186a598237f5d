"""Fixtures of the console tests: a migrated database, its settings, a client, Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from console_apps import client, settings
from fastapi.testclient import TestClient

from bot.settings import Settings
from storage.migrate import upgrade

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium: the browser tests never use a downloaded one."""


@pytest.fixture
def config(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "false")
    upgrade(database_url)
    return settings(database_url, tmp_path)


@pytest.fixture
def web(config: Settings) -> Iterator[TestClient]:
    with client(config) as test_client:
        yield test_client


@pytest.fixture
def chromium() -> Path:
    """Returns Debian's Chromium; skips without it, except in CI, where it fails."""
    if not CHROMIUM.exists():
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: refusing to skip)")
        pytest.skip(reason)
    return CHROMIUM
