"""Fixtures shared by the whole test suite: a migrated database on SQLite and PostgreSQL."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.settings import TelegramDriver
from storage import crypto
from storage.db import make_engine, normalise_url
from storage.migrate import upgrade

POSTGRES_ENV = "SUARA_TEST_POSTGRES_URL"


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
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        reason = f"{POSTGRES_ENV} is not set; PostgreSQL tests need a server"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: refusing to skip)")
        pytest.skip(reason)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    try:
        _run(admin, f'CREATE SCHEMA "{schema}"')
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        _run(admin, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Yield an engine on database_url after running the real migrations; dispose it after."""
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _run(engine: Engine, statement: str) -> None:
    """Execute one administrative statement in its own transaction."""
    with engine.begin() as connection:
        connection.execute(text(statement))


# Speed is measured in bench/, never asserted: no Hypothesis deadline on a busy machine.
hypothesis_settings.register_profile("suara", deadline=None)
hypothesis_settings.load_profile("suara")
