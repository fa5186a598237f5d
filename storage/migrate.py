"""Run the Alembic migrations in storage/migrations against a database URL, from code.

Several instances may start together on a fresh database: an upgrade runs under a lock that
only one holds at a time (a PostgreSQL advisory lock for the schema, released with the
transaction; on SQLite a lock file beside the database, besides its one writer), and the next
one then finds the schema at head and does nothing.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from storage.db import Timeouts, make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

_PG_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('suara-migrate:' || current_schema()))")


def upgrade(url: str) -> None:
    """Migrate the database at url to the newest revision (a no-op when already there)."""
    engine = make_engine(url)
    try:
        with _sqlite_file_lock(engine.url.database, engine.dialect.name), engine.begin() as conn:
            _take_turn(conn)
            config = _config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def _take_turn(connection: Connection) -> None:
    """Waits until no other upgrade of this schema runs (PostgreSQL; until this one commits)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_PG_LOCK)


@contextmanager
def _sqlite_file_lock(database: str | None, dialect: str) -> Iterator[None]:
    """Holds `<database>-migrate` locked while migrating a SQLite file (nothing otherwise)."""
    if dialect != "sqlite" or not database or database == ":memory:":
        yield
        return
    fd = os.open(f"{Path(database).expanduser().resolve()}-migrate", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def current(url: str) -> str | None:
    """Return the database's current revision id, or None before the first migration."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def migrations_at_head(url: str, timeouts: Timeouts | None = None) -> bool:
    """Return whether the database at url has every migration applied (no more, no fewer)."""
    heads = set(ScriptDirectory.from_config(_config()).get_heads())
    engine = make_engine(url, timeouts)
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads()) == heads
    finally:
        engine.dispose()


def revision(url: str, message: str) -> None:
    """Autogenerate a new revision by comparing the models with the database at url (dev tool)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = _config()
            config.attributes["connection"] = connection
            command.revision(config, message=message, autogenerate=True)
    finally:
        engine.dispose()


def _config() -> Config:
    """Build the Alembic configuration in code; there is no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return config
