"""Money amounts typed in chat ("2,5jt", "RM1.500", "HK$4,990", "dua ratus ribu").

Rules: the separator rule of `flows.parsers.numbers`; exactly one amount per answer (two numbers,
or two different currencies, is ambiguous and gives None); a number followed by a time or count
word ("3 bulan", "5 orang") or by "%" is not money. Indonesian magnitude words (ribu/rb, juta/jt,
miliar) imply rupiah when no currency is named; a bare "$" or "dolar" names no currency ("").
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from flows.parsers.numbers import NumberRun, number_runs
from flows.parsers.text import normalise

_DOLLAR = r"(?:dolar|dollar|dollars|dolars)"
_CURRENCY_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "HKD",
        rf"\b(?:{_DOLLAR}\s+(?:hk|hongkong|hong\s+kong)|(?:hk|hongkong|hong\s+kong)\s+{_DOLLAR})\b",
    ),
    ("TWD", rf"\b(?:{_DOLLAR}\s+(?:taiwan|nt)|(?:taiwan|nt|new\s+taiwan)\s+{_DOLLAR})\b"),
    (
        "SGD",
        rf"\b(?:{_DOLLAR}\s+(?:singapura|singapore|sing)|(?:singapore|singapura)\s+{_DOLLAR})\b",
    ),
    ("USD", rf"\b(?:{_DOLLAR}\s+(?:as|amerika|america|us)|(?:us|american|amerika)\s+{_DOLLAR})\b"),
    ("MYR", r"\bringgit(?:\s+malaysia)?\b"),
    ("SAR", r"\b(?:riyal|rial|reyal|real)s?(?:\s+saudi)?\b"),
    ("IDR", r"\brupiah\b"),
    ("HKD", r"\bhk\s?\$|\bhkd\b|\bhk\b"),
    ("TWD", r"\bnt\s?\$|\b(?:ntd|twd|nt)\b"),
    ("SGD", r"\bs\s?\$|\bsgd\b"),
    ("USD", r"\bus\s?\$|\busd\b"),
    ("MYR", r"\brm(?![^\W\d_])|\bmyr\b"),
    ("SAR", r"\bsar\b|\bsr(?=\s?\d)"),
    ("IDR", r"\brp\.?(?![^\W\d_])|\bidr\b"),
    ("", rf"\${_DOLLAR}?|\b{_DOLLAR}\b"),
)
_CURRENCIES = tuple((code, re.compile(pattern)) for code, pattern in _CURRENCY_PATTERNS)
_NEGATIVE = re.compile(r"(?:^|[^\w.,])[-\u2212]\s*\d|\bminus\b")
_PERCENT = re.compile(r"\d\s*%|\bpersen\b|\bpercent\b")
_IDR_WORDS = frozenset({"ribu", "rb", "rbu", "rebu", "seribu", "juta", "jt", "jta", "sejuta"})
_IDR_WORDS_LARGE = frozenset({"miliar", "milyar", "semiliar"})
_NOT_MONEY = frozenset(
    {
        "bulan", "bln", "tahun", "thn", "th", "hari", "hr", "minggu", "mgg", "pekan", "jam",
        "menit", "orang", "org", "kali", "x", "m", "months", "month", "years", "year", "days",
        "day", "weeks", "week", "hours", "hour", "people", "persons", "times", "tahunan",
        "bulanan", "%",
    }
)  # fmt: skip
_LIMIT = Decimal(10) ** 15


def _find_currency(text: str) -> tuple[str | None, str]:
    """Returns the one currency named (or "" for none) and text without it; None if conflicting."""
    found: set[str] = set()
    for code, pattern in _CURRENCIES:
        if pattern.search(text):
            found.add(code)
            text = pattern.sub(" ", text)
    known = found - {""}
    if len(known) > 1:
        return None, text
    return (known.pop() if known else ""), text


def _implied_currency(run: NumberRun) -> str:
    """Returns "IDR" when the amount uses Indonesian magnitude words, else ""."""
    return "IDR" if set(run.tokens) & (_IDR_WORDS | _IDR_WORDS_LARGE) else ""


def _plain(value: Decimal) -> str:
    """Returns the decimal as a plain string with no exponent and no trailing zeros."""
    return format(value.normalize(), "f")


def parse_amount(text: str) -> dict[str, str] | None:
    """Returns {"value": "<decimal>", "currency": "IDR"|"MYR"|...|""} or None if no one amount."""
    raw = unicodedata.normalize("NFKC", text).casefold()
    if _NEGATIVE.search(raw) or _PERCENT.search(raw):
        return None
    currency, rest = _find_currency(normalise(text))
    if currency is None:
        return None
    runs = [run for run in number_runs(rest) if run.after not in _NOT_MONEY]
    if len(runs) != 1 or runs[0].value is None:
        return None
    value = runs[0].value
    if not Decimal(0) < value < _LIMIT:
        return None
    return {"value": _plain(value), "currency": currency or _implied_currency(runs[0])}


def named_currency(text: str) -> str | None:
    """Returns the one currency a short reply names ("ringgit", "RM", "dolar hk"), or None."""
    currency, _ = _find_currency(normalise(text))
    return currency or None


def parse_priced_amount(text: str) -> dict[str, str] | None:
    """Returns the amount only when its currency is named or implied ("2,5 juta"), else None."""
    amount = parse_amount(text)
    return amount if amount is not None and amount["currency"] else None
