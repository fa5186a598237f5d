"""Dashboard figures as pure functions over CaseFacts rows: counts per dimension and timings.

Time to acknowledge is measured from the escalation's opening to its acknowledgement, against the
acknowledgement deadline of the urgency (the offices' Deadlines). Time to first reply is measured
from the same opening to the first caseworker reply to the reporter (the earliest CaseNote of kind
"reply"), against flows.triage.RESPONSE_TARGETS. A case still waiting past its deadline counts as
missed; one still waiting within it is not counted yet.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.insights import labels
from flows.triage import RESPONSE_TARGETS
from storage.insights import CaseFacts

REPLY_TARGETS: Mapping[str, dt.timedelta] = {u.value: t for u, t in RESPONSE_TARGETS.items()}
"""When a person should have answered the reporter, per urgency."""


class Dimension(StrEnum):
    CATEGORY = "category"
    DESTINATION_COUNTRY = "destination_country"
    HOME_REGENCY = "home_regency"
    URGENCY = "urgency"
    OFFICE = "office"
    MONTH = "month"


class Clock(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    FIRST_REPLY = "first_reply"


LABELLERS: Mapping[Dimension, Callable[[CaseFacts], str]] = {
    Dimension.CATEGORY: lambda r: labels.code(r.category, labels.CATEGORIES),
    Dimension.DESTINATION_COUNTRY: lambda r: labels.country(r.destination_country),
    Dimension.HOME_REGENCY: lambda r: labels.regency(r.home_regency),
    Dimension.URGENCY: lambda r: labels.code(r.urgency, frozenset(labels.URGENCIES)),
    Dimension.OFFICE: lambda r: r.office or labels.UNKNOWN,
    Dimension.MONTH: lambda r: labels.month(r.created_at),
}


def counts(rows: Iterable[CaseFacts], dimension: Dimension) -> list[tuple[str, int]]:
    """Returns (label, cases) per label: months in order, the others largest first."""
    found = Counter(LABELLERS[dimension](r) for r in rows)
    if dimension in (Dimension.MONTH, Dimension.URGENCY):
        return sorted(found.items())
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class Timing:
    """How long one group of cases took, and how many were within the deadline."""

    measured: int
    within: int
    missed_waiting: int
    """Cases not yet acknowledged (or answered) although their deadline has passed."""
    median: dt.timedelta | None
    p90: dt.timedelta | None

    @property
    def share_within(self) -> float | None:
        """Returns the share of decided cases that were within the deadline, or None."""
        decided = self.measured + self.missed_waiting
        return self.within / decided if decided else None


def percentile(values: Sequence[dt.timedelta], share: float) -> dt.timedelta | None:
    """Returns the nearest-rank percentile of the values (share between 0 and 1), or None."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _ended(row: CaseFacts, clock: Clock) -> dt.datetime | None:
    """Returns when the clock of a case stopped, if it did."""
    return row.acknowledged_at if clock is Clock.ACKNOWLEDGE else row.first_reply_at


def timing(
    rows: Iterable[CaseFacts],
    clock: Clock,
    deadlines: Mapping[str, dt.timedelta],
    now: dt.datetime,
) -> Timing:
    """Returns the timing of the rows on one clock against the deadline of each urgency."""
    took: list[dt.timedelta] = []
    within = missed = 0
    for row in rows:
        if row.opened_at is None:
            continue
        limit = deadlines.get(row.urgency, deadlines["P3"])
        ended = _ended(row, clock)
        if ended is None:
            missed += now - row.opened_at > limit
            continue
        took.append(max(ended - row.opened_at, dt.timedelta(0)))
        within += took[-1] <= limit
    return Timing(len(took), within, missed, percentile(took, 0.5), percentile(took, 0.9))


def timings(
    rows: Iterable[CaseFacts],
    clock: Clock,
    deadlines: Mapping[str, dt.timedelta],
    now: dt.datetime,
) -> dict[tuple[str, str], Timing]:
    """Returns the timing per (month, urgency), months in order."""
    groups: dict[tuple[str, str], list[CaseFacts]] = {}
    for row in rows:
        key = (labels.month(row.created_at), row.urgency)
        groups.setdefault(key, []).append(row)
    return {key: timing(groups[key], clock, deadlines, now) for key in sorted(groups)}


def by_urgency(
    rows: Iterable[CaseFacts],
    clock: Clock,
    deadlines: Mapping[str, dt.timedelta],
    now: dt.datetime,
) -> dict[str, Timing]:
    """Returns the timing per urgency, P0 to P3, each urgency present even without cases."""
    groups: dict[str, list[CaseFacts]] = {u: [] for u in labels.URGENCIES}
    for row in rows:
        groups.setdefault(row.urgency, []).append(row)
    return {u: timing(groups[u], clock, deadlines, now) for u in labels.URGENCIES}


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the dashboard for one set of cases."""

    counts: Mapping[Dimension, list[tuple[str, int]]]
    acknowledge: Mapping[tuple[str, str], Timing]
    first_reply: Mapping[tuple[str, str], Timing]


def dashboard(
    rows: Sequence[CaseFacts], ack_deadlines: Mapping[str, dt.timedelta], now: dt.datetime
) -> Dashboard:
    """Returns the counts per dimension and both clocks per month and urgency."""
    return Dashboard(
        counts={d: counts(rows, d) for d in Dimension},
        acknowledge=timings(rows, Clock.ACKNOWLEDGE, ack_deadlines, now),
        first_reply=timings(rows, Clock.FIRST_REPLY, REPLY_TARGETS, now),
    )
