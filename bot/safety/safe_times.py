"""Safe times (S-06): the reporter's chosen local windows for messages Suara sends unprompted.

A window is "HH:MM-HH:MM" in the reporter's local time (reporter.utc_offset_minutes, UTC when
unknown); an end at or before the start runs past midnight, and equal ends mean all day. No
usable window means no restriction. Replies to the reporter's own messages are never delayed:
only reminders and caseworker messages ask for the next safe time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from storage import outbox
from storage.models import Conversation, OutboxMessage, Reporter

WINDOW = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")
DEFERRED = "deferred"
"""Outbox status of a message held until a safe time; the ticker makes it pending then.
(A pending row would block the chat's later rows, and so the reporter's own replies.)"""


def parse_windows(values: Iterable[str]) -> list[tuple[dt.time, dt.timedelta]]:
    """Returns (local start, length) of every well-formed window; others are ignored."""
    windows = []
    for value in values:
        found = WINDOW.match(str(value))
        if found is None:
            continue
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        minutes = (end - start) % (24 * 60) or 24 * 60
        windows.append((dt.time(h1, m1), dt.timedelta(minutes=minutes)))
    return windows


def next_safe_in(
    windows: Sequence[str], offset_minutes: int | None, at: dt.datetime
) -> dt.datetime:
    """Returns `at` when inside a window (or none is set), else the next window's start (UTC)."""
    parsed = parse_windows(windows)
    if not parsed:
        return at
    offset = dt.timedelta(minutes=offset_minutes or 0)
    local = (at + offset).replace(tzinfo=None)
    starts = []
    for day in (-1, 0, 1):
        date = local.date() + dt.timedelta(days=day)
        for start, length in parsed:
            begin = dt.datetime.combine(date, start)
            if begin <= local < begin + length:
                return at
            if begin > local:
                starts.append(begin)
    return (min(starts) - offset).replace(tzinfo=dt.UTC)


def next_safe_time(reporter: Reporter, at: dt.datetime) -> dt.datetime:
    """Returns `at` when the reporter may be written to now, else the start of their next window."""
    return next_safe_in(reporter.safe_times or [], reporter.utc_offset_minutes, at)


def is_safe(reporter: Reporter, at: dt.datetime) -> bool:
    """Returns whether the reporter may be written to unprompted at `at`."""
    return next_safe_time(reporter, at) <= at


def hold_until_safe(row: OutboxMessage, reporter: Reporter, at: dt.datetime) -> None:
    """Defers a queued unprompted message to the reporter's next safe time (changes the row)."""
    when = next_safe_time(reporter, at)
    if when > at:
        row.status, row.next_attempt_at = DEFERRED, when


def queue_when_safe(
    session: Session,
    conversation: Conversation,
    reporter_id: int,
    payloads: list[dict[str, Any]],
    at: dt.datetime,
) -> list[OutboxMessage]:
    """Queues unprompted messages for a conversation, each held until the reporter's safe time."""
    rows = outbox.enqueue_outbox(
        session=session,
        conversation_id=conversation.id,
        channel=conversation.channel,
        chat_id=conversation.chat_id,
        payloads=payloads,
    )
    reporter = session.get(Reporter, reporter_id)
    for row in rows if reporter is not None else []:
        assert reporter is not None
        hold_until_safe(row, reporter, at)
    return rows


def release_deferred(session: Session, now: dt.datetime) -> int:
    """Makes deferred messages whose safe time has come pending; returns how many."""
    result = session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == DEFERRED, col(OutboxMessage.next_attempt_at) <= now)
        .values(status="pending")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
