"""Data-rights requests past their escalation time (48 h of the 72 h deadline): each is marked
once, put on its case's timeline and sent to the supervisors and operators like a re-escalation."""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel import Session

from escalation.desk import Desk
from escalation.fanout import alert_channels, send
from storage import data_requests, escalations, referrals
from storage.models import Case
from storage.safety_models import DataRequest

log = logging.getLogger(__name__)

OVERDUE_EVENT = "data_request.overdue"
SUPERVISOR_LEVEL = 1


def sweep(session: Session, desk: Desk, now: dt.datetime, limit: int = 100) -> int:
    """Escalates every open request past escalate_at, exactly once; returns how many."""
    overdue = data_requests.overdue_requests(session=session, now=now, limit=limit)
    for request in overdue:
        request.escalated_at = now
        session.add(request)
        alert(session, desk, request, now)
    session.flush()
    return len(overdue)


def alert(session: Session, desk: Desk, request: DataRequest, now: dt.datetime) -> None:
    """Audits an overdue request on its case and alerts the lead office's supervisors and the
    operators; a request with no case (or no escalation) is logged for the operators only."""
    extra = {"data_request_id": request.id, "kind": request.kind, "case_id": request.case_id}
    log.warning("data request overdue", extra=extra)
    if request.case_id is None:
        return
    case = session.get(Case, request.case_id)
    if case is None:
        return
    referrals.add_event(
        session=session,
        case_id=request.case_id,
        type="data_request_overdue",
        actor="system",
        at=now,
        data={"request_id": request.id, "kind": request.kind},
    )
    escalation = escalations.escalation_of_case(session=session, case_id=request.case_id)
    if escalation is None:
        return
    directory = desk.directory
    targets = (*directory.targets(escalation.office, SUPERVISOR_LEVEL), *directory.operators)
    send(
        session,
        desk,
        escalation,
        case,
        event_type=OVERDUE_EVENT,
        key=f"dr{request.id}",
        targets=targets,
        now=now,
    )
    alert_channels(session, desk, escalation, case, OVERDUE_EVENT)
