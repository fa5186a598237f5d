"""Engine and session setup for SQLite (one host) and PostgreSQL (several workers)."""

import fcntl
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
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


URGENT = "suara_urgent"
"""Connection info key: this connection's SQLite transactions go before other processes'."""

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


class FileLock:
    """An exclusive lock on a file, shared by every process that writes one SQLite database.

    SQLite's own wait for another process's write lock sleeps up to 100 ms between looks; this
    one looks again within a millisecond. An urgent writer (recording webhooks) first takes a
    second file, the intent, which other writers wait for: it is next, whoever else is waiting.
    """

    def __init__(self, path: Path) -> None:
        self.path, self.intent_path = path, path.with_name(path.name + "-intent")
        self._fd: int | None = None
        self._intent_fd: int | None = None

    def acquire(self, timeout: float, *, urgent: bool = False) -> bool:
        """Waits for the lock up to timeout seconds; tells whether it was acquired."""
        fd, intent = self._files()
        deadline = time.monotonic() + timeout
        if urgent and not _wait(lambda: _try(intent, fcntl.LOCK_EX), deadline):
            return False
        try:
            return _wait(
                lambda: (urgent or _intent_free(intent)) and _try(fd, fcntl.LOCK_EX), deadline
            )
        finally:
            if urgent:
                fcntl.flock(intent, fcntl.LOCK_UN)

    def release(self) -> None:
        """Lets the next writer in."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _files(self) -> tuple[int, int]:
        if self._fd is None or self._intent_fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._intent_fd = os.open(self.intent_path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd, self._intent_fd


def _try(fd: int, mode: int) -> bool:
    """Takes a lock on fd if nobody holds it; tells whether it did."""
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _intent_free(intent: int) -> bool:
    """Tells whether no urgent writer is waiting."""
    if not _try(intent, fcntl.LOCK_SH):
        return False
    fcntl.flock(intent, fcntl.LOCK_UN)
    return True


def _wait(attempt: Callable[[], bool], deadline: float) -> bool:
    """Repeats attempt (sleeping 50 us, doubling up to 1 ms) until it succeeds or time is up."""
    pause = 0.00005
    while not attempt():
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.001)
    return True


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


class KeptConnection:
    """A connection one writer thread keeps open: no pool check-out and no ping per write.

    `autocommit` (PostgreSQL only) lets a session of one statement commit in one round trip;
    `urgent` (SQLite) puts its transactions before those of other processes (webhook records).
    Any failure closes the connection; the next session opens a new one.
    """

    def __init__(self, engine: Engine, *, autocommit: bool = False, urgent: bool = False) -> None:
        self.engine, self.urgent = engine, urgent
        self.autocommit = autocommit and is_postgres(engine)
        self._connection: Connection | None = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Opens a session on the kept connection that commits on success."""
        connection = self._connection or self._connect()
        try:
            with Session(bind=connection, expire_on_commit=False) as db:
                yield db
                db.commit()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Gives the connection back (rolling back anything unfinished)."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.info.pop(URGENT, None)  # the pool lends it to others next
            connection.close()

    def _connect(self) -> Connection:
        connection = self.engine.connect()
        connection.info[URGENT] = self.urgent
        if self.autocommit:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        self._connection = connection
        return connection


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
    files = None
    if not in_memory:
        path = Path(database).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        files = FileLock(path.with_name(path.name + "-writer"))
    engine = create_engine(url, **options)
    writers = Writers(FifoLock(), files)
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


class Writers:
    """Whose turn it is to write: this process's threads in order, then across processes."""

    def __init__(self, threads: FifoLock, processes: FileLock | None) -> None:
        self.threads, self.processes = threads, processes

    def acquire(self, info: dict[Any, Any]) -> None:
        """Takes both turns (each up to the timeout; past it, SQLite's own wait decides)."""
        if self.threads.acquire(_WRITE_LOCK_TIMEOUT):
            info["suara_writer"] = True
            urgent = bool(info.get(URGENT))
            if self.processes is not None and self.processes.acquire(
                _WRITE_LOCK_TIMEOUT, urgent=urgent
            ):
                info["suara_file_writer"] = True

    def release(self, info: dict[Any, Any]) -> None:
        """Gives both turns to the next transaction, once per transaction."""
        if info.pop("suara_file_writer", False) and self.processes is not None:
            self.processes.release()
        if info.pop("suara_writer", False):
            self.threads.release()


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
