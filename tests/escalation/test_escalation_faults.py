"""Fault injection: Retry-After, 410, redirects, timeouts, slow drip, kills, a slow endpoint."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import pytest
from esc_helpers import Clock, desk_of, dispatcher, endpoint, escalate, make_case
from esc_receiver import Receiver
from sqlalchemy import Engine
from sqlmodel import col, select
from test_escalation_delivery import attempts, deliveries

from escalation.delivery.retry import Policy
from escalation.sweeper import Sweeper
from storage import db
from storage.escalation_models import Delivery, WebhookEndpoint

Start = Callable[..., Receiver]
SLOW = Policy(schedule=(5, 30, 120), floor=60)


@pytest.mark.parametrize(("script", "least"), [("429:120", 120), ("503", 60), ("504", 60)])
async def test_slow_down_answers_wait_at_least_retry_after_or_the_floor(
    engine: Engine, receivers: Start, clock: Clock, script: str, least: float
) -> None:
    receiver = receivers()
    receiver.script.append(script)
    desk = desk_of(endpoint("j", "jakarta", receiver.url, receiver.secret))
    escalate(engine, desk, make_case(engine), now=clock.now)
    sender = dispatcher(engine, desk, clock, policy=SLOW)
    await sender.drain()
    [row] = deliveries(engine)
    assert row.state == "pending"
    assert (row.next_attempt_at - clock.now).total_seconds() >= least
    clock.advance(least - 1)
    assert await sender.drain() == 0
    clock.advance(least * 0.3)
    assert await sender.drain() == 1
    await sender.aclose()
    assert deliveries(engine)[0].state == "delivered"


async def test_410_disables_the_endpoint_and_re_escalates_at_once(
    engine: Engine, receivers: Start, clock: Clock
) -> None:
    gone, supervisor = receivers(), receivers()
    gone.default = "410"
    desk = desk_of(
        endpoint("kl", "kuala_lumpur", gone.url, gone.secret),
        endpoint("kl-sup", "kuala_lumpur", supervisor.url, supervisor.secret, level="supervisor"),
    )
    case = make_case(engine, lead="kuala_lumpur", urgency="P2")
    escalate(engine, desk, case, now=clock.now)
    sender = dispatcher(engine, desk, clock)
    await sender.drain()
    [row] = deliveries(engine)
    assert row.state == "dead"
    with db.session(engine) as session:
        kl = session.exec(select(WebhookEndpoint).where(col(WebhookEndpoint.name) == "kl")).one()
        assert not kl.enabled
        assert kl.disabled_reason == "410 Gone"
    assert Sweeper(engine, desk, clock=clock).tick() == (0, 1)
    await sender.drain()
    await sender.aclose()
    assert [json.loads(r.body)["type"] for r in supervisor.requests] == ["escalation.re_escalated"]
    assert len(gone.requests) == 1


async def test_redirect_is_a_failure_and_is_not_followed(
    engine: Engine, receivers: Start, clock: Clock
) -> None:
    receiver = receivers()
    receiver.script.append("302")
    desk = desk_of(endpoint("j", "jakarta", receiver.url, receiver.secret))
    escalate(engine, desk, make_case(engine), now=clock.now)
    sender = dispatcher(engine, desk, clock)
    await sender.drain()
    await sender.aclose()
    [row] = deliveries(engine)
    assert row.state == "pending"
    assert row.last_error == "http_302"
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("behaviour", ["sleep:5", "drip"])
async def test_a_slow_or_dripping_receiver_is_cut_at_the_deadline(
    engine: Engine, receivers: Start, behaviour: str
) -> None:
    receiver = receivers()
    receiver.script.append(behaviour)
    desk = desk_of(endpoint("j", "jakarta", receiver.url, receiver.secret))
    escalate(engine, desk, make_case(engine))
    sender = dispatcher(engine, desk, request_timeout=1.0)
    started = time.monotonic()
    await sender.drain()
    elapsed = time.monotonic() - started
    await sender.aclose()
    [row] = deliveries(engine)
    [attempt] = attempts(engine, row.id or 0)
    assert attempt.error_class == "timeout"
    assert attempt.duration_ms < 2000  # cut within the 1 s deadline + 1 s
    assert elapsed < 5.0  # the whole drain, database work included, on a busy machine
    assert row.state == "pending"


async def test_a_kill_mid_delivery_redelivers_with_the_same_webhook_id(
    engine: Engine, receivers: Start
) -> None:
    receiver = receivers()
    receiver.script.append("hang")
    desk = desk_of(endpoint("j", "jakarta", receiver.url, receiver.secret))
    escalate(engine, desk, make_case(engine))
    first = dispatcher(engine, desk, owner="first", request_timeout=10.0, lease_seconds=1.0)
    task = asyncio.create_task(first.run())
    assert await asyncio.to_thread(receiver.arrived.wait, 10)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert deliveries(engine)[0].state == "sending"
    await asyncio.sleep(1.1)
    second = dispatcher(engine, desk, owner="second")
    assert await second.drain() == 0
    assert Sweeper(engine, desk).tick()[0] == 1
    assert await second.drain() == 1
    await second.aclose()
    [row] = deliveries(engine)
    assert row.state == "delivered"
    assert row.attempts == 2
    assert receiver.ids() == [row.msg_id, row.msg_id]
    assert [a.attempt_no for a in attempts(engine, row.id or 0)] == [2]


async def test_a_slow_endpoint_is_held_to_its_cap_and_does_not_delay_another(
    engine: Engine, receivers: Start
) -> None:
    slow, fast = receivers(), receivers()
    slow.default = "sleep:0.6"
    desk = desk_of(
        endpoint("slow", "jakarta", slow.url, slow.secret, max_in_flight=2),
        endpoint("fast", "kuala_lumpur", fast.url, fast.secret),
    )
    for _ in range(6):
        escalate(engine, desk, make_case(engine, lead="jakarta", urgency="P2"))
        escalate(engine, desk, make_case(engine, lead="kuala_lumpur", urgency="P2"))
    sender = dispatcher(engine, desk, request_timeout=5.0)
    task = asyncio.create_task(sender.run())
    started = time.monotonic()
    while len(fast.requests) < 6 or len(slow.requests) < 6 or slow.active:
        assert time.monotonic() - started < 20
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    # the slow endpoint's fifth request waits for two rounds of 0.6 s; the fast one never waits
    assert max(r.at for r in fast.requests) < sorted(r.at for r in slow.requests)[4]
    assert slow.peak == 2
    assert {d.state for d in deliveries(engine)} == {"delivered"}


async def test_the_breaker_pauses_a_failing_endpoint_then_probes_once(
    engine: Engine, receivers: Start, clock: Clock
) -> None:
    receiver = receivers()
    receiver.default = "500"
    desk = desk_of(endpoint("j", "jakarta", receiver.url, receiver.secret))
    for _ in range(4):
        escalate(engine, desk, make_case(engine, urgency="P2"), now=clock.now)
    sender = dispatcher(engine, desk, clock, breaker_failures=3, breaker_pause_seconds=60)
    await sender.drain()
    tried = len(receiver.requests)
    with db.session(engine) as session:
        row = session.exec(select(WebhookEndpoint)).one()
        assert row.paused_until is not None
    clock.advance(30)
    assert await sender.drain() == 0
    clock.advance(31)
    receiver.default = "ok"
    assert await sender.drain() >= 1
    assert len(receiver.requests) > tried
    assert tried == 4
    await sender.aclose()
    with db.session(engine) as session:
        states = session.exec(select(Delivery.state)).all()
    assert set(states) == {"delivered"}
