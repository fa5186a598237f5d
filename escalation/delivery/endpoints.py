"""Endpoint rows kept in line with the office config, and a short cache of them for senders."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlmodel import Session

from escalation.offices import Directory
from storage import escalations
from storage.escalation_models import WebhookEndpoint


def sync_endpoints(
    session: Session, directory: Directory, now: dt.datetime
) -> dict[str, WebhookEndpoint]:
    """Brings the endpoint rows in line with the config; returns them by name."""
    rows = {}
    for endpoint in directory.endpoints():
        rows[endpoint.name] = escalations.sync_endpoint(
            session=session,
            name=endpoint.name,
            office=endpoint.office,
            level=endpoint.level,
            url=endpoint.url,
            max_in_flight=endpoint.max_in_flight,
            now=now,
        )
    escalations.disable_unlisted(session=session, names=list(rows), now=now)
    return rows


@dataclass(frozen=True)
class EndpointRow:
    """What `send` needs of an endpoint row."""

    id: int
    enabled: bool


_cache: dict[str, tuple[float, dict[str, EndpointRow]]] = {}
CACHE_SECONDS = 5.0


def forget_endpoints() -> None:
    """Drops the cached endpoint rows (after an endpoint was disabled, say)."""
    _cache.clear()


def rows_by_name(
    session: Session, directory: Directory, now: dt.datetime
) -> dict[str, EndpointRow]:
    """Returns endpoint rows by name, cached for a few seconds per database."""
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    cached = _cache.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    rows = {r.name: r for r in escalations.endpoints(session=session)}
    synced = any(e.name not in rows for e in directory.endpoints())
    if synced:
        rows = sync_endpoints(session, directory, now)
    found = {name: EndpointRow(r.id or 0, r.enabled) for name, r in rows.items()}
    if not synced:  # rows this transaction just wrote are not committed: other threads wait
        _cache[key] = (time.monotonic() + CACHE_SECONDS, found)
    return found
