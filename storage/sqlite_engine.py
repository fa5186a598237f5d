"""SQLite engines: WAL, synchronous FULL, foreign keys, and writers queued in order.

SQLite's own wait for the write lock polls with sleeps of up to 100 ms; the writers of one
process queue on a FIFO lock and the processes on a lock file, so the lock changes hands at once.
"""

from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from storage.nul_guard import install_nul_guard
from storage.sqlite_locks import FifoLock, FileLock, Writers

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)
_SQLITE_BUSY_SECONDS = 10.0
"""How long SQLite waits for a lock when no statement timeout is given."""


def sqlite_engine(url: URL, busy_seconds: float | None) -> Engine:
    """Create a SQLite engine: WAL, synchronous FULL, foreign keys, BEGIN IMMEDIATE everywhere."""
    database = url.database or ""
    in_memory = database in ("", ":memory:") or url.query.get("mode") == "memory"
    busy = _SQLITE_BUSY_SECONDS if busy_seconds is None else busy_seconds
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": busy},
        "hide_parameters": True,
    }
    if in_memory:
        # One shared connection so every thread sees the same database: tests and demos only,
        # one transaction at a time. Use a file for anything concurrent.
        options["poolclass"] = StaticPool
    files = None
    if not in_memory:
        path = Path(database).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        files = FileLock(path.with_name(path.name + "-writer"))
    engine = create_engine(url, **options)
    writers = Writers(FifoLock(), files)
    event.listen(engine, "connect", partial(_on_sqlite_connect, busy_ms=int(busy * 1000)))
    event.listen(engine, "begin", lambda connection: _on_sqlite_begin(connection, writers))
    for name in ("commit", "rollback"):
        event.listen(engine, name, lambda connection: _end_write(connection.info, writers))
    event.listen(engine.pool, "reset", lambda _c, record, _s: _end_write(record.info, writers))
    event.listen(engine.pool, "close", lambda _c, record: _end_write(record.info, writers))
    install_nul_guard(engine)
    return engine


def _on_sqlite_connect(
    dbapi_connection: Any, _record: ConnectionPoolEntry, *, busy_ms: int
) -> None:
    """Take transaction control away from sqlite3 and apply the connection pragmas."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in (*_SQLITE_PRAGMAS, f"PRAGMA busy_timeout={busy_ms}"):
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection, writers: Writers) -> None:
    """Start every transaction with BEGIN IMMEDIATE, after the writers before it.

    SQLite's own wait for the write lock polls with sleeps of up to 100 ms; queueing the threads
    of one process in order, and the processes on a lock file, hands the lock over at once.
    """
    writers.acquire(connection.info)
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _end_write(connection.info, writers)
        raise


def _end_write(info: dict[Any, Any], writers: Writers) -> None:
    """Gives the writer turn to the next transaction, once per transaction."""
    writers.release(info)
