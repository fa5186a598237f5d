"""Typed answers to button questions: an option number or (part of) a visible label.

Matching tries, in order: the whole label (spaces ignored); the option number ("2", "2.",
"no 2", "nomor 2", 1-based); a prefix of a label of at least four characters; a label written
inside the message as whole words (the longest wins: "tidak aman" beats "aman"); the message
written inside a label as whole words (at least four characters). The first step that finds
anything decides: one option is the answer, two or more is ambiguous and gives None. A
multi-select answer is split on commas, "dan"/"and" and spaces between numbers; every part must
match, repeats are dropped, and more than fifty parts is not an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flows.parsers.text import normalise

Options = Sequence[tuple[str, Sequence[str]]]

_LETTERS = re.compile(r"[^\W_]+")
_NUMBER = re.compile(
    r"(?:(?:no|nomor|nomer|nmr|number|num|pilihan|opsi|option|angka)\s*)?(\d{1,3})"
)
_SEPARATORS = re.compile(r"\s*(?:[,;/&+\n]|\b(?:dan|and|serta|atau|or)\b)\s*")
_NUMBERS_ONLY = re.compile(r"\d{1,3}(?:\s+\d{1,3})+")
_MIN_PARTIAL = 4
_MAX_PARTS = 50


def _key(text: str) -> str:
    """Returns text normalised for comparison: lower case, letters and digits, single spaces."""
    return " ".join(_LETTERS.findall(normalise(text)))


def _whole_words(text: str) -> re.Pattern[str]:
    """Returns a pattern finding the text as whole words."""
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")


@dataclass(frozen=True)
class Choices:
    """Options made ready for reading typed answers: every label keyed once, in option order."""

    ids: tuple[str, ...]
    labelled: tuple[tuple[str, str], ...]
    """(option id, label key) for every non-empty label."""
    compact: tuple[tuple[str, str], ...]
    """(option id, label key without spaces), as `labelled`."""
    patterns: tuple[tuple[str, str, re.Pattern[str]], ...]
    """(option id, label key, the label key as whole words), as `labelled`."""


def prepare(options: Options | Choices) -> Choices:
    """Returns the options keyed for matching (once, at load, for options that do not change)."""
    if isinstance(options, Choices):
        return options
    labelled = tuple(
        (option_id, key) for option_id, labels in options for key in map(_key, labels) if key
    )
    return Choices(
        ids=tuple(option_id for option_id, _ in options),
        labelled=labelled,
        compact=tuple((option_id, label.replace(" ", "")) for option_id, label in labelled),
        patterns=tuple((option_id, label, _whole_words(label)) for option_id, label in labelled),
    )


def _unique(ids: Sequence[str]) -> list[str]:
    """Returns the ids without repeats, first occurrence first."""
    return list(dict.fromkeys(ids))


def _exact(key: str, options: Choices) -> list[str]:
    """Returns the ids whose label equals the message, spaces ignored ("hongkong")."""
    compact = key.replace(" ", "")
    return _unique([option_id for option_id, label in options.compact if label == compact])


def _by_number(key: str, options: Choices) -> list[str]:
    """Returns the id at the typed 1-based position, if the message is only a number."""
    match = _NUMBER.fullmatch(key)
    if match is None or not 1 <= int(match[1]) <= len(options.ids):
        return []
    return [options.ids[int(match[1]) - 1]]


def _by_prefix(key: str, options: Choices) -> list[str]:
    """Returns the ids with a label starting with the message (four characters or more)."""
    if len(key) < _MIN_PARTIAL:
        return []
    return _unique([option_id for option_id, label in options.labelled if label.startswith(key)])


def _label_in_text(key: str, options: Choices) -> list[str]:
    """Returns the ids with a label written in the message; a longer label hides one inside it."""
    # A label that is not even a substring cannot be there as whole words: skip its pattern.
    hits = [
        (match.span(), option_id)
        for option_id, label, pattern in options.patterns
        if label in key
        for match in pattern.finditer(key)
    ]
    outer = [
        option_id
        for (start, end), option_id in hits
        if not any(s <= start and end <= e and e - s > end - start for (s, e), _ in hits)
    ]
    return _unique(outer)


def _text_in_label(key: str, options: Choices) -> list[str]:
    """Returns the ids with a label containing the message as whole words (four characters+)."""
    if len(key) < _MIN_PARTIAL:
        return []
    pattern = _whole_words(key)
    return _unique(
        [
            option_id
            for option_id, label in options.labelled
            if key in label and pattern.search(label)
        ]
    )


_Stage = Callable[[str, Choices], list[str]]
_STAGES: tuple[_Stage, ...] = (_exact, _by_number, _by_prefix, _label_in_text, _text_in_label)


def match_option(text: str, options: Options | Choices) -> str | None:
    """Returns the id of the one option the message names, or None if none or several."""
    key = _key(text)
    return _match_key(key, prepare(options)) if key else None


def _match_key(key: str, options: Choices) -> str | None:
    """Returns the id of the one option a non-empty message key names, or None."""
    for stage in _STAGES:
        found = stage(key, options)
        if found:
            return found[0] if len(found) == 1 else None
    return None


def _parts(normalised: str) -> list[str]:
    """Returns the pieces of a multi-select answer ("1, 3", "1 dan 3", "1 3", "gaji, paspor")."""
    pieces: list[str] = []
    for piece in _SEPARATORS.split(normalised):
        key = _key(piece)
        pieces.extend(key.split() if _NUMBERS_ONLY.fullmatch(key) else [key] if key else [])
    return pieces


def match_options(text: str, options: Options | Choices) -> list[str] | None:
    """Returns the ids named in a multi-select answer in order without repeats, or None."""
    prepared = prepare(options)
    normalised = normalise(text)
    key = " ".join(_LETTERS.findall(normalised))
    whole = _exact(key, prepared)
    if len(whole) == 1:
        return whole
    parts = _parts(normalised)
    if parts and len(parts) <= _MAX_PARTS:
        ids = _every_part(parts, prepared)
        if ids is not None:
            return _unique(ids)
    single = _match_key(key, prepared) if key else None
    return [single] if single else None


def _every_part(parts: list[str], options: Choices) -> list[str] | None:
    """Returns the option each part names, or None as soon as one part names none."""
    ids: list[str] = []
    for part in parts:
        part_key = _key(part)
        found = _match_key(part_key, options) if part_key else None
        if found is None:
            return None
        ids.append(found)
    return ids
