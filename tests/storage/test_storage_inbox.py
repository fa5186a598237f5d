"""The durable, deduplicated inbox of channel updates."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from storage import queries
from storage.db import session
from storage.models import InboundUpdate
from storage.types import utcnow


def test_record_inbound_twice_keeps_one_row_and_returns_none(engine: Engine) -> None:
    with session(engine) as db:
        first = queries.record_inbound(
            session=db, channel="telegram", external_id="100", chat_id="c1", payload=b"{}"
        )
    with session(engine) as db:
        second = queries.record_inbound(
            session=db, channel="telegram", external_id="100", chat_id="c1", payload=b"{}"
        )
        other_channel = queries.record_inbound(
            session=db, channel="whatsapp", external_id="100", chat_id="c1", payload=b"{}"
        )
    assert first is not None
    assert first.id is not None
    assert first.status == "pending"
    assert first.attempts == 0
    assert second is None
    assert other_channel is not None


def test_record_inbound_from_eight_threads_stores_exactly_one_row(
    engine: Engine, threaded: Callable[..., list[Any]]
) -> None:
    def record(_: int) -> int | None:
        with session(engine) as db:
            row = queries.record_inbound(
                session=db, channel="whatsapp", external_id="wamid.X", chat_id="62", payload=b"x"
            )
            return None if row is None else row.id

    results = threaded(8, record)
    assert len([r for r in results if r is not None]) == 1
    with session(engine) as db:
        assert len(db.exec(select(InboundUpdate)).all()) == 1


def test_pending_inbound_lists_oldest_first_and_honours_older_than(engine: Engine) -> None:
    with session(engine) as db:
        for n in range(3):
            queries.record_inbound(
                session=db, channel="web", external_id=str(n), chat_id="c", payload=b""
            )
    with session(engine) as db:
        rows = queries.pending_inbound(session=db, limit=10)
        assert [r.external_id for r in rows] == ["0", "1", "2"]
        assert queries.pending_inbound(session=db, limit=2)[-1].external_id == "1"
        past = utcnow() - timedelta(minutes=5)
        assert queries.pending_inbound(session=db, limit=10, older_than=past) == []


def test_mark_inbound_records_outcome_step_and_attempts(engine: Engine) -> None:
    with session(engine) as db:
        row = queries.record_inbound(
            session=db, channel="web", external_id="m1", chat_id="c", payload=b""
        )
        assert row is not None
        assert row.id is not None
        inbound_id = row.id
    with session(engine) as db:
        queries.mark_inbound(session=db, inbound_id=inbound_id, status="failed", error="Timeout")
    with session(engine) as db:
        marked = queries.mark_inbound(
            session=db, inbound_id=inbound_id, status="processed", step_id="ask_country"
        )
    assert marked.status == "processed"
    assert marked.attempts == 2
    assert marked.error is None
    assert marked.step_id == "ask_country"
    assert marked.processed_at is not None
    with session(engine) as db:
        assert queries.pending_inbound(session=db, limit=10) == []
