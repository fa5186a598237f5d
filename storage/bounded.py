"""psycopg connections that give up on a server that accepts bytes and never answers.

PostgreSQL's `statement_timeout` is kept by the server, so it cannot help when the server (or the
path to it) has gone silent: libpq has no read timeout, and TCP keepalives never fire while
something on the way still acknowledges the packets (a proxy, a stopped server's kernel). These
connections bound every wait psycopg makes on the socket. Past the bound the connection is closed,
since its state is unknown, and OperationalError is raised: SQLAlchemy sees a closed connection,
drops it from the pool, and the next checkout connects afresh.
"""

from __future__ import annotations

from typing import Any, TypeVar

import psycopg
from psycopg import errors
from psycopg.abc import PQGen

RV = TypeVar("RV")

_INTERVAL = 0.1
"""How often psycopg's wait looks up from the socket (what psycopg itself uses)."""


class DatabaseSilent(psycopg.OperationalError):
    """The server took longer than the bound to answer; the connection was closed."""


class BoundedConnection(psycopg.Connection[Any]):
    """A blocking connection whose every wait on the server ends after `answer_seconds`."""

    answer_seconds: float | None = None

    def wait(self, gen: PQGen[RV], interval: float = _INTERVAL, timeout: float | None = None) -> RV:
        """Waits as psycopg does, at most `answer_seconds` unless a shorter timeout is asked."""
        try:
            return super().wait(gen, interval, _shorter(timeout, self.answer_seconds))
        except errors._WaitTimeout:  # psycopg's own timeout: it leaves the connection busy
            self.pgconn.finish()
            raise DatabaseSilent("the database did not answer in time") from None


class BoundedAsyncConnection(psycopg.AsyncConnection[Any]):
    """The same bound for a connection on the event loop."""

    answer_seconds: float | None = None

    async def wait(
        self,
        gen: PQGen[RV],
        interval: float = _INTERVAL,
        timeout: float | None = None,  # noqa: ASYNC109 (psycopg's own signature)
    ) -> RV:
        """Waits as psycopg does, at most `answer_seconds` unless a shorter timeout is asked."""
        try:
            return await super().wait(gen, interval, _shorter(timeout, self.answer_seconds))
        except errors._WaitTimeout:
            self.pgconn.finish()
            raise DatabaseSilent("the database did not answer in time") from None


def _shorter(first: float | None, second: float | None) -> float | None:
    if first is None or second is None:
        return second if first is None else first
    return min(first, second)
