"""The queue's filters read from the page's query string into a storage QueueQuery.

A value that is not one of the choices is dropped, and the page names the filters it dropped, so
a stale or edited link still shows a queue and says what it left out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from escalation.status import Status
from flows.routing import find_province
from handlers.console.words import CATEGORIES, COUNTRIES_SHOWN, URGENCIES
from storage.queue import QueueQuery

PAGE_SIZE = 50
AGES: Mapping[str, tuple[int | None, int | None]] = {
    "today": (None, 1),
    "week": (None, 7),
    "older_week": (7, None),
    "older_month": (30, None),
}
"""Age choices: (older than so many days, newer than so many days)."""
MAX_PAGE = 1000


@dataclass(frozen=True)
class Filters:
    """The filters a page asked for: the ones kept, the query they make, the names dropped."""

    chosen: dict[str, str]
    query: QueueQuery
    dropped: list[str] = field(default_factory=list)


def _choice(value: str, allowed: Collection[str]) -> str | None:
    return value if value in allowed else None


def _owner(value: str, me: int, owners: Collection[int]) -> int | None:
    if value == "me":
        return me
    return int(value) if value.isdigit() and int(value) in owners else None


def _page(value: str) -> int | None:
    return int(value) if value.isdigit() and 1 <= int(value) <= MAX_PAGE else None


def _regency(value: str) -> str | None:
    found = find_province(value)
    return found[1] if found else None


def read_filters(
    params: Mapping[str, str], offices: Collection[str], me: int, owners: Collection[int]
) -> Filters:
    """Returns the filters of a query string; values outside the choices are dropped."""
    readers = {
        "office": lambda v: _choice(v, offices),
        "urgency": lambda v: _choice(v, URGENCIES),
        "status": lambda v: _choice(v, set(Status)),
        "category": lambda v: _choice(v, CATEGORIES),
        "country": lambda v: _choice(v, COUNTRIES_SHOWN),
        "regency": _regency,
        "owner": lambda v: _owner(v, me, owners),
        "age": lambda v: _choice(v, AGES),
        "waiting": lambda v: me if v == "me" else None,
        "closed": lambda v: True if v == "1" else None,
        "page": _page,
    }
    kept: dict[str, object] = {}
    chosen: dict[str, str] = {}
    dropped: list[str] = []
    for name, read in readers.items():
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        value = read(raw)
        if value is None:
            dropped.append(name)
        else:
            kept[name], chosen[name] = value, str(value) if name == "regency" else raw
    return Filters(chosen, _query(kept), dropped)


def _query(kept: Mapping[str, object]) -> QueueQuery:
    older, newer = AGES.get(str(kept.get("age", "")), (None, None))
    page = int(str(kept.get("page", 1)))
    return QueueQuery(
        office=_text(kept.get("office")),
        urgency=_text(kept.get("urgency")),
        status=_text(kept.get("status")),
        category=_text(kept.get("category")),
        destination_country=_text(kept.get("country")),
        home_regency=_text(kept.get("regency")),
        owner=_number(kept.get("owner")),
        older_than_days=older,
        newer_than_days=newer,
        waiting_for=_number(kept.get("waiting")),
        include_closed=bool(kept.get("closed")),
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )


def _text(value: object) -> str | None:
    return str(value) if value is not None else None


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
