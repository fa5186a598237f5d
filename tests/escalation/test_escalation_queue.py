"""The caseworkers' queue: who sees what, in which order, with which filters and unread counts."""

from __future__ import annotations

import datetime as dt

from esc_helpers import make_case
from sqlalchemy import Engine

from storage import db, escalations
from storage.escalation_models import Caseworker
from storage.models import Case, CaseEvent
from storage.queue import QueueQuery, latest_change, queue

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _escalate(engine: Engine, case: Case, office: str, due_in_minutes: int) -> None:
    with db.session(engine) as session:
        escalations.insert_escalation(
            session=session,
            case_id=case.id or 0,
            kind="case_submitted",
            urgency=case.urgency,
            office=office,
            ack_due_at=NOW + dt.timedelta(minutes=due_in_minutes),
            now=NOW,
        )


def _event(engine: Engine, case: Case, kind: str) -> None:
    with db.session(engine) as session:
        session.add(CaseEvent(case_id=case.id or 0, type=kind, actor="x", at=NOW))


def _references(engine: Engine, offices: list[str] | None, **asked: object) -> list[str]:
    with db.session(engine) as session:
        rows = queue(session=session, offices=offices, query=QueueQuery(**asked), now=NOW)  # type: ignore[arg-type]
        return [row.case.reference for row in rows]


def test_an_office_sees_its_own_cases_only_and_the_most_urgent_first(engine: Engine) -> None:
    low = make_case(engine, lead="jember", urgency="P3")
    urgent = make_case(engine, lead="jember", urgency="P0")
    soon = make_case(engine, lead="jember", urgency="P1")
    later = make_case(engine, lead="jember", urgency="P1")
    abroad = make_case(engine, lead="kuala_lumpur", urgency="P0")
    _escalate(engine, later, "jember", 240)
    _escalate(engine, soon, "jember", 30)
    _escalate(engine, abroad, "kuala_lumpur", 10)

    found = _references(engine, ["jember"])

    assert found == [urgent.reference, soon.reference, later.reference, low.reference]
    assert abroad.reference not in found
    assert abroad.reference in _references(engine, None)
    assert _references(engine, ["jember"], office="kuala_lumpur") == []


def test_filters_narrow_the_queue(engine: Engine) -> None:
    wage = make_case(engine, lead="jember", urgency="P2", categories=("GAJI",))
    other = make_case(engine, lead="jember", urgency="P1", categories=("KEKERASAN",))
    closed = make_case(engine, lead="jember", urgency="P1", status="resolved")

    assert _references(engine, ["jember"], category="GAJI") == [wage.reference]
    assert _references(engine, ["jember"], urgency="P1") == [other.reference]
    assert _references(engine, ["jember"], destination_country="MY") == []
    assert closed.reference not in _references(engine, ["jember"])
    assert _references(engine, ["jember"], status="resolved") == [closed.reference]
    assert closed.reference in _references(engine, ["jember"], include_closed=True)
    assert _references(engine, ["jember"], newer_than_days=3650) != []
    assert _references(engine, ["jember"], older_than_days=3650) == []


def test_unread_counts_reporter_messages_since_the_last_reply_or_opening(engine: Engine) -> None:
    case = make_case(engine, lead="jember")
    _escalate(engine, case, "jember", 60)
    _event(engine, case, "follow_up_received")
    _event(engine, case, "case_viewed")
    _event(engine, case, "follow_up_received")
    _event(engine, case, "follow_up_received")
    with db.session(engine) as session:
        person = Caseworker(name="Sari", office="jember")
        session.add(person)
        session.flush()
        rows = queue(session=session, offices=["jember"], query=QueueQuery(), now=NOW)
    assert [row.unread for row in rows] == [2]
    assert rows[0].owner_name is None


def test_waiting_for_me_is_my_cases_with_unread_messages_and_unclaimed_ones(
    engine: Engine,
) -> None:
    mine = make_case(engine, lead="jember", urgency="P2")
    answered = make_case(engine, lead="jember", urgency="P2")
    nobodys = make_case(engine, lead="jember", urgency="P3")
    with db.session(engine) as session:
        person = Caseworker(name="Sari", office="jember")
        session.add(person)
        session.flush()
        me = person.id or 0
    for case in (mine, answered, nobodys):
        _escalate(engine, case, "jember", 60)
    with db.session(engine) as session:
        for case in (mine, answered):
            found = escalations.escalation_of_case(session=session, case_id=case.id or 0)
            assert found is not None
            found.claimed_by, found.status = me, "claimed"
            session.add(found)
    _event(engine, mine, "follow_up_received")
    _event(engine, answered, "follow_up_received")
    _event(engine, answered, "reply_sent")

    assert _references(engine, ["jember"], waiting_for=me) == [mine.reference, nobodys.reference]
    assert _references(engine, ["jember"], owner=me) == [answered.reference, mine.reference]


def test_latest_change_moves_with_new_cases_and_reporter_messages(engine: Engine) -> None:
    with db.session(engine) as session:
        before = latest_change(session=session, offices=["jember"])
    case = make_case(engine, lead="jember")
    with db.session(engine) as session:
        after_case = latest_change(session=session, offices=["jember"])
    _event(engine, case, "follow_up_received")
    make_case(engine, lead="kuala_lumpur")
    with db.session(engine) as session:
        after_message = latest_change(session=session, offices=["jember"])
    assert before < after_case < after_message
    assert after_message[0] == after_case[0]
