"""Several dispatchers: PostgreSQL shares the queue (SKIP LOCKED), SQLite runs exactly one."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from esc_helpers import desk_of, dispatcher, endpoint, escalate, make_case
from esc_receiver import Receiver
from sqlalchemy import Engine
from sqlmodel import func, select

from storage import db
from storage.db import is_postgres
from storage.escalation_models import Delivery, DeliveryAttempt

Start = Callable[..., Receiver]


async def test_two_dispatchers_on_postgres_never_deliver_twice(
    engine: Engine, receivers: Start
) -> None:
    if not is_postgres(engine):
        pytest.skip("several dispatchers share one queue on PostgreSQL only")
    receiver = receivers()
    desk = desk_of(endpoint("j", "jakarta", receiver.url, receiver.secret, max_in_flight=16))
    for _ in range(150):
        escalate(engine, desk, make_case(engine, urgency="P2"))
    first = dispatcher(engine, desk, owner="one", batch=5)
    second = dispatcher(engine, desk, owner="two", batch=5)
    counts = await asyncio.gather(first.drain(), second.drain())
    await first.aclose()
    await second.aclose()
    assert sum(counts) == 150
    assert min(counts) > 0, "both dispatchers took a share"
    assert Counter(receiver.ids()).most_common(1)[0][1] == 1
    assert len(receiver.ids()) == 150
    with db.session(engine) as session:
        assert session.exec(select(func.count()).select_from(DeliveryAttempt)).one() == 150
        states = set(session.exec(select(Delivery.state)).all())
    assert states == {"delivered"}


async def test_sqlite_runs_one_dispatcher_and_a_dead_holder_is_replaced(
    engine: Engine, receivers: Start
) -> None:
    if is_postgres(engine):
        pytest.skip("the dispatcher lease is for SQLite")
    receiver = receivers()
    desk = desk_of(endpoint("j", "jakarta", receiver.url, receiver.secret))
    escalate(engine, desk, make_case(engine))
    holder = dispatcher(engine, desk, owner="holder", dispatcher_lease_seconds=1.0)
    other = dispatcher(engine, desk, owner="other", dispatcher_lease_seconds=1.0)
    assert await holder._hold_lease()
    assert await other.drain() == 0
    assert receiver.requests == []
    await asyncio.sleep(1.1)  # the holder died without giving the lease back
    assert await other.drain() == 1
    assert not await holder._hold_lease()
    await other.aclose()
    assert await holder._hold_lease()
    await holder.aclose()
    assert len(receiver.requests) == 1


def test_processes_syncing_endpoints_at_once_create_each_row_once(engine: Engine) -> None:
    import threading

    from escalation.delivery import endpoints
    from storage.escalation_models import WebhookEndpoint

    desk = desk_of(endpoint("j", "jakarta", "https://j.example.org/h", "whsec_" + "C" * 44))
    barrier, errors = threading.Barrier(4), []

    def sync() -> None:
        barrier.wait(timeout=10)
        try:
            with db.session(engine) as session:
                endpoints.sync_endpoints(session, desk.directory, dt.datetime.now(dt.UTC))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)

    threads = [threading.Thread(target=sync) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with db.session(engine) as session:
        assert session.exec(select(func.count()).select_from(WebhookEndpoint)).one() == 1


def test_endpoint_rows_written_but_not_committed_are_not_shared(engine: Engine) -> None:
    from escalation.delivery import endpoints

    desk = desk_of(endpoint("j", "jakarta", "https://j.example.org/h", "whsec_" + "D" * 44))
    endpoints.forget_endpoints()

    def failing_first_turn() -> None:
        with db.session(engine) as session:
            endpoints.rows_by_name(session, desk.directory, dt.datetime.now(dt.UTC))
            raise RuntimeError("the first turn after start failed")

    with pytest.raises(RuntimeError):
        failing_first_turn()
    case = make_case(engine)
    escalate(engine, desk, case)  # would hit a foreign-key error with a stale cached id
    with db.session(engine) as session:
        assert session.exec(select(func.count()).select_from(Delivery)).one() == 1
