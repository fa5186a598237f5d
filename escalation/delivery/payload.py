"""The thin webhook payload: codes, a reference and a link; no names, numbers, text or files."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from storage.escalation_models import Escalation
from storage.models import Case

CODE = re.compile(r"^[A-Za-z0-9_]{1,40}$")
MAX_BYTES = 20_000


def _codes(values: Iterable[object]) -> list[str]:
    """Keeps values that are codes; anything else (typed text) is dropped."""
    return [str(v) for v in values if CODE.match(str(v))]


def _country(value: str | None) -> str | None:
    """Returns a destination code; a typed country name becomes plain OTHER."""
    if value is None:
        return None
    code = value.split(":", 1)[0]
    return code if CODE.match(code) else "OTHER"


def _time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def data(
    *,
    escalation: Escalation,
    case: Case,
    office: str,
    level_name: str,
    base_url: str,
    respond_by: dt.datetime | None,
) -> dict[str, Any]:
    """Returns the `data` object of a webhook about one escalation."""
    return {
        "escalation_id": escalation.id,
        "case_ref": case.reference,
        "sequence": escalation.sequence,
        "status": escalation.status,
        "level": escalation.level,
        "level_name": level_name,
        "office": office,
        "lead_office": escalation.office,
        "copy": office != escalation.office and level_name == "office",
        "reasons": _codes(escalation.reasons),
        "urgency": case.urgency,
        "triggers": _codes(case.urgency_triggers),
        "categories": _codes(case.categories),
        "primary_category": next(iter(_codes([case.primary_category or ""])), None),
        "destination_country": _country(case.destination_country),
        "language": case.locale,
        "channel": case.channel,
        "reported_at": _time(case.created_at),
        "submitted_at": _time(case.submitted_at),
        "ack_due_at": _time(escalation.ack_due_at),
        "respond_by": _time(respond_by),
        "links": {"case": f"{base_url.rstrip('/')}/api/v1/cases/{case.reference}"},
    }


def encode(event_type: str, body: dict[str, Any], now: dt.datetime) -> str:
    """Returns the exact JSON text that is stored, signed and sent."""
    envelope = {"type": event_type, "timestamp": _time(now), "data": body}
    text = json.dumps(envelope, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    if len(text.encode()) > MAX_BYTES:
        raise ValueError("webhook payload over 20 KB")
    return text
