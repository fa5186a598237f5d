"""Triage P0-P3: triggers, categories and modifiers may only raise urgency, never lower it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from flows.vocabulary import Urgency

P0, P1, P2, P3 = Urgency.P0, Urgency.P1, Urgency.P2, Urgency.P3

TRIGGER_LEVELS: Mapping[str, Urgency] = {
    "danger_now": P0,
    "violence_ongoing": P0,
    "sexual_violence": P0,
    "confined": P0,
    "trafficked": P0,
    "self_harm": P0,
    "minor": P0,
    "injured": P1,
    "danger_unsure": P1,
    "arrested": P1,
    "death": P1,
    "no_food": P1,
    "passport_withheld": P2,
    "handover_requested": P2,
}
"""The level each trigger sets on its own (domain.md section 6)."""

MODIFIERS: frozenset[str] = frozenset(
    {"no_own_phone", "cannot_reply_later", "pregnant", "group_case", "at_sea"}
)
"""Triggers that raise the level by one, once (never below P0)."""

CATEGORY_LEVELS: Mapping[str, Urgency] = {
    "TPPO": P0,
    "TAHAN": P1,
    "PIDANA": P1,
    "MENINGGAL": P1,
    "GAJI": P2,
    "DOKUMEN": P2,
    "KEKERASAN": P2,
    "SEKSUAL": P2,
    "JAMKERJA": P2,
    "KONTRAK": P2,
    "PHK": P2,
    "REKRUT": P2,
    "BIAYA": P2,
    "UTANG": P2,
    "SAKIT": P2,
    "HILANG": P2,
    "PULANG": P2,
    "NONDOK": P2,
    "ABK": P2,
}
"""The level a problem category sets; anything not listed is P3."""

RESPONSE_TARGETS: Mapping[Urgency, dt.timedelta] = {
    P0: dt.timedelta(hours=1),
    P1: dt.timedelta(hours=24),
    P2: dt.timedelta(days=3),
    P3: dt.timedelta(days=7),
}
"""When a person should have answered, per level (a PROPOSAL, see domain.md section 6)."""


def level(triggers: Iterable[str], categories: Iterable[str]) -> Urgency:
    """Returns the urgency the triggers and categories add up to."""
    found = [TRIGGER_LEVELS[t] for t in triggers if t in TRIGGER_LEVELS]
    found += [CATEGORY_LEVELS.get(c, P3) for c in categories]
    base = min(found, key=lambda u: u.rank, default=P3)
    if any(t in MODIFIERS for t in triggers):
        return Urgency(f"P{max(base.rank - 1, 0)}")
    return base


def raise_only(current: Urgency | None, proposed: Urgency) -> Urgency:
    """Returns the more urgent of two levels."""
    if current is None or proposed.rank < current.rank:
        return proposed
    return current


def respond_by(urgency: Urgency, now: dt.datetime) -> dt.datetime:
    """Returns when a person should have answered a case of this urgency."""
    return now + RESPONSE_TARGETS[urgency]
