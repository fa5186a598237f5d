"""Dashboard figures: counts per dimension and timings against the deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.insights import (
    REPLY_TARGETS,
    Clock,
    Dimension,
    by_urgency,
    counts,
    dashboard,
    timing,
    timings,
)
from escalation.offices import Deadlines
from storage.insights import CaseFacts

OPENED = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
ACK = Deadlines().ack


def fact(case_id: int, **changes: object) -> CaseFacts:
    """Returns a P1 Jember case opened at OPENED, changed as asked."""
    base = CaseFacts(
        case_id=case_id,
        status="acknowledged",
        urgency="P1",
        category="GAJI",
        destination_country="MY",
        home_regency="Jember",
        office="jember",
        channel="telegram",
        reporter_role="worker",
        created_at=OPENED,
        opened_at=OPENED,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_counts_largest_first_and_months_in_order() -> None:
    rows = [
        fact(1, category="TPPO"),
        fact(2),
        fact(3),
        fact(4, created_at=OPENED - dt.timedelta(days=40)),
    ]
    assert counts(rows, Dimension.CATEGORY) == [("GAJI", 3), ("TPPO", 1)]
    assert counts(rows, Dimension.MONTH) == [("2026-01", 1), ("2026-03", 3)]


def test_typed_places_are_grouped_not_shown() -> None:
    rows = [fact(1, destination_country="OTHER:Qatar"), fact(2, home_regency="Desa Siti")]
    assert counts(rows, Dimension.DESTINATION_COUNTRY) == [("MY", 1), ("OTHER", 1)]
    assert counts(rows, Dimension.HOME_REGENCY) == [("Jember", 1), ("other", 1)]


def test_month_is_counted_in_jakarta_time() -> None:
    late = dt.datetime(2026, 4, 30, 18, 0, tzinfo=dt.UTC)  # already 1 May in Jakarta
    assert counts([fact(1, created_at=late)], Dimension.MONTH) == [("2026-05", 1)]


def test_acknowledgement_timing_against_the_deadline() -> None:
    minutes = [10, 20, 30, 50, 90]  # P1 allows 60 minutes
    rows = [
        fact(i, acknowledged_at=OPENED + dt.timedelta(minutes=m)) for i, m in enumerate(minutes)
    ]
    rows.append(fact(9))  # still waiting, 3 hours after opening: missed
    rows.append(fact(10, opened_at=None))  # never escalated: not counted
    now = OPENED + dt.timedelta(hours=3)
    found = timing(rows, Clock.ACKNOWLEDGE, ACK, now)
    assert (found.measured, found.within, found.missed_waiting) == (5, 4, 1)
    assert found.median == dt.timedelta(minutes=30)
    assert found.p90 == dt.timedelta(minutes=90)
    assert found.share_within == 4 / 6


def test_waiting_within_deadline_is_not_counted_yet() -> None:
    found = timing([fact(1)], Clock.ACKNOWLEDGE, ACK, OPENED + dt.timedelta(minutes=5))
    assert (found.measured, found.missed_waiting, found.share_within) == (0, 0, None)


def test_first_reply_timing_uses_the_reply_targets() -> None:
    replied = fact(1, first_reply_at=OPENED + dt.timedelta(hours=20))  # P1 target: 24 hours
    late = fact(2, urgency="P0", first_reply_at=OPENED + dt.timedelta(hours=2))  # P0: 1 hour
    now = OPENED + dt.timedelta(days=1)
    assert timing([replied], Clock.FIRST_REPLY, REPLY_TARGETS, now).within == 1
    assert timing([late], Clock.FIRST_REPLY, REPLY_TARGETS, now).within == 0


def test_timings_per_month_and_urgency() -> None:
    rows = [
        fact(1, acknowledged_at=OPENED + dt.timedelta(minutes=5)),
        fact(2, urgency="P0", acknowledged_at=OPENED + dt.timedelta(minutes=20)),
    ]
    found = timings(rows, Clock.ACKNOWLEDGE, ACK, OPENED + dt.timedelta(days=1))
    assert list(found) == [("2026-03", "P0"), ("2026-03", "P1")]
    assert found["2026-03", "P0"].share_within == 0.0
    assert found["2026-03", "P1"].share_within == 1.0


def test_dashboard_holds_every_dimension_and_both_clocks() -> None:
    rows = [fact(1, acknowledged_at=OPENED, first_reply_at=OPENED + dt.timedelta(days=2))]
    found = dashboard(rows, ACK, OPENED + dt.timedelta(days=3))
    assert set(found.counts) == set(Dimension)
    assert found.counts[Dimension.OFFICE] == [("jember", 1)]
    assert found.acknowledge["2026-03", "P1"].share_within == 1.0
    assert found.first_reply["2026-03", "P1"].share_within == 0.0


def test_timing_per_urgency_names_every_urgency() -> None:
    rows = [
        fact(1, urgency="P0", acknowledged_at=OPENED + dt.timedelta(minutes=10)),
        fact(2, urgency="P0", acknowledged_at=OPENED + dt.timedelta(minutes=40)),
        fact(3, urgency="P9", acknowledged_at=OPENED),  # an unknown urgency is left out
    ]
    found = by_urgency(rows, Clock.ACKNOWLEDGE, ACK, OPENED + dt.timedelta(days=1))
    assert list(found) == ["P0", "P1", "P2", "P3"]
    assert (found["P0"].measured, found["P0"].within) == (2, 1)  # P0 allows 15 minutes
    assert found["P1"].share_within is None
