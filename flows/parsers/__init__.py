"""Answer parsers the flows refer to by name; pure functions of the typed text (and today's date).

Every parser returns None when it cannot read the answer, so the engine can re-prompt politely.
The rules for each answer type live next to their code: `flows.parsers.yes_no`,
`flows.parsers.numbers` (digit separators), `flows.parsers.amounts`, `flows.parsers.dates`,
`flows.parsers.durations` and `flows.parsers.choices`. What is plausible for a step (a range, a
window, a currency) is declared on the step and checked by the engine (`flows.checking`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from flows.parsers.amounts import named_currency, parse_amount, parse_priced_amount
from flows.parsers.choices import match_option, match_options
from flows.parsers.dates import parse_date
from flows.parsers.durations import parse_months
from flows.parsers.numbers import number_runs
from flows.parsers.text import normalise
from flows.parsers.yes_no import parse_yes_no

__all__ = [
    "PARSERS",
    "match_option",
    "match_options",
    "named_currency",
    "normalise",
    "parse_age",
    "parse_amount",
    "parse_count",
    "parse_date",
    "parse_months",
    "parse_priced_amount",
    "parse_yes_no",
]

_MAX_COUNT = 100_000
_MIN_AGE, _MAX_AGE = 5, 99
_ONE_UNIT = re.compile(r"(?<!\w)se(?=(?:hari|minggu|pekan|bulan|tahun|kali)(?!\w))")
_UPPER_BOUND = re.compile(r"\b(?:kurang dari|less than|under|below|di bawah|dibawah)\b|<")


def _single_integer(text: str) -> int | None:
    """Returns the one whole number written in normalised text, or None if none or several."""
    runs = number_runs(_ONE_UNIT.sub("1 ", text))
    if len(runs) != 1 or runs[0].value is None:
        return None
    value = runs[0].value
    return int(value) if value == value.to_integral_value() else None


def parse_count(text: str) -> int | None:
    """Returns how many ("3", "tiga bulan", "lebih dari 5", "10+", "sebulan"), or None if vague."""
    normalised = normalise(text)
    if _UPPER_BOUND.search(normalised):
        return None
    value = _single_integer(normalised)
    return value if value is not None and 0 <= value <= _MAX_COUNT else None


def parse_age(text: str) -> int | None:
    """Returns an age in years between 5 and 99 ("17", "umur 17", "17 thn", "seventeen")."""
    value = _single_integer(normalise(text))
    return value if value is not None and _MIN_AGE <= value <= _MAX_AGE else None


def _yes_no(text: str, today: dt.date) -> str | None:
    """Adapts parse_yes_no to the (text, today) parser signature."""
    return parse_yes_no(text)


def _amount(text: str, today: dt.date) -> dict[str, str] | None:
    """Adapts parse_priced_amount (an amount is kept only with its currency) to the signature."""
    return parse_priced_amount(text)


def _count(text: str, today: dt.date) -> int | None:
    """Adapts parse_count to the (text, today) parser signature."""
    return parse_count(text)


def _age(text: str, today: dt.date) -> int | None:
    """Adapts parse_age to the (text, today) parser signature."""
    return parse_age(text)


PARSERS: Mapping[str, Callable[[str, dt.date], object | None]] = MappingProxyType(
    {
        "yes_no": _yes_no,
        "amount": _amount,
        "date": parse_date,
        "count": _count,
        "months": parse_months,
        "age": _age,
    }
)
