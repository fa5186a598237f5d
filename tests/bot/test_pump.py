"""The worker's pump: each recorded update is handed on once, in id order, to its channel."""

from __future__ import annotations

import pytest
from inbox_rows import record_many
from sqlalchemy import Engine

from bot.envelopes import Channel
from bot.runtime.inbox import Inbox, InboxWriter
from bot.runtime.pump import Pump
from bot.runtime.runner import Runner


def inbox_with_log(engine: Engine, runner: Runner) -> tuple[Inbox, list[tuple[str, int, str]]]:
    """Returns an inbox whose channels only note what they were given."""
    inbox = Inbox(engine, runner, {})
    given: list[tuple[str, int, str]] = []
    for channel in (Channel.TELEGRAM, Channel.WHATSAPP):
        inbox.schedulers[channel] = lambda i, chat, c=channel: given.append((c.value, i, chat))
    return inbox, given


@pytest.mark.asyncio
async def test_the_pump_hands_each_update_on_once_in_id_order(
    engine: Engine, runner: Runner
) -> None:
    inbox, given = inbox_with_log(engine, runner)
    first = record_many(engine, Channel.TELEGRAM, [("1", "chat-a", b"{}"), ("2", None, b"{}")])
    second = record_many(engine, Channel.WHATSAPP, [("wamid.1", "chat-b", b"{}")])
    pump = Pump(inbox)
    assert await pump.feed() == 3
    ids = [*first, *second]
    assert given == [
        ("telegram", ids[0], "chat-a"),
        ("telegram", ids[1], f"inbound:{ids[1]}"),
        ("whatsapp", ids[2], "chat-b"),
    ]
    assert inbox.in_flight == set(ids)
    assert await pump.feed() == 0  # handed on already: never twice
    third = record_many(engine, Channel.TELEGRAM, [("3", "chat-a", b"{}")])
    assert await pump.feed() == 1
    assert given[-1] == ("telegram", third[0], "chat-a")


@pytest.mark.asyncio
async def test_the_retry_leaves_updates_in_flight_alone(engine: Engine, runner: Runner) -> None:
    inbox, given = inbox_with_log(engine, runner)
    record_many(engine, Channel.TELEGRAM, [("1", "chat-a", b"{}")])
    await Pump(inbox).feed()
    assert len(given) == 1
    assert await inbox.process_pending(grace_seconds=0) == 0


def test_the_writer_keeps_its_connection_and_replaces_a_lost_one(engine: Engine) -> None:
    writer = InboxWriter(engine, Channel.TELEGRAM)
    first = writer.record([("10", "5", b"a"), ("11", None, b"b")])
    assert all(found is not None for found in first)
    assert writer.record([("10", "5", b"a")]) == [None]  # a duplicate
    kept = writer.kept._connection
    assert kept is not None
    raw = kept.connection.dbapi_connection
    assert raw is not None
    raw.close()  # the connection is lost underneath
    with pytest.raises(Exception):  # noqa: B017, PT011 - whichever error the driver raises
        writer.record([("12", "5", b"c")])
    assert writer.record([("12", "5", b"c")])[0] is not None  # a new connection
    writer.close()
