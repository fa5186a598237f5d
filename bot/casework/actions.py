"""Caseworker actions with their reporter-facing side: each verb may queue a notice to the
reporter, in their language and through their channel, in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from bot.casework import verbs as casework
from bot.casework.verbs import BadAction
from bot.envelopes import OutgoingMessage
from bot.i18n import Catalogs, Renderer
from bot.safety import queue_when_safe
from bot.whatsapp import UNPROMPTED
from escalation.desk import Desk
from escalation.status import WAITING, Status
from flows.routing import COUNTRY_TIMEZONES
from flows.vocabulary import N_, Fact, Locale, Plain, Text
from storage.escalation_models import Caseworker, Escalation
from storage.models import Case, Conversation

MAX_TEXT = 4000
"""A reply longer than this is refused (it must fit one chat message)."""

# What the reporter hears when a caseworker acts on their case.
CASE_ACKNOWLEDGED = N_(
    "A Migrant CARE caseworker has seen your case {reference} and will answer you here "
    "by {deadline}."
)
CASE_ACKNOWLEDGED_SOON = N_(
    "A Migrant CARE caseworker has seen your case {reference} and will answer you here soon."
)
CASEWORKER_REPLY = N_("Message from your Migrant CARE caseworker about case {reference}:\n{text}")
CASE_RESOLVED = N_(
    "Your case {reference} is now closed. Thank you for trusting Migrant CARE. "
    "You can write to us here again at any time."
)
CASE_REOPENED = N_("Your case {reference} is open again. A caseworker will answer you here.")


class Verb(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    CLAIM = "claim"
    RELEASE = "release"
    STATUS = "status"
    NOTE = "note"
    REPLY = "reply"
    RESOLVE = "resolve"


@dataclass(frozen=True)
class Action:
    """One thing a caseworker (or their system, by callback) asks for."""

    verb: Verb
    status: str | None = None
    text: str | None = None
    resolution: str | None = None
    force: bool = False


@dataclass(frozen=True)
class Outcome:
    """What an action left behind."""

    escalation: Escalation
    changed: bool
    note_id: int | None = None
    notices: int = 0


@dataclass(frozen=True)
class _Acting:
    """Who acts on which case, in which transaction and when."""

    session: Session
    desk: Desk
    catalogs: Catalogs
    case: Case
    who: Caseworker
    now: dt.datetime

    @property
    def verb_args(self) -> tuple[Session, Desk, Case, Caseworker, dt.datetime]:
        """Returns the arguments every status verb of bot.casework.verbs takes first."""
        return self.session, self.desk, self.case, self.who, self.now


def perform(
    session: Session,
    desk: Desk,
    catalogs: Catalogs,
    case: Case,
    who: Caseworker,
    action: Action,
    now: dt.datetime,
) -> Outcome:
    """Carries out one action; raises HeldByOther, InvalidTransition or BadAction."""
    waiting = _waiting(session, desk, case, now)
    verb: Verb | str = action.verb
    if verb is Verb.STATUS:
        verb = _status_verb(action.status)
    if verb is Verb.NOTE:
        text = _text(action.text)
        note_id = casework.note(session, case, who, text)
        escalation = casework.escalation_for(session, desk, case, now)
        return Outcome(escalation, True, note_id)
    if verb is Verb.REPLY:
        text = _text(action.text)
        note_id, done = casework.reply(session, desk, case, who, text, now)
        sent = notify(session, catalogs, case, Text(CASEWORKER_REPLY, _reply(text)))
        if done.changed and waiting:
            sent += notify(session, catalogs, case, _acknowledged(desk, case, now))
        return Outcome(done.escalation, True, note_id, sent)
    return _transition(_Acting(session, desk, catalogs, case, who, now), action, verb, waiting)


def _transition(acting: _Acting, action: Action, verb: Verb | str, waiting: bool) -> Outcome:
    notice: Text | None = None
    if verb is Verb.ACKNOWLEDGE:
        done = casework.acknowledge(*acting.verb_args)
    elif verb is Verb.CLAIM:
        done = casework.claim(*acting.verb_args, force=action.force)
    elif verb is Verb.RELEASE:
        done = casework.release(*acting.verb_args)
    elif verb is Verb.RESOLVE:
        done = casework.resolve(*acting.verb_args, resolution=_code(action))
        notice = _with_reference(CASE_RESOLVED)
    elif verb == "reopen":
        done = casework.reopen(*acting.verb_args)
        notice = _with_reference(CASE_REOPENED)
    elif verb == "cancel":
        done = casework.cancel(*acting.verb_args)
    else:
        raise BadAction(f"no such action: {verb}")
    if done.changed and waiting and verb in (Verb.ACKNOWLEDGE, Verb.CLAIM):
        notice = _acknowledged(acting.desk, acting.case, acting.now)
    if notice is None or not done.changed:
        return Outcome(done.escalation, done.changed)
    sent = notify(acting.session, acting.catalogs, acting.case, notice)
    return Outcome(done.escalation, done.changed, None, sent)


def _waiting(session: Session, desk: Desk, case: Case, now: dt.datetime) -> bool:
    escalation = casework.escalation_for(session, desk, case, now)
    return Status(escalation.status) in WAITING


def _status_verb(status: str | None) -> Verb | str:
    verbs: dict[str, Verb | str] = {
        Status.ACKNOWLEDGED.value: Verb.ACKNOWLEDGE,
        Status.CLAIMED.value: Verb.CLAIM,
        Status.RESOLVED.value: Verb.RESOLVE,
        Status.OPEN.value: "reopen",
        Status.CANCELLED.value: "cancel",
    }
    if status not in verbs:
        raise BadAction(f"status must be one of {sorted(verbs)}")
    return verbs[status]


def _code(action: Action) -> str:
    return action.resolution or "resolved"


def _text(text: str | None) -> str:
    value = (text or "").strip()
    if not value or len(value) > MAX_TEXT or "\x00" in value:
        raise BadAction(f"text must be 1 to {MAX_TEXT} characters")
    return value


def _reply(text: str) -> dict[str, Fact | Plain]:
    return {"reference": Fact.CASE_REFERENCE, "text": Plain(text)}


def _with_reference(msgid: str) -> Text:
    return Text(msgid, {"reference": Fact.CASE_REFERENCE})


def _acknowledged(desk: Desk, case: Case, now: dt.datetime) -> Text:
    target = desk.respond.get(case.urgency)
    deadline = case.created_at + target if target and case.created_at else None
    if deadline is None or deadline <= now:
        return _with_reference(CASE_ACKNOWLEDGED_SOON)
    return Text(CASE_ACKNOWLEDGED, {"reference": Fact.CASE_REFERENCE, "deadline": deadline})


def notify(session: Session, catalogs: Catalogs, case: Case, text: Text) -> int:
    """Queues one sentence to the reporter of a case, in their language; returns 1 (0: no chat)."""
    conversation = session.get(Conversation, case.conversation_id)
    if conversation is None:
        return 0
    locale = Locale(case.locale) if case.locale in set(Locale) else Locale.ID
    zone = COUNTRY_TIMEZONES.get(case.destination_country or "", "Asia/Jakarta")
    renderer = Renderer(catalogs, locale, zone, {Fact.CASE_REFERENCE: case.reference})
    extra = {UNPROMPTED: True}  # WhatsApp holds it behind the neutral template
    message = OutgoingMessage(text=renderer.text(text), locale=locale.value, extra=extra)
    payloads = [message.to_payload()]
    queue_when_safe(session, conversation, case.reporter_id, payloads, dt.datetime.now(dt.UTC))
    return 1
