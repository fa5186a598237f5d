"""A fresh PostgreSQL schema per test, on the server SUARA_TEST_POSTGRES_URL names."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from storage.db import normalise_url

POSTGRES_ENV = "SUARA_TEST_POSTGRES_URL"


def postgres_base() -> str:
    """Returns the server's URL, or skips the test (fails it on CI) when none is set."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        reason = f"{POSTGRES_ENV} is not set; PostgreSQL tests need a server"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: refusing to skip)")
        pytest.skip(reason)
    return base


@contextmanager
def fresh_schema() -> Iterator[str]:
    """Yields the URL of a new, empty schema (dropped afterwards); skips without a server."""
    base = postgres_base()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    try:
        _run(admin, f'CREATE SCHEMA "{schema}"')
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        _run(admin, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def _run(engine: Engine, statement: str) -> None:
    """Execute one administrative statement in its own transaction."""
    with engine.begin() as connection:
        connection.execute(text(statement))
