"""Open, update and re-escalate the hand-off of a case, queueing signed webhooks in the same
transaction as the change; every step goes on the case timeline."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from escalation import referrals
from escalation.alerts import Alert, AlertChannel
from escalation.delivery import payload, wakeup
from escalation.delivery.endpoints import rows_by_name
from escalation.offices import JAKARTA, LEVELS, Directory, Endpoint
from escalation.status import WAITING, Status, check
from storage import deliveries, escalations
from storage.escalation_models import Escalation
from storage.models import Case
from storage.types import utcnow

log = logging.getLogger(__name__)

OPENING = frozenset({"case_submitted", "urgent", "handover_requested"})
"""Triggers that open an escalation (or add a reason to the open one)."""
UPDATE = "report_updated"
"""New evidence or a message on a case that already has an escalation."""
URGENCY_RAISED = "escalation.urgency_raised"
"""What other alert channels (a caseworker group) are told when an open case gets more urgent."""
LAST_LEVEL = len(LEVELS) - 1
RANK = {"P0": 0, "P1": 1, "P2": 2, "P3": 3}


@dataclass(frozen=True)
class Desk:
    """What the hand-off needs: the offices, links, response targets and other alert channels."""

    directory: Directory
    base_url: str = "http://127.0.0.1:8000"
    respond: Mapping[str, dt.timedelta] = field(default_factory=dict)
    alerts: Sequence[AlertChannel] = ()


def timeline(session: Session, case_id: int, type: str, actor: str, **data: object) -> None:
    """Appends one entry to the case timeline (ids and codes only)."""
    event = {"case_id": case_id, "type": type, "actor": actor, "data": data, "at": utcnow()}
    escalations.add_events(session=session, events=[event])


def send(
    session: Session,
    desk: Desk,
    escalation: Escalation,
    case: Case,
    *,
    event_type: str,
    key: str,
    targets: Sequence[Endpoint] = (),
    alerted: bool = False,
    now: dt.datetime,
) -> int:
    """Queues one webhook per target (and per endpoint already alerted); counts new ones."""
    assert escalation.id is not None
    rows = rows_by_name(session, desk.directory, now)
    chosen: dict[int, tuple[str, str]] = {}
    for endpoint in targets:
        row = rows.get(endpoint.name)
        if row is not None and row.enabled:
            office = escalation.office if endpoint.office == "*" else endpoint.office
            chosen[row.id] = (office, LEVELS[min(escalation.level, LAST_LEVEL)])
    if alerted:
        enabled = {row.id for row in rows.values() if row.enabled}
        for endpoint_id, office in escalations.alerted_endpoints(
            session=session, escalation_id=escalation.id
        ):
            if endpoint_id in enabled:
                chosen.setdefault(endpoint_id, (office, "office"))
    shared = _gated(session, desk, case, chosen, {row.id: n for n, row in rows.items()}, now)
    respond_by = _respond_by(desk, case)
    queued = 0
    for endpoint_id, (office, level_name) in sorted(chosen.items()):
        body = payload.data(
            escalation=escalation,
            case=case,
            office=office,
            level_name=level_name,
            base_url=desk.base_url,
            respond_by=respond_by,
        )
        inserted = deliveries.insert_delivery(
            session=session,
            msg_id=f"esc_{escalation.id}_{key}_{endpoint_id}",
            escalation_id=escalation.id,
            endpoint_id=endpoint_id,
            office=office,
            event_type=event_type,
            level=escalation.level,
            payload=payload.encode(event_type, body, now),
            now=now,
        )
        queued += inserted
        if endpoint_id in shared and inserted:
            recipient, basis = shared[endpoint_id]
            referrals.record_share(session, case, recipient, "system", "escalation", basis, now)
    if queued:
        wakeup.after_commit(session)
    return queued


def _gated(
    session: Session,
    desk: Desk,
    case: Case,
    chosen: dict[int, tuple[str, str]],
    names: Mapping[int | None, str],
    now: dt.datetime,
) -> dict[int, tuple[str, referrals.Basis]]:
    """Drops third-party endpoints the referral gate refuses; returns the allowed ones."""
    shared: dict[int, tuple[str, referrals.Basis]] = {}
    for endpoint_id in list(chosen):
        recipient = referrals.third_party(desk.directory, names.get(endpoint_id))
        if recipient is None:
            continue
        basis = referrals.gate(session, case, recipient, now)
        if basis is None:
            del chosen[endpoint_id]
        else:
            shared[endpoint_id] = (recipient, basis)
    return shared


def _respond_by(desk: Desk, case: Case) -> dt.datetime | None:
    target = desk.respond.get(case.urgency)
    return case.created_at + target if target and case.created_at else None


def _alert_channels(
    session: Session, desk: Desk, escalation: Escalation, case: Case, event_type: str
) -> None:
    level = min(escalation.level, LAST_LEVEL)
    if not desk.alerts or not referrals.may_alert(
        session, desk.directory, case, escalation.office, LEVELS[level], utcnow()
    ):
        return
    for channel in desk.alerts:
        channel.alert(
            session,
            Alert(
                escalation.id or 0,
                case.reference,
                escalation.office,
                level,
                LEVELS[level],
                event_type,
                case.urgency,
            ),
        )


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
    return lead if referrals.gate(session, case, office.id, now) is not None else JAKARTA


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
    _alert_channels(session, desk, escalation, case, "escalation.created")
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
    escalation.sequence += 1
    session.add(escalation)
    session.flush()
    timeline(
        session,
        case.id,
        "escalation_updated",
        "system",
        reason=trigger,
        urgency=escalation.urgency,
        sequence=escalation.sequence,
    )
    event_type = "report.updated" if trigger == UPDATE else "escalation.updated"
    targets = (
        ()
        if escalation.level or trigger == UPDATE
        else desk.directory.targets(escalation.office, 0)
    )
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
    if raised and Status(escalation.status) not in (Status.RESOLVED, Status.CANCELLED):
        _alert_channels(session, desk, escalation, case, URGENCY_RAISED)


def notify(
    session: Session,
    desk: Desk,
    escalation: Escalation,
    case: Case,
    event_type: str,
    now: dt.datetime,
) -> None:
    """Tells every endpoint already alerted about a change (acknowledged, claimed, resolved ...)."""
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
