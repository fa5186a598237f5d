"""Dates typed in chat, Indonesian or English, absolute ("5/3/2026", "Maret 2026") or relative.

Result: {"year": int, "month": int | None, "day": int | None}; the precision is what was typed.
Rules: numeric dates are day/month/year (Indonesian order) or year-month-day; "<month> <NN>" reads
NN as a two-digit year ("Des 25"), "<NN> <month>" reads NN as the day; a month or day with no year
is the most recent one not after today; "tgl N" is the most recent N-th of a month; "minggu lalu" is
today minus seven days; "awal/akhir tahun" is January/December. Two different readings in one
answer, an invalid date, a vague span ("beberapa bulan lalu") or a date after today give None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from flows.parsers.text import normalise

DateParts = dict[str, int | None]
_Builder = Callable[[re.Match[str], dt.date], DateParts | None]

MONTHS: dict[str, int] = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "pebruari": 2, "feb": 2,
    "peb": 2, "maret": 3, "march": 3, "mar": 3, "mrt": 3, "april": 4, "apr": 4, "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "agustus": 8, "august": 8,
    "agu": 8, "agt": 8, "agst": 8, "ags": 8, "agus": 8, "aug": 8, "september": 9, "sept": 9,
    "sep": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10, "november": 11, "nopember": 11,
    "nov": 11, "nop": 11, "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip
_COUNT_WORDS: dict[str, int] = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "se": 1,
}  # fmt: skip
_UNIT_DAYS: dict[str, int] = {"hari": 1, "hr": 1, "day": 1, "days": 1, "minggu": 7, "mgg": 7,
                              "pekan": 7, "week": 7, "weeks": 7}  # fmt: skip
_UNIT_MONTHS: dict[str, int] = {"bulan": 1, "bln": 1, "month": 1, "months": 1, "tahun": 12,
                                "thn": 12, "th": 12, "year": 12, "years": 12}  # fmt: skip
_DAY_WORDS: dict[str, int] = {
    "hari ini": 0, "today": 0, "tadi pagi": 0, "tadi siang": 0, "tadi sore": 0, "tadi": 0,
    "barusan": 0, "tadi malam": 1, "semalam": 1, "kemarin malam": 1, "last night": 1,
    "kemarin lusa": 2, "lusa kemarin": 2, "day before yesterday": 2, "kemarin": 1, "kemaren": 1,
    "kmrn": 1, "kmarin": 1, "kmaren": 1, "yesterday": 1,
}  # fmt: skip
_PART_MONTH = {"awal": 1, "beginning of": 1, "start of": 1, "early": 1, "pertengahan": 6,
               "tengah": 6, "mid": 6, "akhir": 12, "end of": 12, "late": 12}  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    """Returns a regex alternation of the given words, longest first."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_M = rf"(?P<mon>{_alternation(MONTHS)})(?!\w)\.?"
_NUM_EDGE_L, _NUM_EDGE_R = r"(?<![\w./,-])", r"(?![\w/-]|[.,]\d)"
_YEAR = r"(?P<year>\d{4}|'?\d{2})(?!\d)"
_DAY = r"(?P<day>\d{1,2})"
_ORD = r"(?:st|nd|rd|th)"
_TGL = r"(?:tgl|tanggal|tangal|tg|date)\.?"
_AGO = r"(?:(?:yang|yg)\s+)?(?:lalu|kemarin|kemaren|kmrn|ago|yll|silam|sebelumnya)(?!\w)"


def _ok(year: int, month: int | None, day: int | None, today: dt.date) -> DateParts | None:
    """Returns the parts if they name a real date (or month/year) not after today, else None."""
    try:
        first = dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if first > today:
        return None
    return {"year": year, "month": month, "day": day}


def _year_of(text: str, today: dt.date) -> int:
    """Returns a four-digit year; a two-digit year is the latest such year not after today."""
    digits = text.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    year = today.year - today.year % 100 + int(digits)
    return year if year <= today.year else year - 100


def _recent_day(month: int | None, day: int, today: dt.date) -> DateParts | None:
    """Returns the most recent date with that day (and month, if given) not after today."""
    year, current = today.year, today.month
    for _ in range(12 if month is None else 9):
        candidate = _ok(year, month or current, day, today)
        if candidate is not None:
            return candidate
        if month is None:
            year, current = (year, current - 1) if current > 1 else (year - 1, 12)
        else:
            year -= 1
    return None


def _recent_month(month: int, today: dt.date) -> DateParts | None:
    """Returns the most recent such month not after today."""
    return _ok(today.year if month <= today.month else today.year - 1, month, None, today)


def _months_back(today: dt.date, count: int) -> DateParts | None:
    """Returns the month `count` months before today's month."""
    index = today.year * 12 + today.month - 1 - count
    return _ok(index // 12, index % 12 + 1, None, today)


def _days_back(today: dt.date, days: int) -> DateParts | None:
    """Returns the exact date `days` days before today."""
    try:
        day = today - dt.timedelta(days=days)
    except OverflowError:
        return None
    return {"year": day.year, "month": day.month, "day": day.day}


def _ago(count: int, unit: str, today: dt.date) -> DateParts | None:
    """Returns the date `count` units before today, at that unit's precision."""
    if unit in _UNIT_DAYS:
        return _days_back(today, count * _UNIT_DAYS[unit])
    if _UNIT_MONTHS[unit] == 1:
        return _months_back(today, count)
    return _ok(today.year - count, None, None, today)


def _group(match: re.Match[str], name: str) -> str | None:
    """Returns a named group of the match, or None when it did not take part."""
    return match.groupdict().get(name)


def _from_numeric(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds a date from a numeric match with year, month and optional day groups."""
    year = _year_of(match["year"], today)
    day = _group(match, "day")
    return _ok(year, int(match["month"]), int(day) if day else None, today)


def _from_month_name(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds a date from a match with a month name and optional day and year groups."""
    month = MONTHS[match["mon"]]
    day, year = _group(match, "day"), _group(match, "year") or _group(match, "year2")
    if year:
        return _ok(_year_of(year, today), month, int(day) if day else None, today)
    return _recent_day(month, int(day), today) if day else _recent_month(month, today)


def _from_month_number(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds a month from "bulan 3" or "bulan 3 tahun 2025"."""
    month, year = int(match["month"]), match["year"]
    if year:
        return _ok(int(year), month, None, today)
    return _recent_month(month, today) if 1 <= month <= 12 else None


def _from_day_of_month(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds the most recent date with the typed day of the month."""
    return _recent_day(None, int(match["day"]), today)


def _from_year(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds a year-only date, refusing implausible years."""
    year = int(match["year"])
    return _ok(year, None, None, today) if year >= 1900 else None


def _from_ago(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds a date from "3 hari lalu", "sebulan yang lalu", "two weeks ago"."""
    count = match["count"]
    number = int(count) if count[0].isdigit() else _COUNT_WORDS[count]
    return _ago(number, match["unit"], today)


def _from_last(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds a date from "bulan lalu", "minggu kemarin", "last year"."""
    return _ago(1, match["unit"] or match["unit2"], today)


def _from_this(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds a date from "bulan ini", "this year"."""
    month = today.month if (match["unit"] or match["unit2"]) in ("bulan", "month") else None
    return {"year": today.year, "month": month, "day": None}


def _from_part(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds a month from "awal tahun", "akhir tahun lalu", "akhir bulan lalu", "awal 2025"."""
    month = _PART_MONTH[match["part"]]
    which = match["which"] or match["pre"] or ""
    last = which in ("lalu", "kemarin", "kemaren", "last")
    if match["bare"]:
        return _ok(int(match["bare"]), month, None, today)
    if match["unit"] in ("bulan", "month"):
        return _months_back(today, 1 if last else 0)
    if which.isdigit():
        return _ok(int(which), month, None, today)
    if last or which in ("ini", "this"):
        return _ok(today.year - int(last), month, None, today)
    return _recent_month(month, today)


def _vague(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Returns None for "beberapa bulan lalu" and other vague spans, so they cannot mislead."""
    return None


def _from_day_word(match: re.Match[str], today: dt.date) -> DateParts | None:
    """Builds a date from "hari ini", "kemarin", "yesterday"."""
    return _days_back(today, _DAY_WORDS[match["word"]])


_UNITS = _alternation({*_UNIT_DAYS, *_UNIT_MONTHS})
_MONTH_NUM = r"(?P<month>\d{1,2})"
_ISO = rf"{_NUM_EDGE_L}(?P<year>\d{{4}})[-/.]{_MONTH_NUM}[-/.]{_DAY}{_NUM_EDGE_R}"
_DMY = rf"{_NUM_EDGE_L}{_DAY}[-/.]{_MONTH_NUM}[-/.](?P<year>\d{{4}}|\d{{2}}){_NUM_EDGE_R}"
_YM = rf"{_NUM_EDGE_L}(?P<year>\d{{4}})[-/.]{_MONTH_NUM}{_NUM_EDGE_R}"
_MY = rf"{_NUM_EDGE_L}{_MONTH_NUM}[-/.](?P<year>\d{{4}}){_NUM_EDGE_R}"
_PART = (
    rf"(?<!\w)(?P<part>{_alternation(_PART_MONTH)})[\s-]+(?:(?P<pre>last|this)\s+)?"
    r"(?:(?P<unit>tahun|bulan|year|month)(?:\s+(?P<which>ini|lalu|kemarin|kemaren|\d{4}))?"
    r"|(?P<bare>\d{4}))(?!\w)"
)
_VAGUE = rf"(?<!\w)(?:beberapa|bbrp|several|few)\s+(?:{_UNITS})(?!\w)(?:\s*{_AGO})?"
_N_AGO = (
    rf"(?<!\w)(?P<count>\d{{1,3}}|{_alternation(_COUNT_WORDS)})\s*(?P<unit>{_UNITS})(?!\w)"
    rf"\s*{_AGO}"
)
_LAST = (
    rf"(?<!\w)(?:(?P<unit>minggu|mgg|pekan|bulan|bln|tahun|thn)\s+{_AGO}"
    r"|last\s+(?P<unit2>week|month|year)(?!\w))"
)
_THIS = r"(?<!\w)(?:(?P<unit>bulan|tahun)\s+ini|this\s+(?P<unit2>month|year))(?!\w)"
_DAY_MONTH = rf"(?<![\w.,/-])(?:{_TGL}\s*)?{_DAY}{_ORD}?\s*(?:of\s+)?{_M}(?:,?\s*{_YEAR})?"
_MONTH_DAY = (
    rf"(?<!\w){_M}\s+{_DAY}"
    rf"(?:{_ORD}(?!\w)(?:,?\s+(?P<year>\d{{4}})(?!\d))?|,?\s+(?P<year2>\d{{4}})(?!\d))"
)
_MONTH_DIGIT = rf"(?<!\w){_M}\s+(?P<day>\d)(?![\w.,/-])"
_MONTH_YEAR = rf"(?<!\w){_M}(?:,?\s*(?:(?:tahun|thn|th)\s+)?{_YEAR})?"
_MONTH_NUMBER = (
    rf"(?<!\w)(?:bulan|bln)\s+{_MONTH_NUM}(?!\d)"
    r"(?:\s+(?:(?:tahun|thn|th)\s+)?(?P<year>\d{4})(?!\d))?"
)
_DAY_OF_MONTH = rf"(?<!\w){_TGL}\s*{_DAY}(?!\d)"
_DAY_WORD = rf"(?<!\w)(?P<word>{_alternation(_DAY_WORDS)})(?!\w)"
_YEAR_ONLY = rf"{_NUM_EDGE_L}(?P<year>\d{{4}}){_NUM_EDGE_R}"

# Most specific first; each match is blanked out before the next rule looks.
_SOURCES: tuple[tuple[str, _Builder], ...] = (
    (_ISO, _from_numeric),
    (_DMY, _from_numeric),
    (_YM, _from_numeric),
    (_MY, _from_numeric),
    (_PART, _from_part),
    (_VAGUE, _vague),
    (_N_AGO, _from_ago),
    (_LAST, _from_last),
    (_THIS, _from_this),
    (_DAY_MONTH, _from_month_name),
    (_MONTH_DAY, _from_month_name),
    (_MONTH_DIGIT, _from_month_name),
    (_MONTH_YEAR, _from_month_name),
    (_MONTH_NUMBER, _from_month_number),
    (_DAY_OF_MONTH, _from_day_of_month),
    (_DAY_WORD, _from_day_word),
    (_YEAR_ONLY, _from_year),
)
_RULES: tuple[tuple[re.Pattern[str], _Builder], ...] = tuple(
    (re.compile(source), build) for source, build in _SOURCES
)


def _key(parts: DateParts | None) -> tuple[int | None, ...] | None:
    """Returns a hashable form of a result, for comparing several readings."""
    return None if parts is None else (parts["year"], parts["month"], parts["day"])


def parse_date(text: str, today: dt.date) -> DateParts | None:
    """Returns {"year", "month", "day"} (month/day None when not given), or None if unreadable."""
    remaining = normalise(text)
    results: list[DateParts | None] = []
    for pattern, build in _RULES:
        results.extend(build(match, today) for match in pattern.finditer(remaining))
        remaining = pattern.sub(" ", remaining)
    if len({_key(result) for result in results}) != 1:
        return None
    return results[0]
