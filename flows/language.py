"""Which of Suara's languages a first message is written in, from a small list of common words.

A word list, not a model: the first message is short ("halo", "mau lapor", "hello I need help"),
nothing may be downloaded, and a wrong guess only changes which button comes first. Indonesian
chat is full of short forms (gak, sy, yg, udh), so those are on the list too.
"""

from __future__ import annotations

import re

from flows.vocabulary import Locale


def _word_list(words: str) -> frozenset[str]:
    """Returns the words of a space-separated list."""
    return frozenset(words.split())


INDONESIAN = _word_list(
    """
    aku ada adik agen aja ajar anak apa atau bagaimana bahasa bantu bantuan belum bisa boleh bos
    dan dapat dari dengan dgn di dia dong enggak gaji gak ga gimana halo hai ibu ini itu jadi
    juga kabur kakak kami kamu kapan karena kenapa kerja ke keluarga kok lagi lapor mau majikan
    malam masih minta nggak ngga nya pagi paspor pak pulang punya saja sakit saya sama sdh selamat
    sedang sekarang siang sih sore suami sudah sy tak tdk tempat tidak tolong tapi udah udh untuk
    utk yang yg
    """
)
"""Everyday Indonesian words a worker or family member writes in a first message."""

ENGLISH = _word_list(
    """
    a about am and are at be but can could do does employer for from get good have hello help
    hey hi how i im is it me morning my need not of on please report salary she he the there they
    this to want was we what when where who why with work would you your
    """
)
"""Everyday English words, kept apart from the Indonesian list."""

_WORD = re.compile(r"[a-z']+")


def guess_language(text: str | None, *, margin: int = 1) -> Locale | None:
    """Returns the language of at least `margin` more known words than the other, else None."""
    words = [w.replace("'", "") for w in _WORD.findall((text or "").lower())]
    lead = sum(w in INDONESIAN for w in words) - sum(w in ENGLISH for w in words)
    if abs(lead) < margin:
        return None
    return Locale.ID if lead > 0 else Locale.EN
