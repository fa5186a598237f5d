"""What the console's case page shows of a case: answers in words, timeline, reply route."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.casework.audit import VIEWED, record
from bot.casework.reply_forecast import ReplyForecast, forecast
from bot.casework.timeline import KIND_OF_EVENT, EntryKind, TimelineEntry, entries
from bot.casework.verbs import actor_of
from bot.i18n import Catalogs, Renderer
from flows.registry import INTAKE
from flows.summary import case_answers
from flows.vocabulary import Fact, Locale
from storage import db
from storage.case_record import CaseRecord, case_mark, case_record
from storage.escalation_models import Caseworker
from storage.models import Case

OFFICE_ZONE = "Asia/Jakarta"
AUDITED = frozenset(code for code, kind in KIND_OF_EVENT.items() if kind is EntryKind.AUDIT)
"""Reads, lists and exports: recorded on the case, but nothing new for whoever has it open."""

QUIET_EVENTS = frozenset(
    {
        "answer_recorded",
        "answer_edited",
        "answer_questioned",
        "language_chosen",
        "conversation_started",
        "conversation_resumed",
        "conversation_restarted",
        "conversation_expired",
        "conversation_stopped",
        "reminder_sent",
        "input_not_understood",
        "code_word_saved",
        "code_word_checked",
        "data_shown",
    }
)
"""Steps of the questionnaire itself: the answers section already shows what they led to."""


@dataclass(frozen=True)
class CaseView:
    """A case as its page shows it: the record, the answers in words, the timeline, the reply."""

    record: CaseRecord
    answers: list[tuple[str, str]]
    timeline: list[TimelineEntry]
    audits: int
    """How many reads, lists and exports the timeline left out (the audit trail has them)."""
    reply: ReplyForecast


def open_case(
    engine: Engine, case_id: int, who: Caseworker, reason: str, at: dt.datetime
) -> CaseRecord:
    """Returns everything recorded about a case; the opening is audited first."""
    with db.session(engine) as session:
        record(session, case_id, VIEWED, actor_of(who), reason, at)
        case = session.get(Case, case_id)
        assert case is not None
        return case_record(session=session, case=case)


def case_change_mark(engine: Engine, case_id: int) -> str:
    """Returns a mark that moves when anything but a read is recorded on the case."""
    with db.session(engine) as session:
        return str(case_mark(session=session, case_id=case_id, ignoring=AUDITED))


def case_view(found: CaseRecord, catalogs: Catalogs, locale: Locale, now: dt.datetime) -> CaseView:
    """Returns the case page's view of a record, its answers in the caseworker's language."""
    case = found.case
    renderer = Renderer(catalogs, locale, OFFICE_ZONE, {Fact.CASE_REFERENCE: case.reference})
    answers = [
        (renderer.text(question), renderer.value(answer))
        for question, answer in case_answers(INTAKE, case.answers or {})
    ]
    merged = entries(found)
    shown = [e for e in merged if e.kind is not EntryKind.AUDIT and e.code not in QUIET_EVENTS]
    audits = sum(1 for e in merged if e.kind is EntryKind.AUDIT)
    reply = forecast(found.reporter, case.channel, now)
    return CaseView(found, answers, shown, audits, reply)
