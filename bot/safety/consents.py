"""Consent records: the latest answer per purpose, the share question, and safe contact times."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.i18n import Catalogs, Renderer
from bot.safety.safe_times import queue_when_safe
from bot.whatsapp import UNPROMPTED
from flows.consent import SAFE_TIME_STEPS, SAFE_TIME_WINDOWS, Purpose
from flows.engine import ask_share
from flows.facts import case_facts
from flows.registry import INTAKE
from flows.routing import COUNTRY_TIMEZONES
from flows.state import State, from_json, to_json
from flows.vocabulary import Event, EventName, Fact, Locale, Status
from storage import models, queries, referrals


def consent_state(
    session: Session, reporter_id: int, purpose: str, recipient: str | None = None
) -> str | None:
    """Returns the latest answer (given, refused, withdrawn) for a purpose, or None."""
    return referrals.latest_consent(
        session=session, reporter_id=reporter_id, purpose=purpose, recipient=recipient
    )


@functools.cache
def _catalogs() -> Catalogs:
    return Catalogs()


def request_share_consent(session: Session, case_id: int, recipient: str, at: dt.datetime) -> None:
    """Asks the case's reporter, in their language, whether the case may go to a recipient."""
    case = session.get(models.Case, case_id)
    if case is None:
        raise LookupError(f"no case {case_id}")
    conversation = session.get(
        models.Conversation, case.conversation_id, with_for_update=True, populate_existing=True
    )
    if conversation is None:
        raise LookupError(f"case {case_id} has no conversation")
    envelope = dict(conversation.state or {})
    state = from_json(envelope["engine"]) if envelope.get("engine") else _idle_state(case)
    turn = ask_share(state, recipient, case_id, at)
    envelope["engine"] = to_json(turn.state)
    conversation.state = envelope
    zone = COUNTRY_TIMEZONES.get(case.destination_country or "", "Asia/Jakarta")
    renderer = Renderer(_catalogs(), turn.state.locale, zone, {Fact.CASE_REFERENCE: case.reference})
    assert conversation.id is not None
    messages = [replace(renderer.reply(r), extra={UNPROMPTED: True}) for r in turn.replies]
    payloads = [m.to_payload() for m in messages]
    queue_when_safe(session, conversation, case.reporter_id, payloads, at)
    session.add(
        models.CaseEvent(
            case_id=case_id,
            type=EventName.SHARE_CONSENT_ASKED.value,
            actor="system",
            data={"recipient": recipient},
            at=at,
        )
    )
    queries.save_conversation(
        session=session, conversation=conversation, expected_version=conversation.version
    )


def _idle_state(case: models.Case) -> State:
    locale = Locale(case.locale) if case.locale in set(Locale) else Locale.ID
    return State(step_id=INTAKE.start, locale=locale, status=Status.SUBMITTED, prompted=True)


def record_safe_times(
    reporter: models.Reporter, state: State, events: Iterable[Event], at: dt.datetime
) -> None:
    """Keeps the reporter's safe contact times (local "HH:MM-HH:MM") and UTC offset current."""
    for event in events:
        if event.name is not EventName.CONSENT_RECORDED:
            continue
        if event.data.get("purpose") != Purpose.CONTACT_LATER:
            continue
        chosen = next((state.answers.get(s) for s in SAFE_TIME_STEPS if s in state.answers), None)
        given = event.data.get("answer") == "given"
        reporter.safe_times = list(SAFE_TIME_WINDOWS.get(str(chosen), ())) if given else []
        zone = COUNTRY_TIMEZONES.get(case_facts(state).destination_country or "")
        if zone:
            offset = at.astimezone(ZoneInfo(zone)).utcoffset()
            reporter.utc_offset_minutes = int(offset.total_seconds() // 60) if offset else 0
