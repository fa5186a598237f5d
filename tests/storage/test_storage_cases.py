"""Case references, the audit timeline, and exact storage of whatever a reporter types."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import select

from storage import queries
from storage.db import session
from storage.errors import NulCharacterError
from storage.models import Case, CaseEvent, InboundUpdate

HOSTILE = [
    "Saya dipukul majikan 😢🙏🏽 👨‍👩‍👧",
    "صاحب العمل أخذ جواز سفري",
    "המעסיק לקח את הדרכון שלי",
    "'); DROP TABLE case;--",
    '<script>alert("x")</script><b>&amp;</b>',
    "tab\tnew\nline\r\x01\x07\x1b[31m\u200f\u202e\ufeff",
    "null\x00inside",
    '\\u0000 and \\\\ and "quotes"',
    ("ب😀א'<>&\x00\n" * 2500)[:20000],
]


def test_case_references_from_eight_threads_are_unique_and_contiguous(
    engine: Engine, threaded: Callable[..., list[Any]]
) -> None:
    def take(_: int) -> list[str]:
        references = []
        for _ in range(25):
            with session(engine) as db:
                references.append(queries.next_case_reference(session=db, year=2026))
        return references

    references = [r for batch in threaded(8, take) for r in batch]
    assert sorted(references) == [f"MC-2026-{n:06d}" for n in range(1, 201)]


def test_case_reference_is_rolled_back_with_its_transaction(engine: Engine) -> None:
    def take_then_fail() -> None:
        with session(engine) as db:
            queries.next_case_reference(session=db, year=2027)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        take_then_fail()
    with session(engine) as db:
        assert queries.next_case_reference(session=db, year=2027) == "MC-2027-000001"
        assert queries.next_case_reference(session=db, year=2028) == "MC-2028-000001"


def test_add_case_event_appends_to_the_timeline(engine: Engine, case: Case) -> None:
    assert case.id is not None
    with session(engine) as db:
        queries.add_case_event(
            session=db, case_id=case.id, type="case_submitted", actor="reporter", data={}
        )
        queries.add_case_event(
            session=db,
            case_id=case.id,
            type="case_claimed",
            actor="caseworker:12",
            data={"office": "jakarta"},
        )
    with session(engine) as db:
        events = db.exec(select(CaseEvent).order_by(CaseEvent.id)).all()  # type: ignore[arg-type]
    assert [(e.type, e.actor, e.data) for e in events] == [
        ("case_submitted", "reporter", {}),
        ("case_claimed", "caseworker:12", {"office": "jakarta"}),
    ]
    assert all(e.at.tzinfo is not None for e in events)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_round_trips_exactly_in_answers_and_payload(
    engine: Engine, case: Case, value: str
) -> None:
    _assert_round_trip(engine, case, value)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(max_size=300))
def test_any_text_round_trips_exactly(engine: Engine, case: Case, value: str) -> None:
    _assert_round_trip(engine, case, value)


@pytest.mark.parametrize(
    "field", ["home_regency", "destination_country", "reporter_role", "primary_category"]
)
def test_nul_in_a_text_column_is_refused_and_nothing_is_written(
    engine: Engine, case: Case, field: str
) -> None:
    def write() -> None:
        with session(engine) as db:
            row = db.get(Case, case.id)
            assert row is not None
            setattr(row, field, "Indra\x00mayu")

    with pytest.raises(NulCharacterError):
        write()
    with session(engine) as db:
        row = db.get(Case, case.id)
        assert row is not None
        assert getattr(row, field) is None


def _assert_round_trip(engine: Engine, case: Case, value: str) -> None:
    """Store value in the case answers, a list column and an inbound payload; read it back."""
    raw = value.encode("utf-8")
    with session(engine) as db:
        row = db.get(Case, case.id)
        assert row is not None
        row.answers = {"story": value, value: [value]}
        row.urgency_triggers = [value]
        inbound = queries.record_inbound(
            session=db, channel="web", external_id=uuid.uuid4().hex, chat_id=None, payload=raw
        )
        assert inbound is not None
        inbound_id = inbound.id
    with session(engine) as db:
        stored = db.get(Case, case.id)
        stored_inbound = db.get(InboundUpdate, inbound_id)
    assert stored is not None
    assert stored_inbound is not None
    assert stored.answers == {"story": value, value: [value]}
    assert stored.urgency_triggers == [value]
    assert stored_inbound.payload == raw
    assert stored_inbound.payload.decode("utf-8") == value
