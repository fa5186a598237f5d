"""The insights queries: the rows some offices see, in two queries, and an export without them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from bot.insights import EXPORTED, audited_export, case_facts, research_export
from storage import db
from storage.escalation_models import CaseNote, Caseworker, Delivery, Escalation, WebhookEndpoint
from storage.models import Case, Conversation, Reporter
from storage.staff_models import AccountEvent

AT = dt.datetime(2026, 2, 3, 4, 0, tzinfo=dt.UTC)
NAME, PHONE = "Siti Rahayu", "+6281234567890"


def _case(session: Session, n: int, office: str, *, draft: bool = False) -> Case:
    """Adds a case with a name and phone number in its answers and chat id."""
    reporter = Reporter(channel="telegram", channel_user_id=f"{PHONE}{n}")
    session.add(reporter)
    session.flush()
    conversation = Conversation(
        reporter_id=reporter.id or 0, channel="telegram", chat_id=f"{PHONE}{n}"
    )
    session.add(conversation)
    session.flush()
    case = Case(
        reference=f"MC-2026-{n:06d}",
        conversation_id=conversation.id or 0,
        reporter_id=reporter.id or 0,
        status="draft" if draft else "submitted",
        primary_category="GAJI",
        urgency="P1",
        destination_country="MY",
        home_regency="Jember",
        lead_office=office,
        locale="id",
        channel="telegram",
        reporter_role="worker",
        answers={"name": NAME, "phone": PHONE},
        submitted_at=None if draft else AT,
    )
    session.add(case)
    session.flush()
    return case


def _escalate(session: Session, case: Case, office: str, minutes: int | None) -> Escalation:
    """Opens the case's escalation at AT, acknowledged after the minutes given."""
    acked = None if minutes is None else AT + dt.timedelta(minutes=minutes)
    row = Escalation(
        case_id=case.id or 0,
        kind="case",
        urgency="P1",
        office=office,
        status="acknowledged" if acked else "open",
        created_at=AT,
        acknowledged_at=acked,
    )
    session.add(row)
    session.flush()
    return row


def _plant(engine: Engine) -> dict[str, int]:
    """Plants Jember and Kuala Lumpur cases, replies, a note and a draft; returns ids by name."""
    with db.session(engine) as session:
        worker = Caseworker(name="Ani", office="jember")
        session.add(worker)
        jember = _case(session, 1, "jember")
        _escalate(session, jember, "jember", 30)
        for minutes, kind in ((90, "reply"), (45, "note"), (50, "reply")):
            at = AT + dt.timedelta(minutes=minutes)
            session.add(
                CaseNote(
                    case_id=jember.id or 0,
                    caseworker_id=worker.id or 0,
                    kind=kind,
                    text=NAME,
                    created_at=at,
                )
            )
        kl = _case(session, 2, "kuala_lumpur")
        kl_escalation = _escalate(session, kl, "kuala_lumpur", None)
        alerted = _case(session, 3, "kuala_lumpur")
        alerted_escalation = _escalate(session, alerted, "kuala_lumpur", None)
        endpoint = WebhookEndpoint(name="jember-cw", office="jember", url="https://x.example")
        session.add(endpoint)
        session.flush()
        session.add(
            Delivery(
                msg_id="m1",
                escalation_id=alerted_escalation.id or 0,
                endpoint_id=endpoint.id or 0,
                office="jember",
                event_type="escalation.opened",
                payload="{}",
            )
        )
        _case(session, 4, "jember", draft=True)
        assert kl_escalation.id is not None
        return {"jember": jember.id or 0, "kl": kl.id or 0, "alerted": alerted.id or 0}


@contextmanager
def _counting(engine: Engine) -> Iterator[list[str]]:
    """Collects the statements run on the engine while inside."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_an_office_sees_its_cases_and_the_ones_it_was_alerted_of(engine: Engine) -> None:
    ids = _plant(engine)
    with db.session(engine) as session:
        jember = {r.case_id: r for r in case_facts(session=session, offices={"jember"})}
        kl = {r.case_id for r in case_facts(session=session, offices={"kuala_lumpur"})}
        nobody = case_facts(session=session, offices=set())
    assert set(jember) == {ids["jember"], ids["alerted"]}
    assert kl == {ids["kl"], ids["alerted"]}
    assert nobody == []
    row = jember[ids["jember"]]
    assert row.acknowledged_at == AT + dt.timedelta(minutes=30)
    assert row.first_reply_at == AT + dt.timedelta(minutes=50)
    assert row.opened_at == AT
    assert row.created_at == AT
    assert jember[ids["alerted"]].first_reply_at is None


def test_rows_come_in_two_queries_whatever_the_number_of_cases(engine: Engine) -> None:
    _plant(engine)
    with db.session(engine) as session, _counting(engine) as seen:
        case_facts(session=session, offices={"jember", "kuala_lumpur"})
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 2


def test_research_export_carries_no_personal_data(engine: Engine) -> None:
    _plant(engine)
    with db.session(engine) as session:
        text = research_export(session, {"jember", "kuala_lumpur"}, k=1)
        suppressed = research_export(session, {"jember", "kuala_lumpur"}, k=5)
    assert NAME not in text
    assert PHONE not in text
    assert "MC-2026" not in text
    assert "2026-02-03" not in text
    lines = text.splitlines()
    assert len(lines) == 4  # the header and three submitted cases
    assert "2026-02,GAJI,P1,MY,east_java," in lines[1]
    assert suppressed.splitlines()[1:] == []  # three cases cannot hide among five


def test_an_audited_export_logs_who_and_how_many_rows_not_what(engine: Engine) -> None:
    _plant(engine)
    with db.session(engine) as session:
        admin = Caseworker(name="Ana", office="jakarta", role="admin")
        session.add(admin)
        session.flush()
        admin_id = admin.id or 0
    found = audited_export(engine, {"jember", "kuala_lumpur"}, admin_id, AT, k=1)
    assert found.rows == 3
    assert found.text.count("\n") == 4
    with db.session(engine) as session:
        entry = session.exec(select(AccountEvent).where(col(AccountEvent.type) == EXPORTED)).one()
        assert (entry.caseworker_id, entry.item_count, entry.at) == (admin_id, 3, AT)
