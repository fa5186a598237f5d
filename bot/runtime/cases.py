"""What a turn's events change on the case: created when needed, facts kept current, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from bot.casework import apply_rights
from bot.envelopes import Channel
from bot.hooks import SavedTurn
from bot.safety import record_safe_times
from flows.engine import Turn
from flows.facts import case_facts
from flows.state import State
from flows.vocabulary import Event, EventName, Status
from storage import caseworkers, models, queries, turn_rows

OPENS_CASE = frozenset(
    {EventName.EMERGENCY_OPENED, EventName.HANDOVER_REQUESTED, EventName.CASE_SUBMITTED}
)
"""Events that open a case even before consent (the vital-interest exception, R-03)."""

AUDIT_DATA_KEYS = frozenset(
    {
        "step",
        "purpose",
        "answer",
        "version",
        "from_level",
        "to_level",
        "triggers",
        "locale",
        "source",
        "attachment_id",
        "kind",
        "skipped",
        "urgency",
        "reason",
        "recipient",
        "result",
        "case_id",
    }
)
"""Event data that may go on the timeline: ids and codes, never free text."""


def _opens(state: State, events: Iterable[Event]) -> bool:
    names = {e.name for e in events}
    consent_given = any(
        e.name is EventName.CONSENT_RECORDED and e.data.get("answer") == "given" for e in events
    )
    return consent_given or bool(names & OPENS_CASE) or state.handover


def open_case(
    session: Session,
    conversation: models.Conversation,
    state: State,
    channel: Channel,
    at: dt.datetime,
) -> models.Case:
    """Creates the case row of a conversation, with a fresh reference."""
    assert conversation.id is not None
    case = models.Case(
        reference=queries.next_case_reference(session=session, year=at.year),
        conversation_id=conversation.id,
        reporter_id=conversation.reporter_id,
        locale=state.locale.value,
        channel=channel.value,
        created_at=at,
    )
    session.add(case)
    session.flush()
    return case


def update_case(case: models.Case, state: State, at: dt.datetime) -> None:
    """Copies the conversation's answers and derived facts onto the case."""
    facts = case_facts(state)
    turn_rows.assign_changed(
        case,
        {
            "reporter_role": facts.reporter_role,
            "categories": list(facts.categories),
            "primary_category": facts.primary_category,
            "urgency": facts.urgency.value,
            "urgency_triggers": list(facts.triggers),
            "destination_country": facts.destination_country,
            "home_regency": facts.home_regency,
            "lead_office": facts.lead_office,
            "liaison_office": facts.liaison_office,
            "copy_offices": list(facts.copy_offices),
            "locale": state.locale.value,
            "answers": dict(state.answers),
            "needs_human": state.handover,
        },
    )
    if state.status is Status.SUBMITTED and case.status == "draft":
        case.status, case.submitted_at = "submitted", at
    elif state.status in (Status.CANCELLED, Status.EXPIRED) and case.status == "draft":
        case.status = state.status.value


SHARED_KINDS = {EventName.CONTACT_SHARED: "contact", EventName.LOCATION_SHARED: "location"}
"""Events whose contact or place is kept as evidence, and the attachment kind it is kept as."""
SHARED_DATA = ("phone", "is_own", "latitude", "longitude")


def keep_shared(
    session: Session, conversation_id: int, case: models.Case | None, events: Iterable[Event]
) -> dict[int, int]:
    """Stores each shared contact or confirmed place as an encrypted attachment row.

    Returns the attachment id of each such event (keyed by the event's id()), for the timeline.
    """
    kept: dict[int, int] = {}
    for event in events:
        kind = SHARED_KINDS.get(event.name)
        if kind is None:
            continue
        step = event.data.get("step")
        attachment = models.Attachment(
            case_id=case.id if case else None,
            conversation_id=conversation_id,
            step_id=str(step) if step else None,
            kind=kind,
            shared={k: event.data[k] for k in SHARED_DATA if k in event.data},
        )
        session.add(attachment)
        session.flush()
        kept[id(event)] = attachment.id or 0
    return kept


def record_events(
    session: Session,
    case: models.Case,
    events: Iterable[Event],
    at: dt.datetime,
    attached: dict[int, int] | None = None,
) -> None:
    """Writes each event on the case timeline, keeping only ids and codes; a follow-up's words
    become an encrypted note the event points at (note_id), a shared item its attachment_id."""
    assert case.id is not None
    rows: list[tuple[str, dict[str, Any]]] = []
    for event in events:
        data = {k: v for k, v in event.data.items() if k in AUDIT_DATA_KEYS}
        if attached and id(event) in attached:
            data["attachment_id"] = attached[id(event)]
        if event.name is EventName.FOLLOW_UP_RECEIVED and event.data.get("text"):
            data["note_id"] = caseworkers.add_note(
                session=session,
                case_id=case.id,
                caseworker_id=None,
                kind=caseworkers.REPORTER_MESSAGE,
                text=str(event.data["text"]),
            )
        rows.append((event.name.value, data))
    turn_rows.add_events(session=session, case_id=case.id, actor="reporter", events=rows, at=at)


def record_consents(saved: SavedTurn) -> None:
    """Stores each consent answer of the turn, with its text version and language."""
    session, reporter, case, turn = saved.session, saved.reporter, saved.case, saved.turn
    assert reporter.id is not None
    actor = {"worker": "self", "family": "family", "organisation": "organisation"}.get(
        str(turn.state.answers.get("role")), "self"
    )
    for event in turn.events:
        if event.name is not EventName.CONSENT_RECORDED:
            continue
        case_id = event.data.get("case_id") or (case.id if case else None)
        recipient = event.data.get("recipient")
        session.add(
            models.Consent(
                reporter_id=reporter.id,
                case_id=int(str(case_id)) if case_id else None,
                purpose=str(event.data["purpose"]),
                recipient=str(recipient) if recipient else None,
                text_version=str(event.data["version"]),
                locale=turn.state.locale.value,
                channel=saved.channel.value,
                answer=str(event.data["answer"]),
                actor=actor,
                at=saved.at,
            )
        )


def apply_turn(
    session: Session,
    conversation: models.Conversation,
    reporter: models.Reporter,
    turn: Turn,
    channel: Channel,
    at: dt.datetime,
    case_id: int | None,
) -> SavedTurn:
    """Opens or updates the conversation's current case, audits events and stores consents."""
    assert conversation.id is not None
    case = session.get(models.Case, case_id) if case_id else None
    if case is not None and any(e.name is EventName.CONVERSATION_RESTARTED for e in turn.events):
        record_events(session, case, turn.events, at)
        if case.status == "draft":
            case.status = "cancelled"
        case = None
    elif case is None and _opens(turn.state, turn.events):
        case = open_case(session, conversation, turn.state, channel, at)
        _adopt_attachments(session, conversation.id, case)
    attached = keep_shared(session, conversation.id, case, turn.events)
    if case is not None:
        update_case(case, turn.state, at)
        record_events(session, case, turn.events, at, attached)
    saved = SavedTurn(session, conversation, reporter, case, turn, channel, at)
    record_consents(saved)
    record_safe_times(reporter, turn.state, turn.events, at)
    apply_rights(saved)
    for event in turn.events:
        if event.name is EventName.REFERRAL_RECORDED:
            reporter.referral = str(event.data.get("source", ""))[:64]
    return saved


def _adopt_attachments(session: Session, conversation_id: int, case: models.Case) -> None:
    query = select(models.Attachment).where(
        col(models.Attachment.conversation_id) == conversation_id,
        col(models.Attachment.case_id).is_(None),
    )
    for attachment in session.exec(query):
        attachment.case_id = case.id
