"""Signed callbacks from a caseworker system (Standard Webhooks, the endpoint's secret): the same
actions as the API, applied once per webhook-id; a replay gets the stored answer."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from bot.casework.actions import Action, Outcome, Verb
from bot.casework.handoff import Handoff
from bot.casework.verbs import BadAction, HeldByOther
from escalation.delivery import signing
from escalation.offices import ANY_OFFICE
from escalation.status import InvalidTransition
from handlers.api.deps import HandoffDep
from handlers.json_depth import DepthCheckedRoute
from storage import escalations
from storage.models import Case
from storage.types import utcnow

router = APIRouter(prefix="/api/v1", tags=["callbacks"], route_class=DepthCheckedRoute)
MAX_BODY = 64 * 1024


class Callback(BaseModel):
    """An action a caseworker system asks for."""

    action: Verb
    case_ref: str = Field(pattern=r"^[A-Z]{2}-\d{4}-\d{6}$")
    status: Literal["acknowledged", "claimed", "resolved", "open", "cancelled"] | None = None
    text: str | None = Field(default=None, max_length=4000)
    resolution: str | None = Field(default=None, pattern=r"^[a-z0-9_]{1,40}$")
    force: bool = False


def _find(session: Session, office: str, reference: str) -> Case | None:
    if office == ANY_OFFICE:
        return session.exec(select(Case).where(col(Case.reference) == reference)).first()
    found = escalations.office_case(session=session, offices=(office,), reference=reference)
    return found[0] if found else None


def _handler(handoff: Handoff, endpoint: str, office: str, request: Callback) -> Any:
    def handle(session: Session) -> tuple[int, dict[str, Any], Outcome | None]:
        case = _find(session, office, request.case_ref)
        if case is None or case.id is None:
            return 404, {"detail": "no such case"}, None
        who = handoff.system_caseworker(session, endpoint, office)
        action = Action(
            request.action,
            status=request.status,
            text=request.text,
            resolution=request.resolution,
            force=request.force,
        )
        try:
            outcome = handoff.apply(session, case.id, who, action)
        except (HeldByOther, InvalidTransition) as error:
            return 409, {"detail": str(error)}, None
        except BadAction as error:
            return 422, {"detail": str(error)}, None
        body = {
            "case_ref": case.reference,
            "status": outcome.escalation.status,
            "changed": outcome.changed,
            "note_id": outcome.note_id,
        }
        return 200, body, outcome

    return handle


@router.post("/callbacks/{endpoint}", responses={401: {"description": "bad signature"}})
async def receive(endpoint: str, request: Request, handoff: HandoffDep) -> JSONResponse:
    """Verifies a signed callback and applies it once."""
    config = handoff.desk.directory.endpoint(endpoint)
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(status_code=413, detail="callback too large")
    if config is None:
        raise HTTPException(status_code=401, detail="bad signature")
    now = utcnow()
    try:
        webhook_id = signing.verify(config.callback_keys(now), body, request.headers, now)
    except signing.VerificationError:
        raise HTTPException(status_code=401, detail="bad signature") from None
    try:
        parsed = Callback.model_validate(json.loads(body))
    except (ValueError, ValidationError):
        raise HTTPException(status_code=400, detail="malformed callback") from None
    handle = _handler(handoff, endpoint, config.office, parsed)
    status, answer = await run_in_threadpool(handoff.callback, endpoint, webhook_id, body, handle)
    return JSONResponse(answer, status_code=status)
