"""The erasure engine (R-08): purges a case's personal data everywhere, keeping a tombstone.

What stays: the case row as a tombstone (reference, status "erased", erased_at, urgency, category
and country codes for statistics), consent records (proof, Art. 24) and the audit timeline with
its data blanked, plus the "case_erased" event (who, why). A case on legal hold is not erased:
the refusal is audited instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage import db
from storage import erasure as rows
from storage.models import Case, CaseEvent, Conversation, Reporter

log = logging.getLogger(__name__)

ERASED = "erased"


class ErasureEvent(StrEnum):
    CASE_ERASED = "case_erased"
    ERASURE_REFUSED = "erasure_refused"
    CASE_MINIMISED = "case_minimised"
    LEGAL_HOLD_SET = "legal_hold_set"
    LEGAL_HOLD_RELEASED = "legal_hold_released"


def legal_hold(
    engine: Engine, case_id: int, held: bool, actor: str, reason: str, at: dt.datetime
) -> bool:
    """Sets or releases a case's legal hold in its own transaction; tells whether it changed."""
    with db.session(engine) as session:
        return set_legal_hold(session, case_id, held, actor, reason, at)


def set_legal_hold(
    session: Session, case_id: int, held: bool, actor: str, reason: str, at: dt.datetime
) -> bool:
    """Puts a case on legal hold (erasure and minimising refused) or releases it; audited.

    Returns whether anything changed (setting a hold twice is harmless).
    """
    case = session.get(Case, case_id)
    if case is None:
        raise LookupError(f"no case {case_id}")
    if case.legal_hold == held:
        return False
    case.legal_hold, case.legal_hold_reason = held, reason if held else None
    kind = ErasureEvent.LEGAL_HOLD_SET if held else ErasureEvent.LEGAL_HOLD_RELEASED
    _audit(session, case, kind, actor, at, reason, None)
    return True


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure did: erased, or refused (and why), with row counts by table."""

    case_id: int
    erased: bool
    refused: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


def default_file_root() -> Path:
    """Returns FILE_STORE from the settings."""
    from bot.settings import Settings

    return Settings().files.store


def erase_case(
    session: Session,
    case_id: int,
    actor: str,
    reason: str,
    at: dt.datetime,
    *,
    reporter: bool = False,
    files: Path | None = None,
) -> ErasureResult:
    """Erases one case (and with `reporter`, the reporter's identity too); refuses on legal hold."""
    case = session.get(Case, case_id)
    if case is None:
        raise LookupError(f"no case {case_id}")
    if case.legal_hold:
        _audit(session, case, ErasureEvent.ERASURE_REFUSED, actor, at, reason, "legal_hold")
        log.info("erasure refused: legal hold", extra={"case_id": case_id})
        return ErasureResult(case_id, erased=False, refused="legal_hold")
    conversation = session.get(Conversation, case.conversation_id)
    assert conversation is not None
    counts = {"attachment": remove_attachments(session, case, conversation, files, ERASED)}
    counts |= rows.purge_chat_rows(session, conversation)
    counts["whatsapp"] = rows.purge_whatsapp_rows(session, conversation.chat_id, contact=reporter)
    counts["escalation"] = rows.purge_escalation_texts(session, case_id)
    blank_timeline(session, case_id)
    tombstone(case, at)
    conversation.state, conversation.step_id, conversation.status = {}, "", ERASED
    conversation.next_timer_at = conversation.timer_kind = None
    if reporter:
        scrub_reporter(session, case.reporter_id, conversation, at)
    _audit(session, case, ErasureEvent.CASE_ERASED, actor, at, reason, None)
    session.flush()
    log.info("case erased", extra={"case_id": case_id, "counts": counts})
    return ErasureResult(case_id, erased=True, counts=counts)


def tombstone(case: Case, at: dt.datetime) -> None:
    """Clears every free or personal field of a case, keeping its codes (changes the row)."""
    case.answers = {}
    case.home_regency = None
    case.legal_hold_reason = None
    case.status = ERASED
    case.erased_at = at


def blank_timeline(session: Session, case_id: int) -> None:
    """Empties the data of a case's audit events (their type, actor and time stay)."""
    for event in session.exec(select(CaseEvent).where(col(CaseEvent.case_id) == case_id)):
        if event.data:
            event.data = {}


def remove_attachments(
    session: Session, case: Case, conversation: Conversation, root: Path | None, status: str
) -> int:
    """Deletes a case's stored files (unless another case holds the same file) and blanks rows."""
    found = rows.attachments_of(session, case.id or 0, conversation.id or 0)
    keep = {a.id or 0 for a in found}
    store = root or default_file_root()
    for attachment in found:
        for path in {attachment.path, attachment.clean_path} - {None}:
            assert path is not None
            if not rows.path_still_used(session, path, keep):
                delete_file(store, path)
        rows.blank_attachment(attachment, status)
    return len(found)


def delete_file(root: Path, relative: str) -> None:
    """Deletes one file of the store; refuses paths outside it, ignores missing ones."""
    target = (root / relative).resolve()
    if root.resolve() not in target.parents:
        log.warning("attachment path outside the file store not deleted")
        return
    target.unlink(missing_ok=True)


def scrub_reporter(
    session: Session, reporter_id: int, conversation: Conversation, at: dt.datetime
) -> None:
    """Replaces the reporter's channel ids and clears their settings (changes the rows)."""
    person = session.get(Reporter, reporter_id)
    if person is None:
        return
    person.channel_user_id = f"erased-{reporter_id}"
    person.code_word_hash, person.referral, person.utc_offset_minutes = None, None, None
    person.safe_times = []
    person.erased_at = at
    conversation.chat_id = f"erased-{conversation.id}"


def _audit(
    session: Session,
    case: Case,
    kind: ErasureEvent,
    actor: str,
    at: dt.datetime,
    reason: str,
    refused: str | None,
) -> None:
    data = {"reason": reason} | ({"refused": refused} if refused else {})
    session.add(CaseEvent(case_id=case.id or 0, type=kind.value, actor=actor, data=data, at=at))


def erase_reporter(
    session: Session,
    reporter_id: int,
    actor: str,
    reason: str,
    at: dt.datetime,
    *,
    files: Path | None = None,
) -> list[ErasureResult]:
    """Erases every case of a reporter and their identity; erases nothing if one is on hold."""
    cases = list(session.exec(select(Case).where(col(Case.reporter_id) == reporter_id)))
    held = [c for c in cases if c.legal_hold]
    if held:
        return [erase_case(session, c.id or 0, actor, reason, at, files=files) for c in held]
    return [
        erase_case(session, c.id or 0, actor, reason, at, reporter=True, files=files)
        for c in cases
        if c.erased_at is None
    ]
