"""The inbox's batch insert, on a SQLAlchemy connection and on psycopg's async connection."""

from collections.abc import Sequence

import pytest
from sqlalchemy import Engine, text
from sqlmodel import select

from storage import crypto
from storage.db import session
from storage.errors import NulCharacterError, StorageError
from storage.inbox_batch import APPLICATION_NAME, AsyncInbox, Row, record_inbound_many
from storage.models import InboundUpdate

WAYS = pytest.mark.parametrize(
    ("database_url", "way"),
    [("sqlite", "connection"), ("postgresql", "connection"), ("postgresql", "async")],
    indirect=["database_url"],
)
"""The ways to run the insert: a recording thread's connection (either database), or the event
loop (PostgreSQL's async connection)."""
POSTGRESQL_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


async def record(way: str, engine: Engine, rows: Sequence[Row]) -> list[int | None]:
    """Records a batch one way or the other."""
    if way == "connection":
        with engine.begin() as connection:
            return record_inbound_many(connection=connection, channel="whatsapp", rows=rows)
    inbox = AsyncInbox(engine)
    try:
        return await inbox.record_many("whatsapp", rows)
    finally:
        await inbox.close()


@WAYS
async def test_a_batch_gives_new_ids_in_order_and_none_for_duplicates(
    engine: Engine, way: str
) -> None:
    await record(way, engine, [("wamid.B", "628111", b'{"n":0}')])
    rows = [
        ("wamid.A", "628111", b'{"n":1}'),
        ("wamid.B", "628111", b'{"n":2}'),  # recorded before
        ("wamid.A", "628111", b'{"n":3}'),  # repeated in the batch
        ("wamid.C", None, b'{"n":4}'),
    ]
    ids = await record(way, engine, rows)
    assert ids[0] is not None
    assert ids[3] is not None
    assert ids[3] > ids[0]
    assert ids[1:3] == [None, None]
    with session(engine) as db:
        stored = {r.external_id: r for r in db.exec(select(InboundUpdate))}
    assert {k: (r.chat_id, r.payload, r.status) for k, r in stored.items()} == {
        "wamid.A": ("628111", b'{"n":1}', "pending"),
        "wamid.B": ("628111", b'{"n":0}', "pending"),
        "wamid.C": (None, b'{"n":4}', "pending"),
    }


@WAYS
async def test_the_stored_row_is_sealed_and_encrypted_alike_either_way(
    engine: Engine, way: str
) -> None:
    await record(way, engine, [("wamid.S", "628222", b"secret words")])
    with engine.connect() as connection:
        chat_id, payload = connection.execute(
            text("SELECT chat_id, payload FROM inbound_update WHERE external_id = 'wamid.S'")
        ).one()
    assert chat_id == crypto.seal("628222")  # deterministic: lookups by chat still match
    assert crypto.is_encrypted(bytes(payload))
    assert b"secret" not in bytes(payload)
    assert crypto.decrypt(bytes(payload)) == b"secret words"


@WAYS
async def test_a_nul_in_an_id_is_refused_and_nothing_is_written(engine: Engine, way: str) -> None:
    with pytest.raises(NulCharacterError):
        await record(way, engine, [("wamid.\x00", "628333", b"{}")])
    with session(engine) as db:
        assert db.exec(select(InboundUpdate)).all() == []


@POSTGRESQL_ONLY
async def test_a_lost_connection_fails_one_batch_and_the_next_reconnects(engine: Engine) -> None:
    inbox = AsyncInbox(engine)
    try:
        assert await inbox.record_many("whatsapp", [("wamid.1", "62", b"{}")]) != [None]
        with engine.begin() as admin:  # the server ends the inbox's session (a restart, a kill)
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            )
        with pytest.raises(StorageError, match="inbox insert failed") as failed:
            await inbox.record_many("whatsapp", [("wamid.2", "62", b"{}")])
        assert failed.value.__suppress_context__  # a server message may quote values: not logged
        assert await inbox.record_many("whatsapp", [("wamid.2", "62", b"{}")]) != [None]
    finally:
        await inbox.close()
