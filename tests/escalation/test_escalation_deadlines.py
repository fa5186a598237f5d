"""Acknowledgement deadlines: one level at a time, exactly once per level, never silent."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter

import pytest
from esc_helpers import Clock, desk_of, endpoint, escalate, make_case
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.casework import verbs as casework
from escalation.desk import Desk
from escalation.offices import Deadlines
from escalation.sweeper import Sweeper
from storage import caseworkers, db
from storage.escalation_models import Delivery, Escalation, WebhookEndpoint
from storage.models import Case, CaseEvent

SECRET = "whsec_" + "B" * 44


def levels_desk() -> Desk:
    return desk_of(
        endpoint("kl", "kuala_lumpur", "https://kl.example.org/h", SECRET),
        endpoint("kl-sup", "kuala_lumpur", "https://kl.example.org/s", SECRET, level="on_call"),
        endpoint("jkt", "jakarta", "https://jkt.example.org/h", SECRET),
        endpoint("ops", "operator", "https://ops.example.org/h", SECRET),
    )


def escalation(engine: Engine) -> Escalation:
    with db.session(engine) as session:
        return session.exec(select(Escalation)).one()


def timeline(engine: Engine) -> list[tuple[str, dict[str, object]]]:
    with db.session(engine) as session:
        rows = session.exec(select(CaseEvent).order_by(col(CaseEvent.id)))
        return [(e.type, dict(e.data)) for e in rows]


def alerts(engine: Engine) -> Counter[tuple[str, int, str]]:
    """Counts deliveries by (endpoint name, level, event type)."""
    with db.session(engine) as session:
        query = select(WebhookEndpoint.name, Delivery.level, Delivery.event_type).where(
            col(Delivery.endpoint_id) == col(WebhookEndpoint.id)
        )
        return Counter(session.exec(query).all())


def test_p0_is_due_within_fifteen_minutes_around_the_clock(engine: Engine, clock: Clock) -> None:
    escalate(engine, levels_desk(), make_case(engine, urgency="P0"), now=clock.now)
    assert escalation(engine).ack_due_at == clock.now + dt.timedelta(minutes=15)


def test_each_level_fires_exactly_once_then_the_operator_is_reminded(
    engine: Engine, clock: Clock
) -> None:
    desk = levels_desk()
    escalate(engine, desk, make_case(engine, lead="kuala_lumpur", urgency="P0"), now=clock.now)
    sweep = Sweeper(engine, desk, clock=clock)
    assert sweep.tick() == (0, 0)
    for level in (1, 2, 3):
        clock.advance(15 * 60 + 1)
        assert sweep.tick() == (0, 1)
        assert sweep.tick() == (0, 0)
        assert escalation(engine).level == level
    assert escalation(engine).ack_due_at == clock.now + dt.timedelta(hours=2)
    clock.advance(2 * 3600 + 1)
    assert sweep.tick() == (0, 1)
    counts = alerts(engine)
    assert counts[("kl", 0, "escalation.created")] == 1
    assert counts[("kl-sup", 1, "escalation.re_escalated")] == 1
    assert counts[("jkt", 2, "escalation.re_escalated")] == 1
    assert counts[("ops", 3, "escalation.re_escalated")] == 1
    assert counts[("ops", 3, "escalation.reminder")] == 1
    assert counts[("kl", 3, "escalation.re_escalated")] == 1  # earlier levels hear of each move
    types = [t for t, _ in timeline(engine)]
    assert types.count("escalation_re_escalated") == 3
    assert types.count("operator_alerted") == 2


def test_levels_nobody_serves_are_skipped_and_the_operator_still_hears(
    engine: Engine, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    desk = desk_of(deadlines=Deadlines())
    escalate(engine, desk, make_case(engine, urgency="P1"), now=clock.now)
    clock.advance(3601)
    with caplog.at_level(logging.ERROR, logger="escalation.deadlines"):
        assert Sweeper(engine, desk, clock=clock).tick() == (0, 1)
    assert escalation(engine).level == 3
    types = [t for t, _ in timeline(engine)]
    assert types.count("escalation_level_skipped") == 2
    assert types[-1] == "operator_alerted"
    assert "OPERATOR ALERT" in caplog.text


def test_an_acknowledged_escalation_is_not_re_escalated(engine: Engine, clock: Clock) -> None:
    desk = levels_desk()
    case = make_case(engine, urgency="P0")
    escalate(engine, desk, case, now=clock.now)
    with db.session(engine) as session:
        who = caseworkers.create_caseworker(session=session, name="Rina", office="jakarta")
        row = session.get(Case, case.id)
        assert row is not None
        casework.acknowledge(session, desk, row, who, clock.now)
    clock.advance(3600)
    assert Sweeper(engine, desk, clock=clock).tick() == (0, 0)
    assert escalation(engine).level == 0


def test_sweeps_racing_in_two_threads_move_up_once(engine: Engine, clock: Clock) -> None:
    desk = levels_desk()
    escalate(engine, desk, make_case(engine, lead="kuala_lumpur", urgency="P0"), now=clock.now)
    clock.advance(15 * 60 + 1)
    barrier, moved = threading.Barrier(2), []

    def run() -> None:
        barrier.wait(timeout=10)
        moved.append(Sweeper(engine, desk, clock=clock).tick()[1])

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(moved) == [0, 1]
    assert alerts(engine)[("kl-sup", 1, "escalation.re_escalated")] == 1
