"""Data-rights requests for caseworkers: the office's list and resolving one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from bot.casework.rights import resolving as data_requests
from bot.casework.rights.resolving import Kind, Outcome
from handlers.api.deps import CurrentCaseworker, HandoffDep
from handlers.api.safety_schemas import DataRequestPublic, DataRequestsPublic, ResolveRequestBody
from handlers.ids import RowId
from handlers.json_depth import DepthCheckedRoute
from storage.types import utcnow

router = APIRouter(tags=["data requests"], route_class=DepthCheckedRoute)


@router.get("/data-requests")
def list_requests(
    who: CurrentCaseworker,
    handoff: HandoffDep,
    status: Annotated[str | None, Query(pattern=r"^(open|done|refused)$")] = None,
    kind: Kind | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DataRequestsPublic:
    """Returns the requests of the token's office (a case's lead office; Jakarta for requests
    with no case), open ones first, the nearest deadline first."""
    found = data_requests.office_requests(
        handoff.engine, who, status=status, kind=kind.value if kind else None, limit=limit
    )
    now = utcnow()
    data = [DataRequestPublic.of(row, case, now) for row, case in found]
    return DataRequestsPublic(data=data, count=len(data))


@router.post("/data-requests/{request_id}/resolve")
def resolve(
    request_id: RowId,
    who: CurrentCaseworker,
    handoff: HandoffDep,
    body: ResolveRequestBody,
) -> DataRequestPublic:
    """Resolves a request (done or refused, with a reason code) and tells the reporter; an
    erasure erases the case (409 legal_hold while it is held), an access request records the
    export."""
    now = utcnow()
    try:
        row, case = data_requests.resolve(
            handoff.engine,
            handoff.catalogs,
            request_id,
            who,
            Outcome(body.outcome),
            body.reason,
            now,
            handoff.settings.files.store,
        )
    except data_requests.RequestNotFound:
        raise HTTPException(status_code=404, detail="no such data request") from None
    except data_requests.RequestConflict as error:
        raise HTTPException(status_code=409, detail={"code": error.code}) from None
    handoff.wake_reporter()
    return DataRequestPublic.of(row, case, now)
