"""The research export: codes only, no forbidden field, no combination rarer than k."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from bot.insights import FIELDS, QUASI_IDENTIFIERS, anonymise, labels, to_csv
from bot.insights import export as ex
from flows.routing import PROVINCE_REGENCIES
from storage.insights import CaseFacts

PLANTED = "Siti Rahayu +6281234567890"
FORBIDDEN = {"name", "phone", "number", "chat_id", "address", "answers", "text", "evidence"}
ALLOWED: dict[str, set[str]] = {
    "category": set(labels.CATEGORIES),
    "urgency": set(labels.URGENCIES),
    "destination_country": set(labels.COUNTRY_CODES),
    "home_province": set(PROVINCE_REGENCIES),
    "office": set(ex.OFFICES),
    "reporter_type": set(labels.ROLES),
    "channel": set(labels.CHANNELS),
    "status": set(ex.STATUSES),
    "time_to_acknowledge": {n for _, n in ex.BUCKETS} | {ex.NEVER, ex.OVER},
    "time_to_first_reply": {n for _, n in ex.BUCKETS} | {ex.NEVER, ex.OVER},
}
SPECIAL = {ex.SUPPRESSED, labels.OTHER, labels.UNKNOWN}
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _text(codes: list[str]) -> st.SearchStrategy[str | None]:
    """A known code most of the time, else free text (planted personal data included)."""
    return st.one_of(st.sampled_from(codes), st.none(), st.text(max_size=20), st.just(PLANTED))


@st.composite
def facts(draw: st.DrawFn) -> CaseFacts:
    """A case with codes, typed text and times drawn freely."""
    created = START + dt.timedelta(days=draw(st.integers(0, 90)))
    later = st.none() | st.integers(0, 20_000).map(lambda m: created + dt.timedelta(minutes=m))
    return CaseFacts(
        case_id=draw(st.integers(1, 10**6)),
        status=draw(_text(["submitted", "claimed", "resolved"])) or "",
        urgency=draw(_text(["P0", "P1", "P3"])) or "P3",
        category=draw(_text(["GAJI", "TPPO", "DOKUMEN"])),
        destination_country=draw(_text(["MY", "HK", "OTHER:Qatar " + PLANTED])),
        home_regency=draw(_text(["Jember", "Indramayu", "Kebumen"])),
        office=draw(_text(["jember", "indramayu", "kuala_lumpur"])),
        channel=draw(_text(["telegram", "whatsapp"])) or "",
        reporter_role=draw(_text(["worker", "family"])),
        created_at=created,
        opened_at=created,
        acknowledged_at=draw(later),
        first_reply_at=draw(later),
        resolution=draw(st.one_of(st.none(), st.sampled_from(["repatriated", "wages_paid"]))),
    )


cases = st.lists(facts(), max_size=60)


@given(cases, st.integers(1, 8))
def test_every_combination_occurs_at_least_k_times(rows: list[CaseFacts], k: int) -> None:
    out = anonymise(rows, k)
    sizes = Counter(tuple(r[f] for f in QUASI_IDENTIFIERS) for r in out)
    assert all(size >= k for size in sizes.values())
    outcomes = Counter(r["outcome"] for r in out if r["outcome"] not in {"", labels.OTHER})
    assert all(size >= k for size in outcomes.values())


@given(cases, st.integers(1, 8))
def test_only_known_codes_and_no_free_text(rows: list[CaseFacts], k: int) -> None:
    text = to_csv(anonymise(rows, k))
    assert PLANTED not in text
    assert "Qatar" not in text
    parsed = list(csv.DictReader(io.StringIO(text)))
    for row in parsed:
        assert tuple(row) == FIELDS
        for field, allowed in ALLOWED.items():
            assert row[field] in allowed | SPECIAL, (field, row[field])
        assert row["month"] == ex.SUPPRESSED or len(row["month"]) in (4, 7)
        assert row["outcome"] in {"", labels.OTHER, "repatriated", "wages_paid"}


def test_header_has_no_forbidden_field_and_no_exact_date() -> None:
    assert not FORBIDDEN & set(FIELDS)
    row = anonymise([_case(i) for i in range(5)], 5)[0]
    assert row["month"] == "2026-01"
    assert "2026-01-0" not in to_csv([row])


def _case(i: int, **changes: str) -> CaseFacts:
    """A Jember wage case of January 2026."""
    base = {
        "category": "GAJI",
        "destination_country": "MY",
        "home_regency": "Jember",
        "office": "jember",
        "channel": "telegram",
    }
    base.update(changes)
    return CaseFacts(
        case_id=i,
        status="submitted",
        urgency="P2",
        reporter_role="worker",
        created_at=START + dt.timedelta(days=i % 3),
        **base,
    )


def test_a_unique_case_is_generalised_and_common_ones_kept() -> None:
    common = [_case(i) for i in range(6)]
    rare = _case(99, destination_country="HK", home_regency="Kebumen")
    out = anonymise([*common, rare], 5)
    kept = [r for r in out if r["destination_country"] == "MY"]
    assert len(kept) == 6
    assert kept[0]["home_province"] == "east_java"
    assert len(out) == 6  # the single rare case could not hide among five: left out


def test_rare_cells_merge_into_a_suppressed_group() -> None:
    rows = [_case(i, home_regency=name) for i, name in enumerate(["Jember", "Kebumen"] * 3)]
    out = anonymise(rows, 5)
    assert len(out) == 6
    assert {r["home_province"] for r in out} == {ex.SUPPRESSED}
    assert {r["office"] for r in out} == {"jember"}


def test_durations_are_bucketed() -> None:
    at = START
    assert ex.bucket(at, at + dt.timedelta(minutes=30)) == "under_1h"
    assert ex.bucket(at, at + dt.timedelta(days=2)) == "1d_3d"
    assert ex.bucket(at, at + dt.timedelta(days=30)) == ex.OVER
    assert ex.bucket(at, None) == ex.NEVER
