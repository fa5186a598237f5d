"""Turns give way to a burst of incoming updates: for a bounded time from its first update."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import Engine

from bot.envelopes import Channel
from bot.runtime import inbox as inbox_module
from bot.runtime.inbox import Inbox
from bot.runtime.runner import Runner
from handlers.demo.web import translate


@pytest.fixture
def inbox(runner: Runner, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Inbox:
    monkeypatch.setattr(inbox_module, "YIELD_SECONDS", 0.3)
    return Inbox(engine, runner, {Channel.WEB: translate})


async def keep_arriving(inbox: Inbox, seconds: float, every: float = 0.005) -> None:
    """Notes an arrival every few milliseconds (a burst without a pause) for `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        inbox.arrived()
        await asyncio.sleep(every)


async def waited(inbox: Inbox) -> float:
    began = time.monotonic()
    await inbox.quiet()
    return time.monotonic() - began


async def test_a_turn_starts_at_once_when_nothing_is_arriving(inbox: Inbox) -> None:
    assert await waited(inbox) < 0.1


async def test_a_turn_waits_out_a_short_burst_and_starts_at_its_pause(inbox: Inbox) -> None:
    burst = asyncio.create_task(keep_arriving(inbox, 0.1))
    await asyncio.sleep(0)
    took = await waited(inbox)
    await burst
    assert 0.1 <= took < 0.25  # the burst's end and the 20 ms pause, not the whole yield


async def test_turns_give_way_for_at_most_the_yield_counted_from_the_bursts_start(
    inbox: Inbox,
) -> None:
    burst = asyncio.create_task(keep_arriving(inbox, 1.0))
    await asyncio.sleep(0)
    first = await waited(inbox)
    late = await waited(inbox)  # a turn scheduled after the yield is spent does not wait again
    burst.cancel()
    assert 0.25 <= first < 0.6
    assert late < 0.1


async def test_a_new_burst_after_a_pause_gets_its_own_yield(inbox: Inbox) -> None:
    await keep_arriving(inbox, 0.35)
    await asyncio.sleep(0.05)  # a pause: the burst is over
    burst = asyncio.create_task(keep_arriving(inbox, 1.0))
    await asyncio.sleep(0)
    took = await waited(inbox)
    burst.cancel()
    assert 0.25 <= took < 0.6
