"""The dashboard page's content: its filters, and each figure as an SVG chart in words.

A filter value that is not one of the choices is dropped and the page names it, as the queue does,
so that a stale or edited link still shows the dashboard and says what it left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from babel.dates import format_date, format_timedelta
from babel.numbers import format_percent
from markupsafe import Markup

from bot.insights import (
    REPLY_TARGETS,
    CaseFacts,
    Clock,
    Dimension,
    Timing,
    bar_chart,
    by_urgency,
    column_chart,
    counts,
    deadline_gauge,
    labels,
    timing,
)
from flows.vocabulary import Locale
from handlers.console import insight_words as iw
from handlers.console.words import URGENCIES

MONTH_CHOICES = (3, 6, 12, 24)
DEFAULT_MONTHS = 12
MAX_BARS = 10
"""More bars than this and the rest are one bar: a phone shows the largest groups at a glance."""
TARGET = 0.9
"""The share of cases that should be within their deadline (the gauge's mark)."""

Translate = Callable[[str], str]


@dataclass(frozen=True)
class Choice:
    """What the page was asked to show: one office or all the person sees, and how many months."""

    office: str | None
    months: int
    dropped: list[str] = field(default_factory=list)


def read_choice(params: Mapping[str, str], offices: Collection[str]) -> Choice:
    """Returns the filters of a query string; a value outside the choices is dropped and named."""
    dropped: list[str] = []
    office = (params.get("office") or "").strip() or None
    if office is not None and office not in offices:
        office = None
        dropped.append("office")
    raw, months = (params.get("months") or "").strip(), DEFAULT_MONTHS
    if raw.isdigit() and int(raw) in MONTH_CHOICES:
        months = int(raw)
    elif raw:
        dropped.append("months")
    return Choice(office, months, dropped)


def last_months(now: dt.datetime, months: int) -> list[str]:
    """Returns YYYY-MM of this month and the ones before it, in the office's time, oldest first."""
    local = now.astimezone(labels.OFFICE_ZONE)
    index = local.year * 12 + local.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]


@dataclass(frozen=True)
class Figure:
    """One chart, with the same numbers as a table for those who cannot see the chart."""

    title: str
    chart: Markup
    rows: Sequence[tuple[str, int]]


@dataclass(frozen=True)
class ClockRow:
    """One urgency's line of a clock's table: its deadline, median and how many were in time."""

    urgency: str
    deadline: str
    median: str
    within: str


@dataclass(frozen=True)
class ClockView:
    """One clock: its gauge over every urgency, and a line per urgency."""

    heading: str
    gauge: Markup
    rows: Sequence[ClockRow]


@dataclass(frozen=True)
class View:
    """Everything the dashboard shows for one choice."""

    total: int
    first_month: str
    figures: Sequence[Figure]
    clocks: Sequence[ClockView]


def build(
    rows: Sequence[CaseFacts],
    choice: Choice,
    ack_deadlines: Mapping[str, dt.timedelta],
    now: dt.datetime,
    tr: Translate,
    locale: Locale,
) -> View:
    """Returns the figures of the cases of the chosen months, every label in the locale."""
    months = last_months(now, choice.months)
    shown = [r for r in rows if labels.month(r.created_at) in set(months)]
    figures = [_figure(d, shown, months, tr, locale) for d in iw.TITLES]
    deadlines = {Clock.ACKNOWLEDGE: ack_deadlines, Clock.FIRST_REPLY: REPLY_TARGETS}
    clocks = [_clock(c, shown, deadlines[c], now, tr, locale) for c in Clock]
    return View(len(shown), _month_name(months[0], locale), figures, clocks)


def _figure(
    dimension: Dimension,
    rows: Sequence[CaseFacts],
    months: Sequence[str],
    tr: Translate,
    locale: Locale,
) -> Figure:
    """Returns one dimension's chart: months as columns (empty ones too), the rest as bars."""
    title = tr(iw.TITLES[dimension])
    found = counts(rows, dimension)
    if dimension is Dimension.MONTH:
        per_month = dict(found)
        items = [(m, per_month.get(m, 0)) for m in months]
        table = [(_month_name(m, locale), n) for m, n in items]
        return Figure(title, column_chart(items, title), table)
    named = [(iw.label(dimension, code, tr), n) for code, n in found]
    if len(named) > MAX_BARS:
        rest = sum(n for _, n in named[MAX_BARS - 1 :])
        named = [*named[: MAX_BARS - 1], (tr(iw.REST), rest)]
    return Figure(title, bar_chart(named, title), named)


def _clock(
    clock: Clock,
    rows: Sequence[CaseFacts],
    deadlines: Mapping[str, dt.timedelta],
    now: dt.datetime,
    tr: Translate,
    locale: Locale,
) -> ClockView:
    """Returns one clock's gauge over every case and its line per urgency."""
    overall = timing(rows, clock, deadlines, now)
    target = format_percent(TARGET, locale=locale.value)
    if overall.share_within is None:
        caption = tr(iw.NOT_YET).format(target=target)
    else:
        decided = overall.measured + overall.missed_waiting
        caption = tr(iw.IN_TIME).format(within=overall.within, decided=decided, target=target)
    gauge = deadline_gauge(overall.share_within, tr(iw.CLOCK_TITLES[clock]), caption, TARGET)
    lines = [
        _line(urgency, found, deadlines.get(urgency, deadlines["P3"]), tr, locale)
        for urgency, found in by_urgency(rows, clock, deadlines, now).items()
    ]
    return ClockView(tr(iw.CLOCK_HEADINGS[clock]), gauge, lines)


def _line(
    urgency: str, found: Timing, deadline: dt.timedelta, tr: Translate, locale: Locale
) -> ClockRow:
    decided = found.measured + found.missed_waiting
    return ClockRow(
        urgency=tr(URGENCIES[urgency]),
        deadline=_span(deadline, locale, threshold=0.85),
        median=_span(found.median, locale) if found.median is not None else "–",
        within=f"{found.within} / {decided}" if decided else "–",
    )


def _span(span: dt.timedelta, locale: Locale, threshold: float = 1.5) -> str:
    """Returns a span in words: a deadline in round units (1 hour), a median closer (90 minutes)."""
    return str(format_timedelta(span, threshold=threshold, locale=locale.value))


def _month_name(month: str, locale: Locale) -> str:
    """Returns a YYYY-MM month as its short name and year in the locale ("Mar 2026")."""
    year, number = month.split("-")
    return str(format_date(dt.date(int(year), int(number), 1), "MMM y", locale=locale.value))
