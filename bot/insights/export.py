"""The research export: an anonymised CSV of case facts, with small cells suppressed.

What a row holds: month (YYYY-MM), category, urgency, destination country, home province, office,
reporter type, channel, status, outcome, and the time to acknowledge and to first reply in coarse
buckets. Never a name, number, chat id, address, answer, note, evidence or exact date; every value
is a known code (anything else, e.g. a typed country, becomes "other").

The suppression rule: the quasi-identifiers are the columns in QUASI_IDENTIFIERS, the ones someone
could know of a person. A row whose combination of them occurs fewer than k times (default 5) is
generalised one step at a time along LADDER (month to year, then home province, office,
destination country, reporter type, channel, category and year replaced by "suppressed"), and the
counts are taken again after each step; rows in a combination of k or more are left alone, so they
stay in one. Rows still in a combination of fewer than k after the last step are left out. The
outcome code is kept only when at least k rows share it, else it becomes "other". So every row
that comes out shares its quasi-identifiers with at least k-1 others.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from bot.insights import labels
from escalation.status import Status
from flows.routing import Office
from storage import db, insights, staff
from storage.insights import CaseFacts

SUPPRESSED = "suppressed"
EXPORTED = "research_exported"
"""The account-log entry of an export: who, when and how many rows, never what they held."""
FIELDS = (
    "month",
    "category",
    "urgency",
    "destination_country",
    "home_province",
    "office",
    "reporter_type",
    "channel",
    "status",
    "outcome",
    "time_to_acknowledge",
    "time_to_first_reply",
)
QUASI_IDENTIFIERS = (
    "month",
    "category",
    "destination_country",
    "home_province",
    "office",
    "reporter_type",
    "channel",
)
LADDER: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("month", lambda m: m[:4] if m != SUPPRESSED else m),
    ("home_province", lambda _: SUPPRESSED),
    ("office", lambda _: SUPPRESSED),
    ("destination_country", lambda _: SUPPRESSED),
    ("reporter_type", lambda _: SUPPRESSED),
    ("channel", lambda _: SUPPRESSED),
    ("category", lambda _: SUPPRESSED),
    ("month", lambda _: SUPPRESSED),
)
BUCKETS = (
    (dt.timedelta(hours=1), "under_1h"),
    (dt.timedelta(hours=8), "1h_8h"),
    (dt.timedelta(hours=24), "8h_24h"),
    (dt.timedelta(days=3), "1d_3d"),
    (dt.timedelta(days=7), "3d_7d"),
)
NEVER = "none"
OVER = "over_7d"
OFFICES = frozenset(o.value for o in Office)
STATUSES = frozenset(s.value for s in Status) | {"submitted"}
OUTCOME = re.compile(r"[a-z][a-z0-9_]{0,31}")

Row = dict[str, str]


def bucket(start: dt.datetime | None, end: dt.datetime | None) -> str:
    """Returns the coarse bucket of the time between two moments ("none" when one is missing)."""
    if start is None or end is None:
        return NEVER
    took = end - start
    return next((name for limit, name in BUCKETS if took < limit), OVER)


def _outcome(code: str | None) -> str:
    """Returns the resolution when it is a short code, else nothing."""
    return code if code and OUTCOME.fullmatch(code) else ""


def fact_row(case: CaseFacts) -> Row:
    """Returns one case's export row before suppression: codes only."""
    return {
        "month": labels.month(case.created_at),
        "category": labels.code(case.category, labels.CATEGORIES),
        "urgency": labels.code(case.urgency, frozenset(labels.URGENCIES)),
        "destination_country": labels.country(case.destination_country),
        "home_province": labels.province(case.home_regency),
        "office": labels.code(case.office, OFFICES),
        "reporter_type": labels.code(case.reporter_role, labels.ROLES),
        "channel": labels.code(case.channel, labels.CHANNELS),
        "status": labels.code(case.status, STATUSES),
        "outcome": _outcome(case.resolution),
        "time_to_acknowledge": bucket(case.opened_at, case.acknowledged_at),
        "time_to_first_reply": bucket(case.opened_at, case.first_reply_at),
    }


def _key(row: Row) -> tuple[str, ...]:
    return tuple(row[f] for f in QUASI_IDENTIFIERS)


def suppress(rows: Sequence[Row], k: int) -> list[Row]:
    """Returns the rows generalised along LADDER until every combination occurs k times or more."""
    out = [dict(r) for r in rows]
    for field, step in LADDER:
        sizes = Counter(_key(r) for r in out)
        for row in out:
            if sizes[_key(row)] < k:
                row[field] = step(row[field])
    sizes = Counter(_key(r) for r in out)
    kept = [r for r in out if sizes[_key(r)] >= k]
    outcomes = Counter(r["outcome"] for r in kept)
    for row in kept:
        if row["outcome"] and outcomes[row["outcome"]] < k:
            row["outcome"] = labels.OTHER
    return kept


def anonymise(cases: Iterable[CaseFacts], k: int = 5) -> list[Row]:
    """Returns the export rows of the cases, small cells suppressed, in a stable order."""
    if k < 1:
        raise ValueError("k must be at least 1")
    rows = suppress([fact_row(c) for c in cases], k)
    return sorted(rows, key=lambda r: tuple(r[f] for f in FIELDS))


def to_csv(rows: Iterable[Row]) -> str:
    """Returns the rows as CSV text with a header line."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def research_export(session: Session, offices: Collection[str], k: int = 5) -> str:
    """Returns the anonymised CSV of the cases the offices may see."""
    return to_csv(anonymise(insights.case_facts(session=session, offices=offices), k))


@dataclass(frozen=True)
class Export:
    """One research export: its CSV text and how many rows it holds."""

    text: str
    rows: int


def audited_export(
    engine: Engine, offices: Collection[str], caseworker_id: int, at: dt.datetime, k: int = 5
) -> Export:
    """Returns the research export of the offices; the account log records who took it."""
    with db.session(engine) as session:
        rows = anonymise(insights.case_facts(session=session, offices=offices), k)
        staff.add_event(
            session=session,
            type=EXPORTED,
            caseworker_id=caseworker_id,
            at=at,
            item_count=len(rows),
        )
    return Export(to_csv(rows), len(rows))
