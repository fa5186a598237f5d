"""Numbers typed in chat: digit groups with "." and "," and Indonesian or English number words.

Separator rule (both "." and ","): a separator followed by exactly three digits groups thousands;
a separator followed by one or two digits, as the last group, is the decimal mark. Everything else
("1.2345", "12.34.567", "1.500,000") is not a number. So "2.500" and "2,500" are 2500, "2,5" and
"2.5" are 2.5, "1.500.000,50" and "1,500,000.50" are 1500000.5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

NUMERAL = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|%")
_MAX_DIGITS = 18

UNITS_ID: dict[str, int] = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9,
}  # fmt: skip
_SE_GROUPS: dict[str, int] = {"sepuluh": 10, "sebelas": 11, "seratus": 100}
_MULTIPLIERS: dict[str, int] = {"puluh": 10, "ratus": 100}
ENGLISH: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES: dict[str, int] = {
    "ribu": 10**3, "rb": 10**3, "rbu": 10**3, "rebu": 10**3, "k": 10**3, "thousand": 10**3,
    "juta": 10**6, "jt": 10**6, "jta": 10**6, "million": 10**6,
    "miliar": 10**9, "milyar": 10**9, "billion": 10**9,
}  # fmt: skip
_SE_SCALES: dict[str, int] = {"seribu": 10**3, "sejuta": 10**6, "semiliar": 10**9}
_HALF = frozenset({"setengah", "stengah"})
_SPECIAL = frozenset({"belas", "hundred"})
NUMBER_WORDS = frozenset(
    {*UNITS_ID, *_SE_GROUPS, *_MULTIPLIERS, *ENGLISH, *SCALES, *_SE_SCALES, *_HALF, *_SPECIAL}
)


def read_numeral(text: str) -> Decimal | None:
    """Returns the value of a digit string with "." or "," separators, or None if malformed."""
    if not NUMERAL.fullmatch(text) or sum(char.isdigit() for char in text) > _MAX_DIGITS:
        return None
    groups = re.split(r"[.,]", text)
    separators = re.findall(r"[.,]", text)
    head = groups[0]
    if len(head) > 1 and head.startswith("0"):
        return None
    decimals = ""
    if separators and len(groups[-1]) in (1, 2):
        if len(separators) > 1 and separators[-1] == separators[0]:
            return None
        decimals = groups.pop()
        separators.pop()
    if separators and (len(set(separators)) > 1 or len(head) > 3 or head == "0"):
        return None
    if any(len(group) != 3 for group in groups[1:]):
        return None
    return Decimal("".join(groups) + ("." + decimals if decimals else ""))


@dataclass
class _Accumulator:
    """Running state while reading one number phrase."""

    total: Decimal = Decimal(0)
    group: Decimal = Decimal(0)
    unit: Decimal | None = None
    scale: int | None = None
    valid: bool = True

    def flush_unit(self) -> None:
        """Adds the pending unit word to the current group."""
        if self.unit is not None:
            self.group += self.unit
            self.unit = None

    def start_value(self, value: Decimal) -> None:
        """Takes a numeral or word that must open a new group."""
        if self.unit is not None or self.group:
            self.valid = False
        elif value == value.to_integral_value() and 0 <= value <= 9:
            self.unit = value
        else:
            self.group = value

    def add_unit(self, value: int) -> None:
        """Takes an Indonesian unit word (satu..sembilan)."""
        if self.unit is not None:
            self.valid = False
        self.unit = Decimal(value)

    def multiply_unit(self, factor: int, offset: int = 0) -> None:
        """Applies "puluh", "ratus" or "belas" to the pending unit word."""
        if self.unit is None:
            self.valid = False
            return
        self.group += self.unit * factor + offset
        self.unit = None

    def add_to_group(self, value: int) -> None:
        """Adds an English word or a se- word (sepuluh, seratus) to the current group."""
        if self.unit is not None:
            self.valid = False
        self.group += value

    def apply_scale(self, scale: int, implicit_one: bool = False) -> None:
        """Applies ribu/juta/thousand to the current group; scales must decrease."""
        self.flush_unit()
        if implicit_one:
            self.valid = self.valid and not self.group
            self.group = Decimal(1)
        if not self.group or (self.scale is not None and scale >= self.scale):
            self.valid = False
        self.total += self.group * scale
        self.group, self.scale = Decimal(0), scale

    def result(self) -> Decimal | None:
        """Returns the value read so far, or None if the phrase was malformed."""
        self.flush_unit()
        tail = self.group
        if self.scale == 10**6 and tail:
            # "2 juta 500" is colloquial for 2,500,000; shorter tails are ambiguous.
            if not (100 <= tail < 1000 and tail == tail.to_integral_value()):
                return None
            tail *= 1000
        return self.total + tail if self.valid else None


def _feed(acc: _Accumulator, token: str) -> None:
    """Feeds one number token into the accumulator."""
    if token[0].isdigit():
        value = read_numeral(token)
        if value is None:
            acc.valid = False
        else:
            acc.start_value(value)
    elif token in UNITS_ID:
        acc.add_unit(UNITS_ID[token])
    elif token in _MULTIPLIERS:
        acc.multiply_unit(_MULTIPLIERS[token])
    elif token == "belas":
        acc.multiply_unit(1, 10)
    elif token in _SE_GROUPS:
        acc.add_to_group(_SE_GROUPS[token])
    elif token in ENGLISH:
        acc.add_to_group(ENGLISH[token])
    elif token == "hundred":
        acc.flush_unit()
        acc.valid = acc.valid and bool(acc.group)
        acc.group *= 100
    elif token in _HALF:
        acc.flush_unit()
        acc.group += Decimal("0.5")
    elif token in _SE_SCALES:
        acc.apply_scale(_SE_SCALES[token], implicit_one=True)
    else:
        acc.apply_scale(SCALES[token])


def read_number_words(tokens: list[str]) -> Decimal | None:
    """Returns the value of a phrase such as ["dua", "juta", "500", "ribu"], or None."""
    acc = _Accumulator()
    for token in tokens:
        _feed(acc, token)
        if not acc.valid:
            return None
    return acc.result()


@dataclass(frozen=True)
class NumberRun:
    """A stretch of consecutive number tokens, its value and the tokens around it."""

    tokens: tuple[str, ...]
    value: Decimal | None
    before: str
    after: str


def _is_number_token(token: str) -> bool:
    """Returns True for numerals and number words."""
    return token[0].isdigit() or token in NUMBER_WORDS


def number_runs(text: str) -> list[NumberRun]:
    """Returns every run of number tokens in normalised text, in order."""
    tokens = _TOKEN.findall(text)
    runs: list[NumberRun] = []
    index = 0
    while index < len(tokens):
        if not _is_number_token(tokens[index]):
            index += 1
            continue
        end = index
        while end < len(tokens) and _is_number_token(tokens[end]):
            end += 1
        run = tokens[index:end]
        before = tokens[index - 1] if index else ""
        after = tokens[end] if end < len(tokens) else ""
        runs.append(NumberRun(tuple(run), read_number_words(run), before, after))
        index = end
    return runs
