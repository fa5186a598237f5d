"""What the caseworker API reads and returns (times in UTC, ISO 8601)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.casework.handoff import CaseFile
from escalation.offices import LEVELS
from storage.escalation_models import Escalation
from storage.models import Case

MAX_TEXT = 4000


class EscalationPublic(BaseModel):
    """Where the hand-off of a case stands."""

    id: int
    status: str
    level: int
    level_name: str
    office: str
    reasons: list[str]
    urgency: str
    ack_due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    claimed_by: int | None
    claimed_at: dt.datetime | None
    resolved_at: dt.datetime | None
    resolution: str | None
    sequence: int

    @classmethod
    def of(cls, row: Escalation) -> EscalationPublic:
        """Returns the public view of an escalation row."""
        data = row.model_dump()
        return cls(**data, level_name=LEVELS[min(row.level, len(LEVELS) - 1)])


class CasePublic(BaseModel):
    """A case's facts: codes and a reference, what lists and filters need."""

    reference: str
    status: str
    urgency: str
    triggers: list[str]
    categories: list[str]
    primary_category: str | None
    destination_country: str | None
    home_regency: str | None
    lead_office: str | None
    liaison_office: str | None
    copy_offices: list[str]
    language: str
    channel: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    escalation: EscalationPublic | None

    @classmethod
    def of(cls, case: Case, escalation: Escalation | None) -> CasePublic:
        """Returns the public view of a case row."""
        return cls(
            **case.model_dump(exclude={"answers", "urgency_triggers", "locale"}),
            triggers=list(case.urgency_triggers),
            language=case.locale,
            escalation=EscalationPublic.of(escalation) if escalation else None,
        )


class CasesPublic(BaseModel):
    """A page of cases."""

    data: list[CasePublic]
    count: int


class TimelineEntry(BaseModel):
    at: dt.datetime
    type: str
    actor: str
    data: dict[str, Any]


class NotePublic(BaseModel):
    """A caseworker's note or reply."""

    id: int
    kind: str
    text: str
    caseworker_id: int
    created_at: dt.datetime


class ReporterMessagePublic(BaseModel):
    """Words the reporter sent after the report; its `follow_up_received` event names its id."""

    id: int
    text: str
    created_at: dt.datetime


class EvidencePublic(BaseModel):
    id: int
    kind: str
    mime_type: str | None
    size_bytes: int
    sha256: str | None
    status: str
    created_at: dt.datetime
    caption: str | None = None
    """The reporter's words sent with the file."""
    shared: dict[str, Any] | None = None
    """A shared contact (phone, is_own) or a confirmed place (latitude, longitude)."""


class CaseDetail(CasePublic):
    """A case with the reporter's answers, its timeline, caseworkers' notes, the reporter's later
    messages and evidence."""

    answers: dict[str, Any]
    timeline: list[TimelineEntry]
    notes: list[NotePublic]
    reporter_messages: list[ReporterMessagePublic]
    evidence: list[EvidencePublic]

    @classmethod
    def from_file(cls, found: CaseFile) -> CaseDetail:
        """Returns the full view of a case file."""
        base = CasePublic.of(found.case, found.escalation).model_dump()
        written = [n for n in found.notes if n.caseworker_id is not None]
        said = [n for n in found.notes if n.caseworker_id is None]  # the reporter's messages
        return cls(
            **base,
            answers=dict(found.case.answers),
            timeline=[TimelineEntry(**e.model_dump()) for e in found.timeline],
            notes=[NotePublic(**n.model_dump()) for n in written],
            reporter_messages=[ReporterMessagePublic(**n.model_dump()) for n in said],
            evidence=[EvidencePublic(**a.model_dump()) for a in found.evidence],
        )


class ClaimBody(BaseModel):
    force: bool = Field(default=False, description="supervisors only: take over another claim")


class StatusBody(BaseModel):
    status: Literal["acknowledged", "claimed", "resolved", "open", "cancelled"]
    resolution: str | None = Field(default=None, pattern=r"^[a-z0-9_]{1,40}$")


class TextBody(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class ResolveBody(BaseModel):
    resolution: str = Field(default="resolved", pattern=r"^[a-z0-9_]{1,40}$")
    note: str | None = Field(default=None, max_length=MAX_TEXT)


class ActionResult(BaseModel):
    """What an action did, and the case after it."""

    changed: bool
    note_id: int | None = None
    case: CasePublic


class Me(BaseModel):
    id: int
    name: str
    office: str
    supervisor: bool
    """May take over claims and set legal holds (a supervisor or an admin)."""
    role: str
