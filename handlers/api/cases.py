"""Caseworker routes: list, read, acknowledge, claim, release, set status, note, reply, resolve."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from bot.casework import audit
from bot.casework.actions import Action, Outcome, Verb
from bot.staff import Act, may, role_of
from handlers.api import data_requests, safety
from handlers.api.deps import CurrentCase, CurrentCaseworker, HandoffDep
from handlers.api.safety import ReadReason
from handlers.api.schemas import (
    ActionResult,
    CaseDetail,
    CasePublic,
    CasesPublic,
    ClaimBody,
    Me,
    ResolveBody,
    StatusBody,
    TextBody,
)
from handlers.json_depth import DepthCheckedRoute
from storage.escalation_models import Caseworker
from storage.models import Case
from storage.types import utcnow

router = APIRouter(prefix="/api/v1", tags=["caseworkers"], route_class=DepthCheckedRoute)


def _result(handoff: HandoffDep, case: Case, outcome: Outcome, who: Caseworker) -> ActionResult:
    found = handoff.find(who, case.reference) or case
    return ActionResult(
        changed=outcome.changed,
        note_id=outcome.note_id,
        case=CasePublic.of(found, outcome.escalation),
    )


def _act(handoff: HandoffDep, case: Case, who: Caseworker, action: Action) -> ActionResult:
    return _result(handoff, case, handoff.act(case.id or 0, who, action), who)


@router.get("/me")
def me(who: CurrentCaseworker) -> Me:
    """Returns the caseworker the token belongs to."""
    return Me(
        id=who.id or 0,
        name=who.name,
        office=who.office,
        supervisor=may(who, Act.TAKE_OVER),
        role=role_of(who),
    )


@router.get("/cases")
def list_cases(
    who: CurrentCaseworker,
    handoff: HandoffDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    urgency: Annotated[str | None, Query(pattern=r"^P[0-3]$")] = None,
    since: dt.datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    *,
    reason: ReadReason,
) -> CasesPublic:
    """Returns the cases the token's office may see, newest first (a naive `since` is UTC);
    every case listed gets a `case_listed` audit entry with the reason."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    filters = {"status": status, "urgency": urgency, "since": since, "limit": limit}
    found = audit.list_cases(handoff.engine, who, reason, utcnow(), **filters)
    return CasesPublic(data=[CasePublic.of(c, e) for c, e in found], count=len(found))


@router.get("/cases/{reference}")
def read_case(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, reason: ReadReason
) -> CaseDetail:
    """Returns a case with its answers, timeline, notes and evidence; the reading is audited
    (`case_viewed`) with the reason of the X-Suara-Reason header or `reason` query (a code)."""
    found = audit.read_case(handoff.engine, case.id or 0, who, reason, utcnow())
    return CaseDetail.from_file(found)


@router.post("/cases/{reference}/acknowledge")
def acknowledge(case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep) -> ActionResult:
    """Acknowledges the case (idempotent); stops re-escalation and tells the reporter."""
    return _act(handoff, case, who, Action(Verb.ACKNOWLEDGE))


@router.post("/cases/{reference}/claim")
def claim(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, body: ClaimBody | None = None
) -> ActionResult:
    """Takes the case; 409 when another caseworker holds it (a supervisor may force)."""
    return _act(handoff, case, who, Action(Verb.CLAIM, force=bool(body and body.force)))


@router.post("/cases/{reference}/release")
def release(case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep) -> ActionResult:
    """Hands a claimed case back (acknowledged, held by nobody); 409 when it is not claimed or
    another caseworker holds it (a supervisor may release anyone's)."""
    return _act(handoff, case, who, Action(Verb.RELEASE))


@router.post("/cases/{reference}/status")
def set_status(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, body: StatusBody
) -> ActionResult:
    """Moves the case to a status the transition table allows; 409 otherwise."""
    action = Action(Verb.STATUS, status=body.status, resolution=body.resolution)
    return _act(handoff, case, who, action)


@router.post("/cases/{reference}/notes", status_code=201)
def add_note(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, body: TextBody
) -> ActionResult:
    """Adds a private note to the case."""
    return _act(handoff, case, who, Action(Verb.NOTE, text=body.text))


@router.post("/cases/{reference}/replies", status_code=201)
def reply(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, body: TextBody
) -> ActionResult:
    """Sends a message to the reporter through their channel, framed in their language."""
    return _act(handoff, case, who, Action(Verb.REPLY, text=body.text))


@router.post("/cases/{reference}/resolve")
async def resolve(
    case: CurrentCase, who: CurrentCaseworker, handoff: HandoffDep, body: ResolveBody
) -> ActionResult:
    """Closes the case (it must be claimed) and tells the reporter."""
    if body.note:
        await run_in_threadpool(_act, handoff, case, who, Action(Verb.NOTE, text=body.note))
    action = Action(Verb.RESOLVE, resolution=body.resolution)
    return await run_in_threadpool(_act, handoff, case, who, action)


router.include_router(safety.router)
router.include_router(data_requests.router)
