"""What the referral, audit and data-request routes read and return (times in UTC)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.casework.referrals import Justification
from handlers.api.schemas import CaseDetail, TimelineEntry
from storage.models import Case
from storage.safety_models import DataRequest

CODE = r"^[a-z0-9_]{1,40}$"


class ReferralBody(BaseModel):
    recipient: str = Field(pattern=CODE, examples=["kbri_kuala_lumpur"])
    reason: str = Field(default="referral", pattern=CODE, examples=["legal_aid"])


class ReferralResult(BaseModel):
    """A share that happened (201) or a consent question sent to the reporter (202)."""

    status: str = Field(description="shared | consent_requested")
    recipient: str
    basis: str | None = None
    shared: dict[str, Any] = Field(default_factory=dict)


class EmergencyBody(BaseModel):
    justification: Justification


class EmergencyResult(BaseModel):
    logged: bool
    justification: str


class CaseExport(CaseDetail):
    """A whole case for the reporter's access request; the export is audited."""

    exported_at: dt.datetime


class AuditTrail(BaseModel):
    reference: str
    data: list[TimelineEntry]
    count: int


class DataRequestPublic(BaseModel):
    """A data-rights request: codes and times only."""

    id: int
    kind: str
    status: str
    case_ref: str | None
    channel: str
    locale: str
    purpose: str | None
    created_at: dt.datetime
    due_at: dt.datetime
    escalate_at: dt.datetime
    escalated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    resolved_by: str | None
    outcome: str | None
    overdue: bool

    @classmethod
    def of(cls, row: DataRequest, case: Case | None, now: dt.datetime) -> DataRequestPublic:
        """Returns the public view of a request row."""
        data = row.model_dump(exclude={"reporter_id", "case_id", "updated_at"})
        overdue = row.status == "open" and row.due_at <= now
        return cls(**data, case_ref=case.reference if case else None, overdue=overdue)


class DataRequestsPublic(BaseModel):
    data: list[DataRequestPublic]
    count: int


class ResolveRequestBody(BaseModel):
    outcome: Literal["done", "refused"]
    reason: str = Field(pattern=CODE, examples=["copy_sent", "identity_not_confirmed"])


class LegalHoldBody(BaseModel):
    """Put a case on legal hold or release it; the reason is a code (a court case, say)."""

    held: bool
    reason: str = Field(pattern=r"^[a-z0-9_]{1,40}$")


class LegalHoldResult(BaseModel):
    reference: str
    held: bool
    changed: bool
