"""Engine and session setup for SQLite (one host) and PostgreSQL (several workers)."""

import logging
import math
import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Engine, Update, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel

from storage.bounded import BoundedConnection
from storage.nul_guard import install_nul_guard
from storage.sqlite_engine import sqlite_engine
from storage.sqlite_locks import URGENT

logger = logging.getLogger(__name__)

_POSTGRES_DRIVERS = {"postgres", "postgresql", "postgresql+psycopg"}


@dataclass(frozen=True)
class Timeouts:
    """How long a connection may take to open, and one statement to run (None: no limit).

    PostgreSQL gets them as libpq's `connect_timeout` (whole seconds, at least 2) and the
    session's `statement_timeout`; SQLite waits at most the statement time for a lock.
    """

    connect_seconds: float | None = None
    statement_seconds: float | None = None

    @property
    def answer_seconds(self) -> float | None:
        """How long the client waits for any answer: the server's own cancel comes first."""
        if self.statement_seconds is None:
            return None
        return self.statement_seconds + ANSWER_GRACE_SECONDS


ANSWER_GRACE_SECONDS = 2.0
"""What the client waits beyond the statement timeout before it takes the server for silent."""
_TIMEOUTS: weakref.WeakKeyDictionary[Engine, Timeouts] = weakref.WeakKeyDictionary()


def timeouts_of(engine: Engine) -> Timeouts:
    """Returns the timeouts an engine was made with."""
    return _TIMEOUTS.get(engine) or Timeouts()


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


def make_engine(url: str, timeouts: Timeouts | None = None) -> Engine:
    """Create an engine for url with the project's durability, locking and timeout settings."""
    parsed = normalise_url(url)
    timeouts = timeouts or Timeouts()
    if parsed.get_backend_name() == "sqlite":
        engine = sqlite_engine(parsed, timeouts.statement_seconds)
        _TIMEOUTS[engine] = timeouts
        return engine
    engine = create_engine(
        with_timeouts(parsed, timeouts),
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        hide_parameters=True,
    )
    _TIMEOUTS[engine] = timeouts
    event.listen(engine, "do_connect", partial(_bounded_connect, timeouts.answer_seconds))
    install_nul_guard(engine)
    return engine


def _bounded_connect(
    answer_seconds: float | None, _dialect: Any, _record: Any, cargs: Any, cparams: Any
) -> BoundedConnection:
    """Opens the pool's connections as BoundedConnection: a silent server cannot hold them."""
    connection = BoundedConnection.connect(*cargs, **cparams)
    connection.answer_seconds = answer_seconds
    return connection


def with_timeouts(url: URL, timeouts: Timeouts) -> URL:
    """Returns a PostgreSQL URL that carries the timeouts, so every connection made from it
    (the pool's, the async inbox's, the wake-up listener's) has them; the URL's own win."""
    query = dict(url.query)
    if timeouts.connect_seconds is not None and "connect_timeout" not in query:
        query["connect_timeout"] = str(max(2, math.ceil(timeouts.connect_seconds)))
    options = str(query.get("options") or "")
    if timeouts.statement_seconds is not None and "statement_timeout" not in options:
        milliseconds = int(timeouts.statement_seconds * 1000)
        query["options"] = f"{options} -c statement_timeout={milliseconds}".strip()
    return url.set(query=query)


def connect_params(engine: Engine) -> dict[str, Any]:
    """Returns psycopg's connect arguments for a PostgreSQL engine (without SQLAlchemy's adapters).

    Taken apart from the URL as the engine does: a URL rendered back to text would spell the
    spaces in `options` as `+`, which libpq does not read back.
    """
    _, params = engine.dialect.create_connect_args(engine.url)
    return {key: value for key, value in params.items() if key != "context"}


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
    """A connection a writer keeps open: no pool check-out and no ping per transaction.

    `autocommit` (PostgreSQL only) lets a statement that stands alone commit in one round trip;
    `urgent` (SQLite) puts its transactions before those of other processes (webhook records).
    A transaction that fails closes the connection (the next one reconnects); while another
    thread uses it, a session from the pool is lent instead of waiting.
    """

    def __init__(self, engine: Engine, *, autocommit: bool = False, urgent: bool = False) -> None:
        self.engine, self.urgent = engine, urgent
        self.autocommit = autocommit and is_postgres(engine)
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Opens a session on the kept connection that commits on success."""
        with self._borrowed() as connection:
            if connection is None:
                with session(self.engine) as lent:
                    yield lent
                return
            with Session(bind=connection, expire_on_commit=False) as db:
                yield db
                db.commit()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Opens a Core transaction on the kept connection (no ORM session): commits on success."""
        with self._borrowed() as connection:
            if connection is None:
                with self.engine.begin() as lent:
                    yield lent
                return
            with connection.begin():
                yield connection

    @contextmanager
    def _borrowed(self) -> Iterator[Connection | None]:
        """Yields the kept connection, or None while another thread uses it; drops it on failure."""
        if not self._lock.acquire(blocking=False):
            yield None
            return
        try:
            yield self._connect()
        except BaseException:
            self._drop()
            raise
        finally:
            self._lock.release()

    def close(self) -> None:
        """Gives the connection back to the pool (after a transaction in progress)."""
        with self._lock:
            self._drop()

    def _connect(self) -> Connection:
        if self._connection is None or self._connection.closed or self._connection.invalidated:
            connection = self.engine.connect()
            connection.info[URGENT] = self.urgent
            if self.autocommit:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            self._connection = connection
        return self._connection

    def _drop(self) -> None:
        """Closes the connection (rolling back anything unfinished): it may be broken."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.info.pop(URGENT, None)  # the pool lends it to others next
            connection.close()


def dialect_insert(db: Session, model: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
    """Start an INSERT for model that supports ON CONFLICT on the session's database."""
    if db.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def count_updated(db: Session, stmt: Update, key: Mapped[Any]) -> int:
    """Runs a bulk UPDATE (the session's loaded rows are left alone) and counts the rows changed."""
    return len(db.exec(stmt.returning(key).execution_options(synchronize_session=False)).all())


def transaction(target: Engine | KeptConnection) -> AbstractContextManager[Connection]:
    """Opens a Core transaction on a kept connection, or on one from the engine's pool."""
    return target.transaction() if isinstance(target, KeptConnection) else target.begin()
