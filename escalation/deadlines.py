"""Acknowledgement deadlines and re-escalation: one level at a time, exactly once per level,
never silent at the last level (the operator is alerted, then reminded)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel import Session

from escalation.desk import LAST_LEVEL, Desk, timeline
from escalation.fanout import alert_channels, send
from escalation.offices import LEVELS, Endpoint
from escalation.status import WAITING, Status
from storage import escalations
from storage.escalation_models import Escalation
from storage.models import Case
from storage.types import utcnow

log = logging.getLogger(__name__)


def sweep(session: Session, desk: Desk, now: dt.datetime, limit: int = 100) -> int:
    """Re-escalates every escalation past its acknowledgement deadline; returns how many."""
    overdue = escalations.overdue_escalations(
        session=session, now=now, statuses=[s.value for s in WAITING], limit=limit
    )
    for escalation in overdue:
        case = session.get(Case, escalation.case_id)
        assert case is not None
        re_escalate(session, desk, escalation, case, now)
    return len(overdue)


def re_escalate(
    session: Session, desk: Desk, escalation: Escalation, case: Case, now: dt.datetime
) -> None:
    """Moves an unacknowledged escalation up one level (skipping levels nobody serves)."""
    if escalation.level >= LAST_LEVEL:
        remind_operator(session, desk, escalation, case, now)
        return
    assert case.id is not None
    previous = escalation.level
    targets = _climb(session, desk, escalation, case.id)
    _rearm(session, desk, escalation, now)
    timeline(
        session,
        case.id,
        "escalation_re_escalated",
        "system",
        from_level=previous,
        to_level=escalation.level,
        level_name=LEVELS[escalation.level],
    )
    _tell_level(session, desk, escalation, case, targets, now)
    log.warning(
        "escalation re-escalated", extra={"escalation_id": escalation.id, "level": escalation.level}
    )


def _climb(
    session: Session, desk: Desk, escalation: Escalation, case_id: int
) -> tuple[Endpoint, ...]:
    """Raises the level to the next one somebody serves (or the last); returns its targets."""
    while True:
        escalation.level += 1
        targets = desk.directory.targets(escalation.office, escalation.level)
        if targets or escalation.level >= LAST_LEVEL:
            return targets
        timeline(
            session,
            case_id,
            "escalation_level_skipped",
            "system",
            level=escalation.level,
            level_name=LEVELS[escalation.level],
        )


def _rearm(session: Session, desk: Desk, escalation: Escalation, now: dt.datetime) -> None:
    """Reopens the escalation at its new level with the deadline that level gets, and writes it."""
    escalation.status = Status.OPEN.value
    escalation.sequence += 1
    deadlines = desk.directory.deadlines
    last = escalation.level >= LAST_LEVEL
    due = now + deadlines.operator_repeat if last else deadlines.ack_due(escalation.urgency, now)
    escalation.ack_due_at = due
    session.add(escalation)
    session.flush()


def _tell_level(
    session: Session,
    desk: Desk,
    escalation: Escalation,
    case: Case,
    targets: tuple[Endpoint, ...],
    now: dt.datetime,
) -> None:
    """Queues the re-escalation for the new level; at the last level the operator is alerted."""
    key = f"open{escalation.opened_count}_l{escalation.level}"
    send(
        session,
        desk,
        escalation,
        case,
        event_type="escalation.re_escalated",
        key=key,
        targets=targets,
        alerted=True,
        now=now,
    )
    alert_channels(session, desk, escalation, case, "escalation.re_escalated")
    if escalation.level >= LAST_LEVEL:
        _operator_alert(session, escalation, case, reminder=0)


def remind_operator(
    session: Session, desk: Desk, escalation: Escalation, case: Case, now: dt.datetime
) -> None:
    """Alerts the operator again: the last level repeats instead of going silent."""
    escalation.reminders += 1
    escalation.sequence += 1
    escalation.ack_due_at = now + desk.directory.deadlines.operator_repeat
    session.add(escalation)
    session.flush()
    key = f"open{escalation.opened_count}_r{escalation.reminders}"
    send(
        session,
        desk,
        escalation,
        case,
        event_type="escalation.reminder",
        key=key,
        targets=desk.directory.targets(escalation.office, LAST_LEVEL),
        now=now,
    )
    _operator_alert(session, escalation, case, reminder=escalation.reminders)


def _operator_alert(session: Session, escalation: Escalation, case: Case, reminder: int) -> None:
    assert case.id is not None
    timeline(
        session, case.id, "operator_alerted", "system", level=escalation.level, reminder=reminder
    )
    log.error(
        "OPERATOR ALERT: escalation unacknowledged at the last level",
        extra={"escalation_id": escalation.id, "case_id": case.id, "reminder": reminder},
    )


def delivered(session: Session, reached: list[tuple[int, int]], now: dt.datetime) -> None:
    """Marks escalations delivered on their first 2xx at the current level, with timeline rows."""
    marked = escalations.mark_delivered(session=session, reached=reached, now=now)
    events: list[dict[str, object]] = [
        {
            "case_id": case_id,
            "type": "escalation_delivered",
            "actor": "system",
            "data": {"level": level},
            "at": utcnow(),
        }
        for case_id, level in marked
    ]
    escalations.add_events(session=session, events=events)


def dead(
    session: Session,
    escalation_id: int,
    level: int,
    endpoint: str,
    reason: str,
    now: dt.datetime,
) -> None:
    """Records a dead delivery; when nothing at the level can arrive, re-escalates at once."""
    escalation = escalations.lock_escalation(session=session, escalation_id=escalation_id)
    if escalation is None:
        return
    timeline(
        session,
        escalation.case_id,
        "delivery_dead",
        "system",
        level=level,
        endpoint=endpoint,
        reason=reason,
    )
    if escalation.level != level or Status(escalation.status) not in WAITING:
        return
    states = escalations.level_states(session=session, escalation_id=escalation_id, level=level)
    if any(states.get(s) for s in ("pending", "sending", "delivered")):
        return
    if level >= LAST_LEVEL:
        escalation.status = Status.UNDELIVERABLE.value
        log.error(
            "OPERATOR ALERT: escalation undeliverable", extra={"escalation_id": escalation_id}
        )
    escalation.ack_due_at = now
    session.add(escalation)
