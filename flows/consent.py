"""Consent purposes, the version of each consent text, and the bodies a case may be shared with."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from flows.vocabulary import N_


class Purpose(StrEnum):
    """What a consent answer is about; each is asked and recorded separately (R-02)."""

    CASE_HANDLING = "case_handling"
    SENSITIVE_DATA = "sensitive_data"
    CONTACT_LATER = "contact_later"
    SHARE = "share"


class Answer(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


CONSENT_VERSIONS: Mapping[str, str] = {
    Purpose.CASE_HANDLING: "2026-11-v1",
    Purpose.SENSITIVE_DATA: "2026-12-v2",
    Purpose.CONTACT_LATER: "2026-11-v1",
    Purpose.SHARE: "2026-11-v1",
}
"""The version of each consent text; raise it whenever that text changes (R-19)."""

RECIPIENTS: Mapping[str, str] = {
    "kbri": N_("the Indonesian embassy or consulate (KBRI/KJRI)"),
    "kp2mi": N_("the Ministry for Migrant Workers (KP2MI/BP2MI)"),
    "partner_ngo": N_("a partner organisation of Migrant CARE"),
    "police": N_("the police"),
}
"""Bodies a case may be shared with, by code, with the name a reporter reads."""

SAFE_TIME_WINDOWS: Mapping[str, tuple[str, ...]] = {
    "morning": ("06:00-12:00",),
    "afternoon": ("12:00-18:00",),
    "evening": ("18:00-22:00",),
    "night": ("22:00-06:00",),
    "any": ("00:00-23:59",),
    "i_write_first": (),
}
"""Safe-time answers as windows in the reporter's local time ("HH:MM-HH:MM"; may wrap midnight)."""

SAFE_TIME_STEPS = ("self_times", "fam_times")


def recipient_name(code: str) -> str:
    """Returns the msgid of a recipient's display name (the code itself when unknown)."""
    return RECIPIENTS.get(code, code)
