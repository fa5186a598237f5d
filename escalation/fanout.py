"""Who hears of a change: signed webhooks to the chosen endpoints, through the referral gate, and
the other alert channels; all queued in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlmodel import Session

from escalation.alerts import Alert
from escalation.delivery import payload, wakeup
from escalation.delivery.endpoints import EndpointRow, rows_by_name
from escalation.desk import LAST_LEVEL, Desk
from escalation.offices import LEVELS, Endpoint, third_party
from storage import deliveries, escalations
from storage.escalation_models import Escalation
from storage.models import Case
from storage.types import utcnow


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
    chosen = _chosen(session, escalation, targets, rows, alerted=alerted)
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
            desk.sharing.record_share(session, case, recipient, "escalation", basis, now)
    if queued:
        wakeup.after_commit(session)
    return queued


def _chosen(
    session: Session,
    escalation: Escalation,
    targets: Sequence[Endpoint],
    rows: Mapping[str, EndpointRow],
    *,
    alerted: bool,
) -> dict[int, tuple[str, str]]:
    """Returns the enabled endpoints to tell, by id: (office, level name) for each."""
    assert escalation.id is not None
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
    return chosen


def _gated(
    session: Session,
    desk: Desk,
    case: Case,
    chosen: dict[int, tuple[str, str]],
    names: Mapping[int | None, str],
    now: dt.datetime,
) -> dict[int, tuple[str, str]]:
    """Drops third-party endpoints the referral gate refuses; returns the allowed ones."""
    shared: dict[int, tuple[str, str]] = {}
    for endpoint_id in list(chosen):
        recipient = third_party(desk.directory, names.get(endpoint_id))
        if recipient is None:
            continue
        basis = desk.sharing.gate(session, case, recipient, now)
        if basis is None:
            del chosen[endpoint_id]
        else:
            shared[endpoint_id] = (recipient, basis)
    return shared


def _respond_by(desk: Desk, case: Case) -> dt.datetime | None:
    target = desk.respond.get(case.urgency)
    return case.created_at + target if target and case.created_at else None


OWN_GROUP_LEVELS = ("office", "supervisor")
"""Levels at which an alert channel reaches the office's own people (bot.casework.group_alerts)."""


def _may_alert(session: Session, desk: Desk, case: Case, office_id: str, level_name: str) -> bool:
    """Whether other alert channels (a Telegram group) may be told about a case: a third-party
    office's own group passes the gate, and an allowed alert is audited as a share."""
    office = desk.directory.offices.get(office_id)
    if office is None or not office.third_party or level_name not in OWN_GROUP_LEVELS:
        return True
    now = utcnow()
    basis = desk.sharing.gate(session, case, office.id, now)
    if basis is not None:
        desk.sharing.record_share(session, case, office.id, "group_alert", basis, now)
    return basis is not None


def alert_channels(
    session: Session, desk: Desk, escalation: Escalation, case: Case, event_type: str
) -> None:
    """Tells the other alert channels (Telegram groups) of a change, where the gate allows."""
    level = min(escalation.level, LAST_LEVEL)
    if not desk.alerts or not _may_alert(session, desk, case, escalation.office, LEVELS[level]):
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
