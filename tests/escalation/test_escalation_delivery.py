"""Delivery against a loopback receiver: signing, the stored body, faults and the schedule."""

from __future__ import annotations

import json
from collections.abc import Callable

from esc_helpers import Clock, desk_of, dispatcher, endpoint, escalate, make_case
from esc_receiver import Receiver, closed_port
from sqlalchemy import Engine
from sqlmodel import col, select

from escalation.sweeper import Sweeper
from storage import db
from storage.escalation_models import Delivery, DeliveryAttempt, Escalation
from storage.models import CaseEvent

Start = Callable[..., Receiver]


def deliveries(engine: Engine) -> list[Delivery]:
    with db.session(engine) as session:
        return list(session.exec(select(Delivery).order_by(col(Delivery.id))))


def attempts(engine: Engine, delivery_id: int) -> list[DeliveryAttempt]:
    with db.session(engine) as session:
        query = select(DeliveryAttempt).where(col(DeliveryAttempt.delivery_id) == delivery_id)
        return list(session.exec(query.order_by(col(DeliveryAttempt.attempt_no))))


def events(engine: Engine, case_id: int) -> list[str]:
    with db.session(engine) as session:
        query = select(CaseEvent).where(col(CaseEvent.case_id) == case_id)
        return [e.type for e in session.exec(query.order_by(col(CaseEvent.id)))]


async def test_happy_path_posts_once_signed_with_the_stored_body(
    engine: Engine, receivers: Start
) -> None:
    receiver = receivers()
    desk = desk_of(endpoint("jakarta-inbox", "jakarta", receiver.url, receiver.secret))
    case = make_case(engine)
    escalate(engine, desk, case)
    sender = dispatcher(engine, desk)
    assert await sender.drain() == 1
    await sender.aclose()
    [request] = receiver.requests
    [row] = deliveries(engine)
    assert request.verified
    assert request.body == row.payload.encode()
    assert request.webhook_id == row.msg_id
    assert request.headers["content-type"] == "application/json"
    assert row.state == "delivered"
    assert row.delivered_at is not None
    assert [a.status_code for a in attempts(engine, row.id or 0)] == [200]
    body = json.loads(request.body)
    assert body["type"] == "escalation.created"
    assert body["data"]["case_ref"] == case.reference
    assert body["data"]["office"] == "jakarta"
    assert "escalation_delivered" in events(engine, case.id or 0)


async def test_three_500s_then_200_is_delivered_on_attempt_four(
    engine: Engine, receivers: Start, clock: Clock
) -> None:
    receiver = receivers()
    receiver.script.extend(["500", "500", "500"])
    desk = desk_of(endpoint("j", "jakarta", receiver.url, receiver.secret))
    escalate(engine, desk, make_case(engine), now=clock.now)
    sender = dispatcher(engine, desk, clock)
    for _ in range(4):
        await sender.drain()
        clock.advance(5)
    await sender.aclose()
    [row] = deliveries(engine)
    assert row.state == "delivered"
    assert row.attempts == 4
    assert [a.status_code for a in attempts(engine, row.id or 0)] == [500, 500, 500, 200]
    assert len(set(receiver.ids())) == 1


async def test_receiver_down_follows_the_schedule_then_dead_letters_and_re_escalates(
    engine: Engine, receivers: Start, clock: Clock
) -> None:
    supervisor = receivers()
    down = f"http://127.0.0.1:{closed_port()}/hook"
    desk = desk_of(
        endpoint("kl", "kuala_lumpur", down, supervisor.secret),
        endpoint("kl-sup", "kuala_lumpur", supervisor.url, supervisor.secret, level="supervisor"),
    )
    case = make_case(engine, lead="kuala_lumpur")
    escalate(engine, desk, case, now=clock.now)
    sender = dispatcher(engine, desk, clock)
    waits = []
    for _ in range(4):
        await sender.drain()
        [row] = [d for d in deliveries(engine) if d.endpoint_id == 1] or deliveries(engine)[:1]
        if row.state == "pending":
            waits.append((row.next_attempt_at - clock.now).total_seconds())
        clock.advance(1)
    await sender.aclose()
    first = deliveries(engine)[0]
    assert first.state == "dead"
    assert first.attempts == 4
    for wait, base in zip(waits, (0.2, 0.4, 0.8), strict=True):
        assert base * 0.8 <= wait <= base * 1.2
    assert [a.error_class for a in attempts(engine, first.id or 0)] == ["ConnectError"] * 4
    assert "delivery_dead" in events(engine, case.id or 0)
    with db.session(engine) as session:
        escalation = session.exec(select(Escalation)).one()
        assert escalation.ack_due_at is not None
        assert escalation.ack_due_at <= clock.now
    assert Sweeper(engine, desk, clock=clock).tick() == (0, 1)
    sender = dispatcher(engine, desk, clock)
    await sender.drain()
    await sender.aclose()
    [request] = supervisor.requests
    body = json.loads(request.body)
    assert body["type"] == "escalation.re_escalated"
    assert body["data"]["level_name"] == "supervisor"
    assert "escalation_re_escalated" in events(engine, case.id or 0)
