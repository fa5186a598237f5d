"""Typed dependencies: the hand-off, the caseworker of the bearer token, the case they may see.

Every 401 and 404 is decided here, never in a route.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.casework.handoff import Handoff
from storage.escalation_models import Caseworker
from storage.models import Case

bearer = HTTPBearer(auto_error=False, description="A token from `suara token create`")


def get_handoff(request: Request) -> Handoff:
    """Returns the hand-off of the running app."""
    handoff: Handoff = request.app.state.handoff
    return handoff


HandoffDep = Annotated[Handoff, Depends(get_handoff)]


def current_caseworker(
    handoff: HandoffDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caseworker:
    """Returns the caseworker of the bearer token; 401 without a valid one."""
    who = handoff.authenticate(credentials.credentials) if credentials else None
    if who is None:
        raise HTTPException(
            status_code=401,
            detail="a valid bearer token is needed",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return who


CurrentCaseworker = Annotated[Caseworker, Depends(current_caseworker)]

Reference = Annotated[str, Path(pattern=r"^[A-Z]{2}-\d{4}-\d{6}$", examples=["MC-2026-000123"])]


def current_case(reference: Reference, who: CurrentCaseworker, handoff: HandoffDep) -> Case:
    """Returns the case named in the path when its caseworker may see it; 404 otherwise."""
    case = handoff.find(who, reference)
    if case is None:
        raise HTTPException(status_code=404, detail="no such case")
    return case


CurrentCase = Annotated[Case, Depends(current_case)]
