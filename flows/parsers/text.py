"""Text normalisation shared by the answer parsers and the keyword triggers."""

from __future__ import annotations

import re
import unicodedata

# Typographic quotes become a plain apostrophe before NFKC can split them into accents.
_QUOTES = str.maketrans(dict.fromkeys("\u2018\u2019\u201b\u02bc\u00b4`\uff07", "'"))
_SPACE = re.compile(r"\s+")
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

# Unicode categories: marks vanish, controls and separators become spaces, emoji become spaces.
_DROP = frozenset({"Mn", "Mc", "Me", "Cf", "Co", "Cn", "Cs"})
_BLANK = frozenset({"Cc", "Zs", "Zl", "Zp", "So", "Sk"})


class _CleanTable(dict[int, str]):
    """Maps a code point to itself, a space for controls and emoji, or nothing for marks.

    Each code point's category is looked up once and kept, up to a bound, so `str.translate`
    cleans a whole text in C instead of one Python call per character.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        category = unicodedata.category(char)
        found = "" if category in _DROP else " " if category in _BLANK else char
        if len(self) < _CLEAN_TABLE_BOUND:
            self[code] = found
        return found


# Enough for every script a reporter writes in; rarer code points are looked up each time.
_CLEAN_TABLE_BOUND = 1 << 16
_CLEAN = _CleanTable()


def _is_edge_junk(char: str) -> bool:
    """Returns True for spaces, punctuation and non-currency symbols."""
    category = unicodedata.category(char)
    return char.isspace() or (category[0] in "PS" and category != "Sc")


def _strip_edges(text: str) -> str:
    """Returns text without surrounding spaces, punctuation and symbols (currency signs stay)."""
    start, end = 0, len(text)
    while start < end and _is_edge_junk(text[start]):
        start += 1
    while end > start and _is_edge_junk(text[end - 1]):
        end -= 1
    return text[start:end]


def _normalise_once(text: str) -> str:
    """Returns one pass of the normalisation described in `normalise`."""
    if text.isascii():
        # Both forms leave ASCII as it is, and casefolding it is lowering it.
        composed = text.translate(_QUOTES).lower().translate(_CLEAN)
    else:
        decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES)).casefold()
        composed = unicodedata.normalize("NFKC", decomposed.translate(_CLEAN))
    folded = _ELONGATION.sub(r"\1", composed)
    return _strip_edges(_SPACE.sub(" ", folded))


def normalise(text: str) -> str:
    """Returns text casefolded, NFKC-folded, without diacritics, emoji or surrounding punctuation.

    Whitespace runs become one space, letters typed three or more times become one ("iyaaa" ->
    "iya", "tolonggg" -> "tolong") and typographic quotes become "'". Abbreviations ("tdk", "gk")
    are left to each parser's own lexicon.
    """
    once = _normalise_once(text)
    twice = _normalise_once(once)
    return once if once == twice else _normalise_once(twice)


def words(text: str) -> list[str]:
    """Returns the words and numbers of already normalised text (inner apostrophes kept)."""
    return _WORD.findall(text)


def collapse_tail(word: str) -> str:
    """Returns the word with a repeated final letter typed once ("iyaa" -> "iya")."""
    stripped = word.rstrip(word[-1:])
    return stripped + word[-1:] if stripped != word[:-1] else word
