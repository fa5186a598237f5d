"""Engine and session setup for SQLite (one host) and PostgreSQL (several workers)."""

import logging
import threading
from collections import deque
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


_WRITE_LOCK_TIMEOUT = 10.0
"""Seconds a SQLite transaction waits for this process's writer turn before SQLite's own wait."""


class FifoLock:
    """A lock handed to waiters in arrival order, at once on release (no polling, no sleeping)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        """Waits for the lock up to timeout seconds; tells whether it was acquired."""
        with self._guard:
            if not self._held and not self._waiters:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._guard:
            if turn.is_set():  # handed over just as the wait timed out
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        """Hands the lock to the longest waiter, or frees it."""
        with self._guard:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._held = False


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
    writers = FifoLock()
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", lambda connection: _on_sqlite_begin(connection, writers))
    for name in ("commit", "rollback"):
        event.listen(engine, name, lambda connection: _end_write(connection.info, writers))
    event.listen(engine.pool, "reset", lambda _c, record, _s: _end_write(record.info, writers))
    event.listen(engine.pool, "close", lambda _c, record: _end_write(record.info, writers))
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


def _on_sqlite_begin(connection: Connection, writers: FifoLock) -> None:
    """Start every transaction with BEGIN IMMEDIATE, after this process's writers before it.

    SQLite's own wait for the write lock polls with sleeps of up to 100 ms; queueing the threads
    of one process in order hands the lock over at once. Other processes still meet SQLite's wait.
    """
    if writers.acquire(_WRITE_LOCK_TIMEOUT):
        connection.info["suara_writer"] = True
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _end_write(connection.info, writers)
        raise


def _end_write(info: dict[Any, Any], writers: FifoLock) -> None:
    """Gives this process's writer turn to the next transaction, once per transaction."""
    if info.pop("suara_writer", False):
        writers.release()


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
