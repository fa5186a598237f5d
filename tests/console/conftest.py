"""Fixtures of the console tests: a migrated database, its settings and a console client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from console_apps import client, settings
from fastapi.testclient import TestClient

from bot.settings import Settings
from storage.migrate import upgrade


@pytest.fixture
def config(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "false")
    upgrade(database_url)
    return settings(database_url, tmp_path)


@pytest.fixture
def web(config: Settings) -> Iterator[TestClient]:
    with client(config) as test_client:
        yield test_client
