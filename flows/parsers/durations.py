"""How long something has lasted, in whole months, as written ("3", "2 tahun", "sejak Maret").

Rules, tried in this order:
1. Numbers with a unit: "2 tahun" is 24, "setengah tahun" 6, "1,5 tahun" and "a year and a half"
   18, "2 tahun 3 bulan" 27. A part of a month ("2,5 bulan") or days and weeks give None.
2. A month, as `flows.parsers.dates` reads it, with or without "sejak"/"since"/"dari": the months
   from that month to today's ("Maret" is the latest March, so 0 in March itself).
3. Lebaran (Idul Fitri) with a year, or "lebaran kemarin" (the latest one): the months since it.
   A bare "sejak lebaran" gives None here; `unclear_holiday` tells the engine to ask the year.
4. One whole number alone ("3", "tiga", "lebih dari 5").
A month count is never negative and a year alone ("2025") is not a month: the step's range
decides whether a large count is plausible.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from flows.parsers.dates import parse_date
from flows.parsers.numbers import number_runs
from flows.parsers.text import normalise

LEBARAN: dict[int, tuple[int, int]] = {
    2018: (6, 15), 2019: (6, 5), 2020: (5, 24), 2021: (5, 13), 2022: (5, 2), 2023: (4, 22),
    2024: (4, 10), 2025: (3, 31), 2026: (3, 20), 2027: (3, 10), 2028: (2, 27), 2029: (2, 14),
    2030: (2, 5),
}  # fmt: skip
"""(month, day) of Idul Fitri by year, as the Indonesian government set or expects it."""

MAX_MONTHS = 1200
"""No duration read from units or a month is longer (100 years)."""
MAX_COUNT = 100_000
"""A bare number is read up to this; the step's range decides whether it is plausible."""
_YEAR_UNITS = frozenset({"tahun", "thn", "th", "year", "years", "yr", "yrs"})
_MONTH_UNITS = frozenset({"bulan", "bln", "bl", "month", "months", "mo"})
_SHORT_UNITS = frozenset({"hari", "hr", "minggu", "mgg", "pekan", "day", "days", "week", "weeks"})
_HALF_WORDS = frozenset({"setengah", "stengah"})
_ONE_UNIT = re.compile(r"(?<!\w)se(?=(?:hari|minggu|pekan|bulan|tahun)(?!\w))")
_ENGLISH = (
    (re.compile(r"\band\s+a\s+half\b"), " setengah "),
    (re.compile(r"\bhalf\s+(?:a\s+|an\s+)?(?=(?:year|month)s?\b)"), "setengah "),
    (re.compile(r"\b(?:a|an)\s+(?=(?:year|month)s?\b)"), "1 "),
)
_SINCE = re.compile(
    r"\b(?:sejak|semenjak|since|(?<!lebih )dari|mulai|from)\b(?:\s+(?:bulan|bln)\b)?"
)
_HOLIDAY = re.compile(r"\b(?:lebaran|idul\s?fitri|iedul\s?fitri|hari\s+raya|eid)\b")
_HOLIDAY_YEAR = re.compile(r"\b(?P<year>20\d\d)\b")
_HOLIDAY_LAST = re.compile(r"\b(?:kemarin|kemaren|kmrn|lalu|terakhir|last)\b")
_HOLIDAY_YEAR_AGO = re.compile(r"\btahun\s+lalu\b|\blast\s+year\b")
_NEGATIVE = re.compile(r"(?:^|[^\w.,])[-\u2212]\s*\d|\bminus\b")
_UPPER_BOUND = re.compile(r"\b(?:kurang dari|less than|under|below|di bawah|dibawah)\b|<")


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def months_since(year: int, month: int, today: dt.date) -> int | None:
    """Returns the whole months from a month to today's month, or None if it is after today."""
    count = _month_index(today.year, today.month) - _month_index(year, month)
    return count if 0 <= count <= MAX_MONTHS else None


def _whole(value: Decimal) -> int | None:
    return int(value) if value == value.to_integral_value() else None


def _with_units(text: str) -> int | None | bool:
    """Returns the months of number-and-unit phrases, None if unreadable, False if none."""
    runs = number_runs(text)
    if not any(run.after in _YEAR_UNITS | _MONTH_UNITS | _SHORT_UNITS for run in runs):
        return False
    total = Decimal(0)
    unit_seen = False
    for index, run in enumerate(runs):
        if run.value is None:
            return None
        if run.after in _SHORT_UNITS:
            return None
        if run.after in _YEAR_UNITS:
            total += run.value * 12
            unit_seen = True
        elif run.after in _MONTH_UNITS:
            total += run.value
            unit_seen = True
        elif set(run.tokens) <= _HALF_WORDS and index and runs[index - 1].after in _YEAR_UNITS:
            total += 6  # "setahun setengah": the half belongs to the year before it
        elif unit_seen or any(r.after in _YEAR_UNITS | _MONTH_UNITS for r in runs[index:]):
            return None
        else:
            return False
    if not unit_seen:
        return False
    return _whole(total)


def unclear_holiday(text: str) -> bool:
    """Returns whether the text names Lebaran without saying which one."""
    folded = normalise(text)
    return bool(_HOLIDAY.search(folded)) and not (
        _HOLIDAY_YEAR.search(folded) or _HOLIDAY_LAST.search(folded)
    )


def lebaran_months(year: int, today: dt.date) -> int | None:
    """Returns the months since that year's Lebaran, or None if unknown or still to come."""
    when = LEBARAN.get(year)
    if when is None or dt.date(year, *when) > today:
        return None
    return months_since(year, when[0], today)


def recent_lebarans(today: dt.date, count: int = 3) -> tuple[int, ...]:
    """Returns the years of the latest Lebarans up to today, newest first."""
    past = [year for year, when in LEBARAN.items() if dt.date(year, *when) <= today]
    return tuple(sorted(past, reverse=True)[:count])


def _holiday(folded: str, today: dt.date) -> int | None:
    """Returns the months since the Lebaran the text names, or None."""
    if found := _HOLIDAY_YEAR.search(folded):
        return lebaran_months(int(found["year"]), today)
    recent = recent_lebarans(today, 2)
    if _HOLIDAY_YEAR_AGO.search(folded):
        last_year = [year for year in recent if year == today.year - 1]
        return lebaran_months(last_year[0], today) if last_year else None
    if _HOLIDAY_LAST.search(folded) and recent:
        return lebaran_months(recent[0], today)
    return None


def _from_month(folded: str, today: dt.date) -> int | None | bool:
    """Returns the months since the month the text names, None if after today, False if none."""
    named = parse_date(folded, dt.date(today.year + 100, 12, 31))
    if named is None or named["month"] is None:
        return False
    date = parse_date(folded, today)
    if date is None or date["month"] is None or date["year"] is None:
        return None
    return months_since(date["year"], date["month"], today)


def _alone(folded: str) -> int | None:
    """Returns the one whole number written alone."""
    runs = number_runs(folded)
    if len(runs) != 1 or runs[0].value is None:
        return None
    return _whole(runs[0].value)


def parse_months(text: str, today: dt.date) -> int | None:
    """Returns how many whole months ("3", "2 tahun", "sejak Maret 2025"), or None if unclear."""
    folded = normalise(text)
    raw = unicodedata.normalize("NFKC", text).casefold()
    if _NEGATIVE.search(raw) or _UPPER_BOUND.search(folded):
        return None
    if _HOLIDAY.search(folded):
        return _holiday(folded, today)
    spelled = _ONE_UNIT.sub("1 ", folded)
    for pattern, replacement in _ENGLISH:
        spelled = pattern.sub(replacement, spelled)
    with_units = _with_units(spelled)
    if with_units is not False:
        return with_units if isinstance(with_units, int) and with_units <= MAX_MONTHS else None
    undated = _SINCE.sub(" ", folded)
    from_month = _from_month(undated, today)
    if from_month is not False:
        return from_month if isinstance(from_month, int) else None
    if _SINCE.search(folded):
        return None  # "sejak 2025" names no month: a count read from it would mislead
    value = _alone(folded)
    return value if value is not None and 0 <= value <= MAX_COUNT else None
