"""Dispatchers wake on other processes' commits (PostgreSQL NOTIFY) and survive database errors."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import psycopg
import pytest
from esc_helpers import desk_of, dispatcher, endpoint, escalate, make_case
from esc_receiver import Receiver
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from escalation.delivery import signing, wakeup
from escalation.delivery.dispatcher import Dispatcher
from storage.db import is_postgres, make_engine
from storage.delivery_claims import Claimed

Start = Callable[..., Receiver]


async def _set_within(flag: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(flag.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def test_a_commit_in_another_process_wakes_the_listener_and_a_rollback_does_not(
    engine: Engine,
) -> None:
    if not is_postgres(engine):
        pytest.skip("cross-process wake-ups use PostgreSQL NOTIFY")
    flag = asyncio.Event()
    key = wakeup.register(asyncio.get_running_loop(), flag)
    channel = f"suara_test_{uuid.uuid4().hex[:12]}"  # other test runs may share the database
    listener = asyncio.create_task(wakeup.listen(engine, channel=channel))
    other = make_engine(engine.url.render_as_string(hide_password=False))  # no local hooks
    try:
        assert await _set_within(flag, 5.0), "the listener catches up when it starts"
        flag.clear()
        with other.connect() as connection:
            connection.execute(text(f"NOTIFY {channel}"))
            connection.rollback()
        assert not await _set_within(flag, 0.5)
        with other.begin() as connection:
            connection.execute(text(f"NOTIFY {channel}"))
        assert await _set_within(flag, 5.0)
    finally:
        listener.cancel()
        wakeup.unregister(key)
        other.dispose()


def test_the_transaction_that_queues_a_webhook_notifies_other_processes(engine: Engine) -> None:
    if not is_postgres(engine):
        pytest.skip("cross-process wake-ups use PostgreSQL NOTIFY")
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    desk = desk_of(endpoint("j", "jakarta", "http://127.0.0.1:9/hook", signing.new_secret()))
    case = make_case(engine)
    with psycopg.connect(url, autocommit=True) as listening:
        listening.execute(f"LISTEN {wakeup.CHANNEL}")
        escalate(engine, desk, case)
        heard = [n.channel for n in listening.notifies(timeout=5.0, stop_after=1)]
    assert heard == [wakeup.CHANNEL]


class LockedOnce(Dispatcher):
    """A dispatcher whose first claim meets a locked database."""

    locked = True

    def _claim(self, capacity: dict[int, int], limit: int) -> list[Claimed]:
        if self.locked:
            self.locked = False
            raise OperationalError("claim", {}, Exception("database is locked"))
        return super()._claim(capacity, limit)


async def test_the_dispatcher_survives_a_database_error_and_delivers_afterwards(
    engine: Engine, receivers: Start
) -> None:
    receiver = receivers()
    desk = desk_of(endpoint("j", "jakarta", receiver.url, receiver.secret))
    escalate(engine, desk, make_case(engine))
    template = dispatcher(engine, desk)
    running = LockedOnce(
        engine, desk, policy=template.policy, tuning=template.tuning, clock=template.clock
    )
    task = asyncio.create_task(running.run())
    try:
        for _ in range(200):
            if receiver.ids():
                break
            await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert not running.locked
    assert len(receiver.ids()) == 1
