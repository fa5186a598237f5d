"""Recording a batch of webhook updates in the inbox with one statement (group commit).

Two ways to run the same insert: on a SQLAlchemy connection (a recording thread, either
database), or on the event loop through psycopg's own async connection (PostgreSQL), which
spares each request the hand-over to a thread and back.
"""

import contextlib
from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, String, bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

from storage.bounded import BoundedAsyncConnection
from storage.crypto import EncryptedBytes, SealedText, encrypt, seal
from storage.db import connect_params, timeouts_of
from storage.errors import NulCharacterError, StorageError
from storage.models import InboundUpdate
from storage.nul_guard import has_nul
from storage.types import UTCDateTime, utcnow

APPLICATION_NAME = "suara-inbox"
"""How the async inbox connection shows in pg_stat_activity (unless the URL names one)."""

Row = tuple[str, str | None, bytes]
"""An update to record: (external id, chat id, payload)."""

_INBOUND = InboundUpdate.__table__  # type: ignore[attr-defined]
_INSERT_SQLITE = (
    sqlite.insert(_INBOUND)
    .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    .returning(_INBOUND.c.id, _INBOUND.c.external_id)
)
"""SQLite: a Core insert of the table's rows (the ORM's bulk insert took 1.5 times the CPU), which
SQLAlchemy sends as one multi-row statement."""

_INSERT_UNNEST = text(
    "INSERT INTO inbound_update"
    " (channel, external_id, chat_id, payload, created_at, received_at, status, attempts)"
    " SELECT :channel, t.external_id, t.chat_id, t.payload, :now, :now, 'pending', 0"
    " FROM unnest(:external_ids, :chat_ids, :payloads) AS t(external_id, chat_id, payload)"
    " ON CONFLICT (channel, external_id) DO NOTHING RETURNING id, external_id"
).bindparams(
    bindparam("now", type_=UTCDateTime()),
    bindparam("external_ids", type_=postgresql.ARRAY(String())),
    bindparam("chat_ids", type_=postgresql.ARRAY(SealedText())),
    bindparam("payloads", type_=postgresql.ARRAY(EncryptedBytes())),
)
"""PostgreSQL: one statement of one shape for any number of rows (prepared once, parsed once),
where a multi-row VALUES list is a new statement for each batch size."""

_UNNEST_SQL = str(_INSERT_UNNEST.compile(dialect=PGDialect_psycopg()))  # type: ignore[no-untyped-call]
"""The same statement in psycopg's own placeholders, for the async connection."""


def record_inbound_many(
    *, connection: Connection, channel: str, rows: Sequence[Row]
) -> list[int | None]:
    """Insert (external id, chat id, payload) updates in one statement; None for a duplicate."""
    first = _first_of_each(rows)
    if not first:
        return []
    if connection.dialect.name == "postgresql":
        result = connection.execute(_INSERT_UNNEST, _unnest_params(channel, first))
    else:
        values = [
            {"channel": channel, "external_id": external_id, "chat_id": chat_id, "payload": data}
            for external_id, chat_id, data in first
        ]
        result = connection.execute(_INSERT_SQLITE, values)
    return _ids_in_order(rows, {key: row_id for row_id, key in result})


class AsyncInbox:
    """The same insert on the event loop (PostgreSQL): one kept connection, one batch at a time.

    Each statement commits on its own (autocommit). A failure closes the connection, so that
    the next batch reconnects, and is raised as StorageError.
    """

    def __init__(self, engine: Engine) -> None:
        self._options: dict[str, Any] = {"application_name": APPLICATION_NAME}
        self._options |= connect_params(engine)
        """How psycopg connects, as the engine does (without SQLAlchemy's adapters)."""
        self._answer_seconds = timeouts_of(engine).answer_seconds
        self._connection: BoundedAsyncConnection | None = None

    async def record_many(self, channel: str, rows: Sequence[Row]) -> list[int | None]:
        """Inserts as `record_inbound_many` does; returns the new ids, None for duplicates."""
        first = _first_of_each(rows)
        if not first:
            return []
        params = _unnest_params(channel, first)
        if has_nul(params["external_ids"]):
            raise NulCharacterError("text parameter contains U+0000")
        params["chat_ids"] = [None if c is None else seal(c) for c in params["chat_ids"]]
        params["payloads"] = [encrypt(data) for data in params["payloads"]]
        try:
            connection = await self._connect()
            cursor = await connection.execute(_UNNEST_SQL, params, binary=True)
            found = await cursor.fetchall()
        except psycopg.Error as error:  # its message may quote values: only its kind goes on
            await self.close()
            kind = f"{type(error).__name__}, SQLSTATE {error.sqlstate or 'none'}"
            raise StorageError(f"the inbox insert failed ({kind})") from None
        return _ids_in_order(rows, {key: row_id for row_id, key in found})

    async def close(self) -> None:
        """Closes the connection (a new one is opened for the next batch); a broken one quietly."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(psycopg.Error):
                await connection.close()

    async def _connect(self) -> BoundedAsyncConnection:
        if self._connection is None or self._connection.closed:
            connection = await BoundedAsyncConnection.connect(**self._options, autocommit=True)
            connection.answer_seconds = self._answer_seconds
            self._connection = connection
        return self._connection


def _first_of_each(rows: Sequence[Row]) -> list[Row]:
    """The rows to insert: the first of each external id (a body may repeat one)."""
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(row[0], row)
    return list(first.values())


def _unnest_params(channel: str, rows: list[Row]) -> dict[str, Any]:
    return {
        "channel": channel,
        "now": utcnow(),
        "external_ids": [external_id for external_id, _, _ in rows],
        "chat_ids": [chat_id for _, chat_id, _ in rows],
        "payloads": [data for _, _, data in rows],
    }


def _ids_in_order(rows: Sequence[Row], inserted: dict[str, int]) -> list[int | None]:
    """Each row's new id in the order given; None for a duplicate or a repeat in the batch."""
    return [inserted.pop(external_id, None) for external_id, _, _ in rows]
