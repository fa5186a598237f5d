"""The case page's timeline: every record of a case merged into one list, oldest first.

Timeline events carry codes and ids only; the words of notes, replies and the reporter's later
messages live in CaseNote and the files in Attachment, so each entry is joined here to what it
points at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from storage.case_record import CaseRecord
from storage.escalation_models import CaseNote
from storage.models import Attachment, CaseEvent


class EntryKind(StrEnum):
    """What a line of the timeline is, for its icon and its words."""

    MESSAGE_IN = "message_in"
    MESSAGE_OUT = "message_out"
    NOTE = "note"
    EVIDENCE = "evidence"
    STATUS = "status"
    DELIVERY = "delivery"
    CONSENT = "consent"
    DATA_REQUEST = "data_request"
    AUDIT = "audit"
    EVENT = "event"


KIND_OF_EVENT = {
    "follow_up_received": EntryKind.MESSAGE_IN,
    "reporter_message_received": EntryKind.MESSAGE_IN,
    "reply_sent": EntryKind.MESSAGE_OUT,
    "note_added": EntryKind.NOTE,
    "evidence_added": EntryKind.EVIDENCE,
    "case_submitted": EntryKind.STATUS,
    "escalation_acknowledged": EntryKind.STATUS,
    "escalation_claimed": EntryKind.STATUS,
    "escalation_released": EntryKind.STATUS,
    "escalation_cancelled": EntryKind.STATUS,
    "status_changed": EntryKind.STATUS,
    "case_resolved": EntryKind.STATUS,
    "case_viewed": EntryKind.AUDIT,
    "case_listed": EntryKind.AUDIT,
    "case_exported": EntryKind.AUDIT,
    "case_audit_viewed": EntryKind.AUDIT,
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline."""

    at: dt.datetime
    kind: EntryKind
    code: str
    actor: str
    text: str | None = None
    attachment: Attachment | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def _event_entry(
    event: CaseEvent, notes: dict[int, CaseNote], files: dict[int, Attachment]
) -> TimelineEntry:
    note = notes.get(int(event.data.get("note_id") or 0))
    attachment = files.get(int(event.data.get("attachment_id") or 0))
    text = note.text if note else event.data.get("text")
    return TimelineEntry(
        at=event.at,
        kind=KIND_OF_EVENT.get(event.type, EntryKind.EVENT),
        code=event.type,
        actor=event.actor,
        text=str(text) if text is not None else None,
        attachment=attachment,
        detail={k: v for k, v in event.data.items() if k not in ("note_id", "text")},
    )


def _side_entries(record: CaseRecord, shown: set[int]) -> list[TimelineEntry]:
    found = [
        TimelineEntry(a.created_at, EntryKind.EVIDENCE, a.kind, "reporter", attachment=a)
        for a in record.evidence
        if a.id not in shown
    ]
    found += [
        TimelineEntry(
            c.at,
            EntryKind.CONSENT,
            c.purpose,
            c.actor,
            detail={"answer": c.answer, "recipient": c.recipient},
        )
        for c in record.consents
    ]
    found += [
        TimelineEntry(
            r.created_at,
            EntryKind.DATA_REQUEST,
            r.kind,
            "reporter",
            detail={"status": r.status, "due_at": r.due_at, "outcome": r.outcome},
        )
        for r in record.data_requests
    ]
    found += [
        TimelineEntry(
            d.created_at,
            EntryKind.DELIVERY,
            d.event_type,
            d.office,
            detail={"state": d.state, "attempts": d.attempts, "delivered_at": d.delivered_at},
        )
        for d in record.deliveries
    ]
    return found


def entries(record: CaseRecord) -> list[TimelineEntry]:
    """Returns the merged timeline of a case, oldest first (ties keep the order recorded)."""
    notes = {n.id or 0: n for n in record.notes}
    files = {a.id or 0: a for a in record.evidence}
    from_events = [_event_entry(e, notes, files) for e in record.events]
    shown = {e.attachment.id or 0 for e in from_events if e.attachment is not None}
    merged = from_events + _side_entries(record, shown)
    return sorted(merged, key=lambda entry: entry.at)
