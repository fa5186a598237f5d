"""What the console's queue shows of each row: the acknowledgement clock and who holds the case.

The rows themselves come from storage.queue in one query; this adds what is read off the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine

from bot.casework.audit import LISTED, record
from bot.casework.verbs import actor_of
from bot.staff import visible_offices
from storage import caseworkers, db
from storage.escalation_models import Caseworker
from storage.queue import QueueQuery, QueueRow, latest_change, queue


class Clock(StrEnum):
    """Where a case stands against its acknowledgement deadline."""

    RUNNING = "running"
    OVERDUE = "overdue"
    MET = "met"
    NONE = "none"


@dataclass(frozen=True)
class Deadline:
    """A row's acknowledgement deadline: its state, when it falls due and how far off it is."""

    clock: Clock
    due_at: dt.datetime | None = None
    left: dt.timedelta | None = None


def deadline(row: QueueRow, now: dt.datetime) -> Deadline:
    """Returns the acknowledgement clock of a queue row at `now`."""
    escalation = row.escalation
    if escalation is None:
        return Deadline(Clock.NONE)
    if escalation.acknowledged_at is not None:
        return Deadline(Clock.MET, escalation.acknowledged_at)
    due = escalation.ack_due_at
    if due is None:
        return Deadline(Clock.NONE)
    if due.tzinfo is None:
        due = due.replace(tzinfo=dt.UTC)
    clock = Clock.RUNNING if due > now else Clock.OVERDUE
    return Deadline(clock, due, due - now)


def list_queue(
    engine: Engine, who: Caseworker, query: QueueQuery, reason: str, at: dt.datetime
) -> list[QueueRow]:
    """Returns one page of the queue a person may see; each case listed is audited."""
    with db.session(engine) as session:
        found = queue(session=session, offices=visible_offices(who), query=query, now=at)
        for row in found:
            record(session, row.case.id or 0, LISTED, actor_of(who), reason, at)
        return found


def queue_owners(engine: Engine, offices: Collection[str]) -> list[tuple[int, str]]:
    """Returns the people of the offices who can hold a case, for the queue's owner filter."""
    with db.session(engine) as session:
        return caseworkers.colleagues(session=session, offices=offices)


def queue_mark(engine: Engine, offices: Collection[str]) -> str:
    """Returns a short mark that changes whenever a new case or reporter message arrives."""
    with db.session(engine) as session:
        newest_case, newest_message = latest_change(session=session, offices=offices)
    return f"{newest_case}:{newest_message}"
