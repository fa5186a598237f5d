"""Recording a webhook: one insert, at most one read, never a row that turns write."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event
from sqlmodel import col, select

from bot.whatsapp import chats as wa_book
from bot.whatsapp import recording as wa_recording
from bot.whatsapp.chats import WINDOW
from bot.whatsapp.recording import Incoming, Memo, record_incoming
from storage import db, models
from storage.whatsapp import WhatsAppContact

AT = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def message(n: int, wa_id: str | None, bsuid: str | None = None) -> Incoming:
    record = {"type": "message", "message": {"id": f"wamid.{n}", "type": "text"}}
    return Incoming(f"wamid.{n}", record, wa_id=wa_id, bsuid=bsuid, at=AT)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine runs, first word only."""
    seen: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def payloads(engine: Engine) -> list[dict[str, object]]:
    with db.session(engine) as session:
        rows = session.exec(select(models.InboundUpdate).order_by(col(models.InboundUpdate.id)))
        return [json.loads(r.payload) for r in rows]


def queries(statements: list[str]) -> list[str]:
    return [s for s in statements if s in {"SELECT", "INSERT", "UPDATE"}]


def test_new_senders_are_keyed_by_their_number_and_left_to_processing(
    engine: Engine, statements: list[str]
) -> None:
    items = [message(n, f"62812000{n:04d}") for n in range(32)]
    memo = Memo()
    recorded = record_incoming(engine, items, memo)
    assert [r.chat_id for r in recorded] == [i.wa_id for i in items]
    assert all(r.inbound_id for r in recorded)
    assert queries(statements) == ["SELECT", "INSERT"]
    statements.clear()
    record_incoming(engine, [message(100 + n, f"62812000{n:04d}") for n in range(32)], memo)
    assert queries(statements) == ["INSERT"]  # not looked up again while processing catches up
    assert all("window_until" not in p for p in payloads(engine))
    with db.session(engine) as session:  # no contact, no reporter: processing creates them
        assert not session.exec(select(WhatsAppContact)).all()
        assert not session.exec(select(models.Reporter)).all()


def test_an_open_window_rides_in_the_payload_and_then_costs_no_read(
    engine: Engine, statements: list[str]
) -> None:
    seen = wa_book.note_inbound(engine, wa_id="628120001111", bsuid=None, at=AT)
    memo = Memo()
    record_incoming(engine, [message(1, "628120001111")], memo)
    assert payloads(engine)[0]["chat_id"] == seen.chat_id
    assert payloads(engine)[0]["window_until"] == seen.window_until.isoformat()
    statements.clear()
    record_incoming(engine, [message(2, "628120001111")], memo)
    assert queries(statements) == ["INSERT"]
    assert payloads(engine)[1]["window_until"] == seen.window_until.isoformat()


def test_a_window_that_must_move_is_left_to_processing(engine: Engine) -> None:
    wa_book.note_inbound(engine, wa_id="628120001111", bsuid=None, at=AT)
    later = message(1, "628120001111")
    later = Incoming(later.external_id, later.record, wa_id=later.wa_id, at=AT + WINDOW / 12)
    [recorded] = record_incoming(engine, [later], Memo())
    assert recorded.chat_id == "628120001111"
    assert "window_until" not in payloads(engine)[0]
    with db.session(engine) as session:  # unchanged until the message is processed
        [reporter] = session.exec(select(models.Reporter)).all()
        assert reporter.wa_window_until == AT + wa_book.WINDOW


def test_a_known_chat_keys_a_sender_that_now_shows_only_its_business_id(engine: Engine) -> None:
    wa_book.note_inbound(engine, wa_id="628120001111", bsuid="ID.77", at=AT)
    [recorded] = record_incoming(engine, [message(1, None, "ID.77")], Memo())
    assert recorded.chat_id == "628120001111"
    assert payloads(engine)[0]["chat_id"] == "628120001111"


def test_a_sender_bringing_a_new_id_is_resolved_by_processing(engine: Engine) -> None:
    wa_book.note_inbound(engine, wa_id=None, bsuid="ID.77", at=AT)
    [recorded] = record_incoming(engine, [message(1, "628120001111", "ID.77")], Memo())
    assert recorded.chat_id == "ID.77"  # its chat, but resolved later: the wa_id is new
    assert "window_until" not in payloads(engine)[0]


def test_a_deferred_sender_is_looked_up_again_once_processing_had_time(engine: Engine) -> None:
    memo = Memo(retry=0)
    record_incoming(engine, [message(1, "628120001111")], memo)
    seen = wa_book.note_inbound(engine, wa_id="628120001111", bsuid=None, at=AT)  # processed
    record_incoming(engine, [message(2, "628120001111")], memo)
    assert payloads(engine)[1]["window_until"] == seen.window_until.isoformat()


def test_the_memo_forgets_a_closed_window_and_expires() -> None:
    memo, sender = Memo(ttl=60), ("628120001111", None)
    memo.learn(sender, "628120001111", AT + WINDOW)
    assert memo.open_window(sender, AT) == ("628120001111", AT + WINDOW)
    assert memo.open_window(sender, AT + WINDOW / 2) is None  # the window must move: not known
    memo.forget("628120001111")
    assert memo.open_window(sender, AT) is None
    memo = Memo(ttl=0)
    memo.learn(sender, "628120001111", AT + WINDOW)
    assert memo.open_window(sender, AT) is None


def test_a_sender_still_unopened_is_looked_up_less_and_less_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(wa_recording.time, "monotonic", lambda: clock[0])
    memo, sender = Memo(ttl=60, retry=2), ("628120001111", None)

    def deferred_at(moment: float) -> str | None:
        clock[0] = moment
        return memo.deferred(sender)

    memo.defer(sender, "628120001111")
    assert deferred_at(1001.9) == "628120001111"
    assert deferred_at(1002.1) is None  # looked up again: still not opened by processing
    memo.defer(sender, "628120001111")
    assert deferred_at(1006.0) == "628120001111"  # twice as long
    assert deferred_at(1006.2) is None
    for _ in range(10):
        memo.defer(sender, "628120001111")
    assert deferred_at(1006.2 + 59.9) == "628120001111"  # never longer than the ttl
    assert deferred_at(1006.2 + 60.1) is None
    memo.learn(sender, "628120001111", AT + WINDOW)  # opened: the next deferral starts afresh
    memo.defer(sender, "628120001111")
    assert deferred_at(1066.3 + 1.9) == "628120001111"
    assert deferred_at(1066.3 + 2.1) is None
