"""The durable write before the 200: group commit on SQLite and PostgreSQL, duplicates refused."""

from __future__ import annotations

import asyncio

from inbox_rows import record_many
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.envelopes import Channel
from bot.runtime.inbox import inbox_recorder
from storage import db, models


def stored(engine: Engine) -> list[tuple[str, str | None, bytes, str]]:
    with db.session(engine) as session:
        rows = session.exec(select(models.InboundUpdate).order_by(col(models.InboundUpdate.id)))
        return [(r.external_id, r.chat_id, r.payload, r.status) for r in rows]


def test_record_many_writes_once_and_refuses_duplicates(engine: Engine) -> None:
    first = record_many(
        engine, Channel.TELEGRAM, [("10", "5", b"a"), ("11", None, b"b"), ("10", "5", b"a")]
    )
    assert first[0] is not None
    assert first[1] is not None
    assert first[2] is None  # the same update twice in one batch
    assert record_many(engine, Channel.TELEGRAM, [("11", None, b"b"), ("12", "7", b"c")])[0] is None
    assert record_many(engine, Channel.WHATSAPP, [("10", "5", b"z")])[0] is not None
    assert stored(engine) == [
        ("10", "5", b"a", "pending"),
        ("11", None, b"b", "pending"),
        ("12", "7", b"c", "pending"),
        ("10", "5", b"z", "pending"),
    ]
    with db.session(engine) as session:
        row = session.exec(select(models.InboundUpdate)).first()
    assert row is not None
    assert row.received_at is not None
    assert row.attempts == 0


async def test_recorder_batches_concurrent_updates(engine: Engine) -> None:
    recorder = inbox_recorder(engine, Channel.TELEGRAM)  # on the event loop on PostgreSQL
    try:
        items = [(str(100 + i % 40), str(i % 7), b"{}") for i in range(60)]
        ids = await asyncio.gather(*(recorder.submit(item) for item in items))
    finally:
        await recorder.aclose()
    assert len([i for i in ids if i is not None]) == 40
    assert len(set(ids) - {None}) == 40
    assert len(stored(engine)) == 40
