"""Open, update and re-escalate the hand-off of a case, queueing signed webhooks in the same
transaction as the change; every step goes on the case timeline."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlmodel import Session

from escalation.desk import Desk, timeline
from escalation.fanout import alert_channels, send
from escalation.offices import JAKARTA, Endpoint
from escalation.status import WAITING, Status, check
from storage import escalations
from storage.escalation_models import Escalation
from storage.models import Case

log = logging.getLogger(__name__)

OPENING = frozenset({"case_submitted", "urgent", "handover_requested"})
"""Triggers that open an escalation (or add a reason to the open one)."""
UPDATE = "report_updated"
"""New evidence or a message on a case that already has an escalation."""
URGENCY_RAISED = "escalation.urgency_raised"
"""What other alert channels (a caseworker group) are told when an open case gets more urgent."""
RANK = {"P0": 0, "P1": 1, "P2": 2, "P3": 3}


def open_or_update(
    session: Session, desk: Desk, case: Case, trigger: str, now: dt.datetime
) -> Escalation | None:
    """Opens the case's escalation, or adds a reason or an update to it; doubles are no-ops."""
    assert case.id is not None
    if trigger in OPENING:
        created = escalations.insert_escalation(
            session=session,
            case_id=case.id,
            kind=trigger,
            urgency=case.urgency,
            office=_handling_office(session, desk, case, now),
            ack_due_at=desk.directory.deadlines.ack_due(case.urgency, now),
            now=now,
        )
        if created is not None:
            _opened(session, desk, created, case, now)
            return created
    current = escalations.escalation_of_case(session=session, case_id=case.id, lock=True)
    if current is None:
        return None
    if trigger in OPENING and Status(current.status) in (Status.RESOLVED, Status.CANCELLED):
        reopen(session, desk, current, case, now, actor="reporter", reason=trigger)
        return current
    more_urgent = RANK.get(case.urgency, 3) < RANK.get(current.urgency, 3)
    if trigger in current.reasons and trigger != UPDATE and not more_urgent:
        return current
    _updated(session, desk, current, case, trigger, now)
    return current


def _handling_office(session: Session, desk: Desk, case: Case, now: dt.datetime) -> str:
    """Returns the lead office, or Jakarta while a partner lead may not see the case yet."""
    lead = case.lead_office or JAKARTA
    office = desk.directory.offices.get(lead)
    if office is None or not office.third_party:
        return lead
    return lead if desk.sharing.gate(session, case, office.id, now) is not None else JAKARTA


def _opened(
    session: Session, desk: Desk, escalation: Escalation, case: Case, now: dt.datetime
) -> None:
    assert case.id is not None
    timeline(
        session,
        case.id,
        "escalation_opened",
        "system",
        kind=escalation.kind,
        urgency=escalation.urgency,
        office=escalation.office,
        level=escalation.level,
    )
    directory = desk.directory
    targets = (
        *directory.targets(escalation.office, 0),
        *directory.copies(case.copy_offices, escalation.office),
    )
    key = f"open{escalation.opened_count}"
    send(
        session,
        desk,
        escalation,
        case,
        event_type="escalation.created",
        key=key,
        targets=targets,
        now=now,
    )
    alert_channels(session, desk, escalation, case, "escalation.created")
    log.info("escalation opened", extra={"escalation_id": escalation.id, "case_id": case.id})


def _updated(
    session: Session,
    desk: Desk,
    escalation: Escalation,
    case: Case,
    trigger: str,
    now: dt.datetime,
) -> None:
    assert case.id is not None
    if trigger != UPDATE and trigger not in escalation.reasons:
        escalation.reasons = [*escalation.reasons, trigger]
    raised = RANK.get(case.urgency, 3) < RANK.get(escalation.urgency, 3)
    if raised:
        escalation.urgency = case.urgency
        due = desk.directory.deadlines.ack_due(case.urgency, now)
        if Status(escalation.status) in WAITING and (
            escalation.ack_due_at is None or due < escalation.ack_due_at
        ):
            escalation.ack_due_at = due
    timeline(
        session,
        case.id,
        "escalation_updated",
        "system",
        reason=trigger,
        urgency=escalation.urgency,
        sequence=escalation.sequence + 1,  # the number notify gives this change
    )
    event_type = "report.updated" if trigger == UPDATE else "escalation.updated"
    targets = (
        ()
        if escalation.level or trigger == UPDATE
        else desk.directory.targets(escalation.office, 0)
    )
    notify(session, desk, escalation, case, event_type, now, targets=targets)
    if raised and Status(escalation.status) not in (Status.RESOLVED, Status.CANCELLED):
        alert_channels(session, desk, escalation, case, URGENCY_RAISED)


def notify(
    session: Session,
    desk: Desk,
    escalation: Escalation,
    case: Case,
    event_type: str,
    now: dt.datetime,
    *,
    targets: Sequence[Endpoint] = (),
) -> None:
    """Tells every endpoint already alerted (and any new targets) about a change."""
    escalation.sequence += 1
    session.add(escalation)
    session.flush()
    send(
        session,
        desk,
        escalation,
        case,
        event_type=event_type,
        key=f"s{escalation.sequence}",
        targets=targets,
        alerted=True,
        now=now,
    )


def reopen(
    session: Session,
    desk: Desk,
    escalation: Escalation,
    case: Case,
    now: dt.datetime,
    *,
    actor: str,
    reason: str,
) -> None:
    """Restarts a closed escalation at level 0, as a new alert."""
    assert case.id is not None
    check(escalation.status, Status.OPEN)
    escalation.status, escalation.level = Status.OPEN.value, 0
    escalation.opened_count += 1
    escalation.claimed_by = escalation.claimed_at = escalation.resolved_at = None
    escalation.acknowledged_at = escalation.acknowledged_by = escalation.resolution = None
    escalation.ack_due_at = desk.directory.deadlines.ack_due(escalation.urgency, now)
    escalation.sequence += 1
    if reason not in escalation.reasons:
        escalation.reasons = [*escalation.reasons, reason]
    session.add(escalation)
    session.flush()
    timeline(session, case.id, "escalation_reopened", actor, reason=reason)
    _opened(session, desk, escalation, case, now)
