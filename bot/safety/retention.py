"""Retention (R-09): erase abandoned drafts, minimise idle cases, delete old raw messages and ids.

Each rule is idempotent and skips cases on legal hold; `run_once` claims the job in job_run first,
so two processes (or two ticks) never run it in the same period.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, delete, exists, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.safety.erasure import ErasureEvent, erase_case, remove_attachments
from bot.settings import Settings
from storage import db
from storage import erasure as rows
from storage.models import Case, CaseEvent, Consent, Conversation, InboundUpdate, OutboxMessage
from storage.safety_models import JobRun

log = logging.getLogger(__name__)

JOB = "retention"
ACTOR = "system:retention"
SETTLED_OUTBOX = ("sent", "failed", "dead")


@dataclass(frozen=True)
class Counts:
    """How many rows each rule changed in one run."""

    drafts_erased: int = 0
    cases_minimised: int = 0
    raw_deleted: int = 0
    chat_ids_deleted: int = 0

    @property
    def total(self) -> int:
        return self.drafts_erased + self.cases_minimised + self.raw_deleted + self.chat_ids_deleted


def _days(value: float) -> dt.timedelta:
    return dt.timedelta(days=value)


def _idle(before: dt.datetime) -> Any:
    """Selects ids of cases not erased, not on hold, untouched and unwritten-to since `before`."""
    return (
        select(col(Case.id))
        .join(Conversation, col(Conversation.id) == col(Case.conversation_id))
        .where(
            col(Case.erased_at).is_(None),
            col(Case.legal_hold).is_(False),
            col(Case.updated_at) < before,
            or_(
                col(Conversation.last_inbound_at).is_(None),
                col(Conversation.last_inbound_at) < before,
            ),
        )
    )


def abandoned_drafts(session: Session, before: dt.datetime) -> list[int]:
    """Returns ids of drafts untouched since `before` without consent to handle the case."""
    consented = exists().where(
        col(Consent.purpose) == "case_handling",
        col(Consent.answer) == "given",
        or_(
            col(Consent.case_id) == col(Case.id),
            and_(col(Consent.case_id).is_(None), col(Consent.reporter_id) == col(Case.reporter_id)),
        ),
    )
    query = _idle(before).where(col(Case.status) == "draft", ~consented)
    return [i for i in session.exec(query) if i is not None]


def inactive_cases(session: Session, before: dt.datetime) -> list[int]:
    """Returns ids of submitted cases with no activity since `before`, not yet minimised."""
    recent = exists().where(col(CaseEvent.case_id) == col(Case.id), col(CaseEvent.at) >= before)
    query = _idle(before).where(
        col(Case.status).not_in(("draft", "erased")), col(Case.minimised_at).is_(None), ~recent
    )
    return [i for i in session.exec(query) if i is not None]


def minimise_case(
    session: Session, case_id: int, at: dt.datetime, files: Path | None = None
) -> None:
    """Removes a case's free text and files, keeping its codes; audited as case_minimised."""
    case = session.get(Case, case_id)
    conversation = session.get(Conversation, case.conversation_id) if case else None
    if case is None or conversation is None or case.legal_hold:
        return
    remove_attachments(session, case, conversation, files, "minimised")
    rows.purge_escalation_texts(session, case_id)
    case.answers, case.home_regency, case.minimised_at = {}, None, at
    session.add(
        CaseEvent(case_id=case_id, type=ErasureEvent.CASE_MINIMISED.value, actor=ACTOR, at=at)
    )


def purge_raw(session: Session, before: dt.datetime) -> int:
    """Deletes handled inbox updates and settled outbox messages older than `before`."""
    inbound = session.exec(
        delete(InboundUpdate).where(
            col(InboundUpdate.status) != "pending", col(InboundUpdate.received_at) < before
        )
    )
    sent = session.exec(
        delete(OutboxMessage).where(
            col(OutboxMessage.status).in_(SETTLED_OUTBOX), col(OutboxMessage.created_at) < before
        )
    )
    return sum(int(getattr(r, "rowcount", 0) or 0) for r in (inbound, sent))


def apply(session: Session, settings: Settings, now: dt.datetime) -> Counts:
    """Runs every retention rule once at `now`; returns what changed."""
    drafts = abandoned_drafts(session, now - _days(settings.safety.retention_draft_days))
    for case_id in drafts:
        erase_case(session, case_id, ACTOR, "abandoned draft without consent", now,
                   files=settings.files.store)  # fmt: skip
    inactive = inactive_cases(session, now - _days(settings.safety.retention_inactive_days))
    for case_id in inactive:
        minimise_case(session, case_id, now, settings.files.store)
    raw = purge_raw(session, now - _days(settings.safety.retention_raw_days))
    ids_before = now - dt.timedelta(hours=settings.safety.retention_chat_message_hours)
    chat_ids = rows.purge_chat_messages_before(session, ids_before)
    return Counts(len(drafts), len(inactive), raw, chat_ids)


def claim(engine: Engine, now: dt.datetime, every: dt.timedelta, *, force: bool = False) -> bool:
    """Marks the job started if it did not start within `every`; False when another run owns it."""
    with db.session(engine) as session:
        if session.get(JobRun, JOB) is None:
            try:
                with session.begin_nested():
                    session.exec(insert(JobRun).values(name=JOB, last_count=0))
            except IntegrityError:
                pass
        claiming = update(JobRun).where(col(JobRun.name) == JOB)
        if not force:
            last = col(JobRun.last_started_at)
            claiming = claiming.where(or_(last.is_(None), last <= now - every))
        result = session.exec(
            claiming.values(last_started_at=now).execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


def run_once(
    engine: Engine, settings: Settings, now: dt.datetime | None = None, *, force: bool = False
) -> Counts | None:
    """Runs the retention job if it is due (or forced); returns its counts, None when not run."""
    moment = now or dt.datetime.now(dt.UTC)
    every = dt.timedelta(minutes=settings.safety.retention_every_minutes)
    if not claim(engine, moment, every, force=force):
        return None
    try:
        with db.session(engine) as session:
            counts = apply(session, settings, moment)
    except Exception as error:
        _finish(engine, moment, 0, type(error).__name__)
        log.exception("retention failed")
        raise
    _finish(engine, moment, counts.total, None)
    log.info("retention done", extra={"count": counts.total})
    return counts


def _finish(engine: Engine, at: dt.datetime, count: int, error: str | None) -> None:
    with db.session(engine) as session:
        job = session.get(JobRun, JOB)
        if job is not None:
            job.last_finished_at, job.last_count, job.last_error = at, count, error


def command(settings: Settings) -> int:
    """Runs `suara retention --run-once`: one forced run, counts printed."""
    from bot.safety.keys import install

    install(settings)
    engine = db.make_engine(settings.database.url, settings.database.timeouts(worker=True))
    try:
        counts = run_once(engine, settings, force=True)
    finally:
        engine.dispose()
    assert counts is not None
    for name, value in vars(counts).items():
        print(f"{name}: {value}")  # noqa: T201
    return 0
