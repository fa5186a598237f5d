"""How a case's codes become chart and export labels: typed free text never passes through."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flows.intake import COUNTRIES, FAMILY_PROBLEMS
from flows.routing import find_province
from flows.triage import CATEGORY_LEVELS

OTHER = "other"
UNKNOWN = "unknown"
OFFICE_ZONE = ZoneInfo("Asia/Jakarta")
"""Months are counted in the secretariat's time, where the dashboard is read."""

CATEGORIES = frozenset(o.id for o in FAMILY_PROBLEMS) | frozenset(CATEGORY_LEVELS)
COUNTRY_CODES = frozenset(o.id for o in COUNTRIES)
ROLES = frozenset({"worker", "family", "organisation"})
CHANNELS = frozenset({"telegram", "whatsapp", "web"})
URGENCIES = ("P0", "P1", "P2", "P3")


def code(value: str | None, known: frozenset[str]) -> str:
    """Returns the value when it is one of the known codes, else "other" (or "unknown")."""
    if not value:
        return UNKNOWN
    return value if value in known else OTHER


def country(value: str | None) -> str:
    """Returns the destination country code; a typed country name becomes "OTHER"."""
    if value and value.startswith("OTHER"):
        return "OTHER"
    return code(value, COUNTRY_CODES)


def regency(value: str | None) -> str:
    """Returns the canonical regency name, or "other" for a name Suara does not know."""
    found = find_province(value)
    return found[1] if found else (UNKNOWN if not value else OTHER)


def province(value: str | None) -> str:
    """Returns the province of a home regency, or "other" / "unknown"."""
    found = find_province(value)
    return found[0] if found else (UNKNOWN if not value else OTHER)


def month(at: dt.datetime) -> str:
    """Returns YYYY-MM of a moment in the office's time."""
    return at.astimezone(OFFICE_ZONE).strftime("%Y-%m")
