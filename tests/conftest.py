"""Fixtures shared by the whole test suite: a migrated database on SQLite and PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from schemas import fresh_schema
from sqlalchemy import Engine

from bot.settings import TelegramDriver
from storage import crypto
from storage.db import make_engine
from storage.migrate import upgrade


@pytest.fixture(scope="session", autouse=True)
def encryption_keys() -> Iterator[tuple[str, ...]]:
    """Set the encryption keyring and address key for the whole session (tests restore them)."""
    crypto.use_keys(TEST_KEYS)
    crypto.use_address_key(TEST_ADDRESS_KEY)
    yield TEST_KEYS
    crypto.clear_keys()
    crypto.clear_address_key()


@pytest.fixture(params=[TelegramDriver.PTB, TelegramDriver.AIOGRAM], ids=lambda d: d.value)
def driver(request: pytest.FixtureRequest) -> TelegramDriver:
    """Runs a test once per driver."""
    value: TelegramDriver = request.param
    return value


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'suara.db'}"
        return
    with fresh_schema() as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Yield an engine on database_url after running the real migrations; dispose it after."""
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


# Speed is measured in bench/, never asserted: no Hypothesis deadline on a busy machine.
hypothesis_settings.register_profile("suara", deadline=None)
hypothesis_settings.load_profile("suara")
