"""Referrals through the consent gate, emergency exceptions, exports and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response

from bot.casework import audit, referrals
from bot.casework.verbs import actor_of
from bot.evidence.files import FileStore
from bot.safety import erasure
from bot.staff import Act, may
from handlers.api.deps import CurrentCase, CurrentCaseworker, HandoffDep
from handlers.api.safety_schemas import (
    AuditTrail,
    CaseExport,
    EmergencyBody,
    EmergencyResult,
    LegalHoldBody,
    LegalHoldResult,
    ReferralBody,
    ReferralResult,
)
from handlers.api.schemas import CaseDetail, TimelineEntry
from handlers.ids import RowId
from handlers.json_depth import DepthCheckedRoute
from storage.types import utcnow

router = APIRouter(tags=["safety"], route_class=DepthCheckedRoute)


def read_reason(
    x_suara_reason: Annotated[str | None, Header(max_length=64)] = None,
    reason: Annotated[str | None, Query(max_length=64)] = None,
) -> str:
    """Returns the reason of a read: the X-Suara-Reason header, else `reason`, else casework."""
    return audit.reason_code(x_suara_reason or reason)


ReadReason = Annotated[str, Depends(read_reason)]


def refused(error: referrals.ShareRefused) -> HTTPException:
    """Returns the 409 of a share the gate refused."""
    detail = {"code": error.code.value, "recipient": error.recipient, "message": str(error)}
    return HTTPException(status_code=409, detail=detail)


@router.post("/cases/{reference}/referrals", status_code=201)
def refer(
    case: CurrentCase,
    who: CurrentCaseworker,
    handoff: HandoffDep,
    body: ReferralBody,
    response: Response,
) -> ReferralResult:
    """Shares the case with a third party: 201 with what was shared when the reporter consented,
    202 when the reporter is now asked, 409 when they refused or withdrew consent."""
    try:
        done = referrals.refer(
            handoff.engine, case.id or 0, body.recipient, body.reason, who, utcnow()
        )
    except referrals.ShareRefused as error:
        raise refused(error) from None
    if done.status == referrals.REQUESTED:
        response.status_code = 202
    handoff.wake_reporter()
    basis = done.basis.value if done.basis else None
    return ReferralResult(
        status=done.status,
        recipient=done.recipient,
        basis=basis,
        shared=done.shared,
    )


@router.post("/cases/{reference}/emergency-exception", status_code=201)
def emergency_exception(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, body: EmergencyBody
) -> EmergencyResult:
    """Logs an emergency exception (R-03) on a P0 case; 409 for any other case."""
    try:
        referrals.emergency_exception(handoff.engine, case.id or 0, who, body.justification.value)
    except referrals.ExceptionNotAllowed as error:
        detail = {"code": "not_p0", "message": str(error)}
        raise HTTPException(status_code=409, detail=detail) from None
    return EmergencyResult(logged=True, justification=body.justification.value)


@router.get("/cases/{reference}/export")
def export(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, reason: ReadReason
) -> CaseExport:
    """Returns the whole case with its timeline as JSON (an access request); audited."""
    now = utcnow()
    found = audit.read_case(handoff.engine, case.id or 0, who, reason, now, audit.EXPORTED)
    return CaseExport(**CaseDetail.from_file(found).model_dump(), exported_at=now)


@router.get("/cases/{reference}/audit")
def audit_trail(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, reason: ReadReason
) -> AuditTrail:
    """Returns who read, changed, exported or shared the case, when and why (read-only)."""
    events = audit.trail(handoff.engine, case.id or 0, who, reason, utcnow())
    data = [TimelineEntry(**e.model_dump()) for e in events]
    return AuditTrail(reference=case.reference, data=data, count=len(data))


@router.put("/cases/{reference}/legal-hold")
def legal_hold(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, body: LegalHoldBody
) -> LegalHoldResult:
    """Sets or releases a legal hold (supervisors only): a held case is never erased."""
    if not may(who, Act.LEGAL_HOLD):
        detail = {"code": "supervisor_only", "message": "only a supervisor sets a legal hold"}
        raise HTTPException(status_code=403, detail=detail)
    changed = erasure.legal_hold(
        handoff.engine, case.id or 0, body.held, actor_of(who), body.reason, utcnow()
    )
    return LegalHoldResult(reference=case.reference, held=body.held, changed=changed)


def get_files(request: Request) -> FileStore:
    """Returns the running app's file store."""
    files: FileStore = request.app.state.core.files
    return files


@router.get("/cases/{reference}/evidence/{attachment_id}")
def evidence(
    case: CurrentCase,
    who: CurrentCaseworker,
    handoff: HandoffDep,
    files: Annotated[FileStore, Depends(get_files)],
    attachment_id: RowId,
    reason: ReadReason,
) -> Response:
    """Returns one file of the case: a photo without EXIF or GPS, never its original; audited."""
    try:
        data, media_type = audit.read_evidence(
            handoff.engine, files, case.id or 0, attachment_id, who, reason, utcnow()
        )
    except LookupError:
        raise HTTPException(status_code=404, detail="no such file") from None
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    return Response(content=data, media_type=media_type, headers=headers)
