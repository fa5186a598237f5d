"""Caseworker verbs on an escalation: each checks the transition table, writes the timeline and
tells the endpoints already alerted, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlmodel import Session

from bot.staff import Act, may
from escalation import service
from escalation.desk import Desk, timeline
from escalation.status import CLOSED, HELD, WAITING, InvalidTransition, Status, check
from storage import caseworkers, escalations
from storage.escalation_models import Caseworker, Escalation
from storage.models import Case

RESOLUTION = re.compile(r"^[a-z0-9_]{1,40}$")
WEBHOOKS = {"escalation_released": "escalation.released"}
"""Webhook types of changes the new status alone does not tell (a release lands on acknowledged)."""


class BadAction(ValueError):
    """An action's input is wrong (answered with 422)."""


class HeldByOther(Exception):
    """Someone else holds the case (answered with 409)."""

    def __init__(self, holder: int | None) -> None:
        super().__init__("the case is claimed by another caseworker")
        self.holder = holder


@dataclass(frozen=True)
class Done:
    """What a verb did: the escalation after it, and whether anything changed."""

    escalation: Escalation
    changed: bool


def actor_of(caseworker: Caseworker) -> str:
    """Returns the timeline actor of a caseworker."""
    return f"caseworker:{caseworker.id}"


def escalation_for(session: Session, desk: Desk, case: Case, now: dt.datetime) -> Escalation:
    """Returns the case's escalation, locked; a case nobody escalated gets one now."""
    assert case.id is not None
    found = escalations.escalation_of_case(session=session, case_id=case.id, lock=True)
    if found is not None:
        return found
    service.open_or_update(session, desk, case, "case_submitted", now)
    opened = escalations.escalation_of_case(session=session, case_id=case.id, lock=True)
    assert opened is not None
    return opened


def acknowledge(
    session: Session, desk: Desk, case: Case, who: Caseworker, now: dt.datetime
) -> Done:
    """Acknowledges the case (idempotent while a person holds it); stops the re-escalation clock."""
    escalation = escalation_for(session, desk, case, now)
    if Status(escalation.status) in HELD:
        return Done(escalation, False)
    check(escalation.status, Status.ACKNOWLEDGED)
    escalation.status = Status.ACKNOWLEDGED.value
    escalation.acknowledged_at, escalation.acknowledged_by = now, actor_of(who)
    escalation.ack_due_at = None
    case.status = Status.ACKNOWLEDGED.value
    _changed(session, desk, escalation, case, who, "escalation_acknowledged", now)
    return Done(escalation, True)


def claim(
    session: Session,
    desk: Desk,
    case: Case,
    who: Caseworker,
    now: dt.datetime,
    *,
    force: bool = False,
) -> Done:
    """Makes who the case's owner; 409 when another holds it, unless a supervisor forces it."""
    escalation = escalation_for(session, desk, case, now)
    holder = escalation.claimed_by
    if escalation.status == Status.CLAIMED.value:
        if holder == who.id:
            return Done(escalation, False)
        if not (force and may(who, Act.TAKE_OVER, escalation.office)):
            raise HeldByOther(holder)
    else:
        check(escalation.status, Status.CLAIMED)
    escalation.status, escalation.claimed_by, escalation.claimed_at = "claimed", who.id, now
    if escalation.acknowledged_at is None:
        escalation.acknowledged_at, escalation.acknowledged_by = now, actor_of(who)
    escalation.ack_due_at = None
    case.status = Status.CLAIMED.value
    extra = {"forced": True, "previous": holder} if holder and holder != who.id else {}
    _changed(session, desk, escalation, case, who, "escalation_claimed", now, **extra)
    return Done(escalation, True)


def release(session: Session, desk: Desk, case: Case, who: Caseworker, now: dt.datetime) -> Done:
    """Hands a claimed case back (acknowledged, held by nobody); only its holder or a supervisor.

    Releasing a case nobody claimed is an InvalidTransition, so a repeated release answers 409.
    """
    escalation = escalation_for(session, desk, case, now)
    if escalation.status != Status.CLAIMED.value:
        raise InvalidTransition(Status(escalation.status), Status.ACKNOWLEDGED)
    holder = escalation.claimed_by
    if holder != who.id and not may(who, Act.TAKE_OVER, escalation.office):
        raise HeldByOther(holder)
    escalation.status = check(escalation.status, Status.ACKNOWLEDGED).value
    escalation.claimed_by = escalation.claimed_at = None
    case.status = Status.ACKNOWLEDGED.value
    extra = {"previous": holder} if holder != who.id else {}
    _changed(session, desk, escalation, case, who, "escalation_released", now, **extra)
    return Done(escalation, True)


def resolve(
    session: Session,
    desk: Desk,
    case: Case,
    who: Caseworker,
    now: dt.datetime,
    *,
    resolution: str,
) -> Done:
    """Closes the case; only its holder (or a supervisor) may, and only once it is claimed."""
    if not RESOLUTION.match(resolution):
        raise BadAction("resolution is a code: lower-case letters, digits and _")
    escalation = escalation_for(session, desk, case, now)
    check(escalation.status, Status.RESOLVED)
    if escalation.claimed_by != who.id and not may(who, Act.TAKE_OVER, escalation.office):
        raise HeldByOther(escalation.claimed_by)
    escalation.status, escalation.resolved_at = Status.RESOLVED.value, now
    escalation.resolution = resolution
    case.status = Status.RESOLVED.value
    _changed(session, desk, escalation, case, who, "case_resolved", now, resolution=resolution)
    return Done(escalation, True)


def reopen(session: Session, desk: Desk, case: Case, who: Caseworker, now: dt.datetime) -> Done:
    """Reopens a resolved or cancelled case: a new alert from level 0."""
    escalation = escalation_for(session, desk, case, now)
    if Status(escalation.status) not in CLOSED:
        raise InvalidTransition(Status(escalation.status), Status.OPEN)
    service.reopen(session, desk, escalation, case, now, actor=actor_of(who), reason="reopened")
    case.status = "submitted" if case.submitted_at else "draft"
    session.add(case)
    return Done(escalation, True)


def cancel(session: Session, desk: Desk, case: Case, who: Caseworker, now: dt.datetime) -> Done:
    """Cancels the hand-off (a report withdrawn or a duplicate)."""
    escalation = escalation_for(session, desk, case, now)
    check(escalation.status, Status.CANCELLED)
    escalation.status, escalation.ack_due_at = Status.CANCELLED.value, None
    case.status = Status.CANCELLED.value
    _changed(session, desk, escalation, case, who, "escalation_cancelled", now)
    return Done(escalation, True)


def note(session: Session, case: Case, who: Caseworker, text: str) -> int:
    """Adds a private note; returns its id."""
    assert case.id is not None
    assert who.id is not None
    note_id = caseworkers.add_note(
        session=session, case_id=case.id, caseworker_id=who.id, kind="note", text=text
    )
    timeline(session, case.id, "note_added", actor_of(who), note_id=note_id)
    return note_id


def reply(
    session: Session, desk: Desk, case: Case, who: Caseworker, text: str, now: dt.datetime
) -> tuple[int, Done]:
    """Records a reply to the reporter (a reply also acknowledges); returns the note id."""
    assert case.id is not None
    assert who.id is not None
    done = Done(escalation_for(session, desk, case, now), False)
    if Status(done.escalation.status) in WAITING:
        done = acknowledge(session, desk, case, who, now)
    note_id = caseworkers.add_note(
        session=session, case_id=case.id, caseworker_id=who.id, kind="reply", text=text
    )
    timeline(session, case.id, "reply_sent", actor_of(who), note_id=note_id)
    service.notify(session, desk, done.escalation, case, "escalation.reply_sent", now)
    return note_id, done


def _changed(
    session: Session,
    desk: Desk,
    escalation: Escalation,
    case: Case,
    who: Caseworker,
    kind: str,
    now: dt.datetime,
    **data: object,
) -> None:
    """Audits a status change and tells the endpoints (webhook type: the new status by default)."""
    assert case.id is not None
    session.add(case)
    session.add(escalation)
    timeline(session, case.id, kind, actor_of(who), status=escalation.status, **data)
    event_type = WEBHOOKS.get(kind, f"escalation.{escalation.status}")
    service.notify(session, desk, escalation, case, event_type, now)
