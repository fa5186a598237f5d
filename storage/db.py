"""Engine and session setup for SQLite (one host) and PostgreSQL (several workers)."""

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool
from sqlmodel import Session, SQLModel

from storage.errors import NulCharacterError

logger = logging.getLogger(__name__)

_POSTGRES_DRIVERS = {"postgres", "postgresql", "postgresql+psycopg"}
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


def normalise_url(url: str) -> URL:
    """Parse a database URL, rewriting any PostgreSQL spelling to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "postgresql":
        raise ValueError(f"unsupported PostgreSQL driver {parsed.drivername!r}; use psycopg")
    if parsed.get_backend_name() != "sqlite":
        raise ValueError(f"unsupported database backend {parsed.get_backend_name()!r}")
    return parsed


def make_engine(url: str) -> Engine:
    """Create an engine for url with the project's durability and locking settings."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    engine = create_engine(
        parsed, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True
    )
    _install_nul_guard(engine)
    return engine


def is_postgres(engine: Engine) -> bool:
    """Tell whether engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    """Open a session that commits on success and rolls back on any exception."""
    with Session(engine, expire_on_commit=False) as db:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise


def _sqlite_engine(url: URL) -> Engine:
    """Create a SQLite engine: WAL, synchronous FULL, foreign keys, BEGIN IMMEDIATE everywhere."""
    database = url.database or ""
    in_memory = database in ("", ":memory:") or url.query.get("mode") == "memory"
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False},
        "hide_parameters": True,
    }
    if in_memory:
        # One shared connection so every thread sees the same database: tests and demos only,
        # one transaction at a time. Use a file for anything concurrent.
        options["poolclass"] = StaticPool
    else:
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    _install_nul_guard(engine)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    """Take transaction control away from sqlite3 and apply the connection pragmas."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    """Start every transaction with BEGIN IMMEDIATE so writers queue instead of failing."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _install_nul_guard(engine: Engine) -> None:
    """Refuse text parameters holding U+0000 before they reach either database."""
    event.listen(engine, "before_cursor_execute", _reject_nul)


def _reject_nul(
    _conn: Connection,
    _cursor: Any,
    _statement: str,
    parameters: Any,
    _context: Any,
    executemany: bool,
) -> None:
    """Raise NulCharacterError when any str parameter contains a NUL character."""
    if any(isinstance(value, str) and "\x00" in value for value in _flatten(parameters)):
        raise NulCharacterError("text parameter contains U+0000")


def _flatten(parameters: Any) -> Iterator[Any]:
    """Yield every value of one parameter set or many (executemany batches vary in shape)."""
    if isinstance(parameters, Mapping):
        yield from parameters.values()
    elif isinstance(parameters, list | tuple):
        for item in parameters:
            if isinstance(item, Mapping | list | tuple):
                yield from _flatten(item)
            else:
                yield item


def dialect_insert(db: Session, model: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
    """Start an INSERT for model that supports ON CONFLICT on the session's database."""
    if db.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
