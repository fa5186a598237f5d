"""The audit log of a case (R-12): who read, exported or shared it, when and why.

Entries are CaseEvent rows on the case's own timeline, written in the same transaction as the read.
A reason is a short code (`casework` by default), never free text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.casework.handoff import CaseFile
from bot.casework.verbs import BadAction, actor_of
from bot.evidence import FileStore
from bot.staff import visible_offices
from storage import caseworkers, db, referrals
from storage import escalations as rows
from storage.escalation_models import Caseworker, Escalation
from storage.models import Attachment, Case, CaseEvent

DEFAULT_REASON = "casework"
REASON = re.compile(r"^[a-z0-9_.:-]{1,64}$")
VIEWED, LISTED, EXPORTED, AUDIT_VIEWED = (
    "case_viewed",
    "case_listed",
    "case_exported",
    "case_audit_viewed",
)


def reason_code(raw: str | None) -> str:
    """Returns the reason of a read as a code; raises BadAction for anything that is not one."""
    value = (raw or DEFAULT_REASON).strip().lower()
    if not REASON.match(value):
        raise BadAction("reason is a code of 1 to 64 characters: a-z, 0-9, _ . : -")
    return value


def record(
    session: Session, case_id: int, kind: str, actor: str, reason: str, at: dt.datetime
) -> CaseEvent:
    """Appends one audit entry (a read, list, export or trail view) to a case."""
    return referrals.add_event(
        session=session, case_id=case_id, type=kind, actor=actor, at=at, data={"reason": reason}
    )


def read_case(
    engine: Engine, case_id: int, who: Caseworker, reason: str, at: dt.datetime, kind: str = VIEWED
) -> CaseFile:
    """Returns a case with its timeline, notes and evidence; the reading is audited first."""
    with db.session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        record(session, case_id, kind, actor_of(who), reason, at)
        evidence = session.exec(select(Attachment).where(col(Attachment.case_id) == case_id))
        return CaseFile(
            case,
            rows.escalation_of_case(session=session, case_id=case_id),
            caseworkers.timeline(session=session, case_id=case_id),
            caseworkers.notes(session=session, case_id=case_id),
            list(evidence.all()),
        )


def list_cases(
    engine: Engine, who: Caseworker, reason: str, at: dt.datetime, **filters: Any
) -> list[tuple[Case, Escalation | None]]:
    """Returns the cases a person may see; each case listed gets a `case_listed` entry."""
    with db.session(engine) as session:
        found = rows.office_cases(session=session, offices=visible_offices(who), **filters)
        for case, _ in found:
            record(session, case.id or 0, LISTED, actor_of(who), reason, at)
        return found


def trail(
    engine: Engine, case_id: int, who: Caseworker, reason: str, at: dt.datetime
) -> list[CaseEvent]:
    """Returns a case's audit trail (its whole timeline); viewing it is itself audited."""
    with db.session(engine) as session:
        record(session, case_id, AUDIT_VIEWED, actor_of(who), reason, at)
        return referrals.case_events(session=session, case_id=case_id)


EVIDENCE_VIEWED = "evidence_viewed"

_CLEAN_TYPES = {".png": "image/png", ".jpg": "image/jpeg"}


def read_evidence(
    engine: Engine,
    files: FileStore,
    case_id: int,
    attachment_id: int,
    who: Caseworker,
    reason: str,
    at: dt.datetime,
) -> tuple[bytes, str]:
    """Returns a case file as caseworkers may see it (a photo's EXIF-free copy) and its type.

    The viewing is audited; LookupError when the case has no such file or no copy to show.
    """
    with db.session(engine) as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.case_id != case_id:
            raise LookupError("no such file on this case")
        data = files.caseworker_copy(attachment)
        if data is None:
            raise LookupError("no copy of this file may be shown")
        referrals.add_event(
            session=session,
            case_id=case_id,
            type=EVIDENCE_VIEWED,
            actor=actor_of(who),
            at=at,
            data={"reason": reason, "attachment_id": attachment_id},
        )
    clean = attachment.clean_path or ""
    kind = _CLEAN_TYPES.get(clean[clean.rfind(".") :]) if clean else None
    return data, kind or attachment.mime_type or "application/octet-stream"
