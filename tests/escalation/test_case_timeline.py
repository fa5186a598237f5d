"""The case page's timeline joins events to the words and files they point at, oldest first."""

from __future__ import annotations

import datetime as dt

from esc_helpers import make_case
from sqlalchemy import Engine

from bot.casework.timeline import EntryKind, entries
from storage import db
from storage.case_record import case_record
from storage.escalation_models import CaseNote, Caseworker
from storage.models import Attachment, Case, CaseEvent, Consent
from storage.safety_models import DataRequest

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def _fill(engine: Engine, case: Case) -> None:
    with db.session(engine) as session:
        person = Caseworker(name="Sari", office="jember")
        session.add(person)
        session.flush()
        reply = CaseNote(
            case_id=case.id or 0, caseworker_id=person.id or 0, kind="reply", text="Halo"
        )
        note = CaseNote(
            case_id=case.id or 0, caseworker_id=person.id or 0, text="called the agency"
        )
        photo = Attachment(
            case_id=case.id, conversation_id=case.conversation_id, kind="photo", created_at=_at(1)
        )
        voice = Attachment(
            case_id=case.id, conversation_id=case.conversation_id, kind="voice", created_at=_at(5)
        )
        session.add_all([reply, note, photo, voice])
        session.flush()
        session.add_all(
            [
                CaseEvent(case_id=case.id or 0, type="case_submitted", actor="reporter", at=_at(0)),
                CaseEvent(
                    case_id=case.id or 0,
                    type="evidence_added",
                    actor="reporter",
                    at=_at(2),
                    data={"attachment_id": photo.id},
                ),
                CaseEvent(
                    case_id=case.id or 0,
                    type="reply_sent",
                    actor="caseworker:1",
                    at=_at(3),
                    data={"note_id": reply.id},
                ),
                CaseEvent(
                    case_id=case.id or 0,
                    type="note_added",
                    actor="caseworker:1",
                    at=_at(4),
                    data={"note_id": note.id},
                ),
                Consent(
                    reporter_id=case.reporter_id,
                    case_id=case.id,
                    purpose="share",
                    text_version="1",
                    locale="id",
                    channel="web",
                    answer="given",
                    at=_at(6),
                ),
                DataRequest(
                    reporter_id=case.reporter_id,
                    case_id=case.id,
                    kind="access",
                    channel="web",
                    locale="id",
                    created_at=_at(7),
                ),
            ]
        )


def test_the_timeline_merges_every_record_in_order(engine: Engine) -> None:
    case = make_case(engine, lead="jember")
    _fill(engine, case)
    with db.session(engine) as session:
        found = entries(case_record(session=session, case=session.get(Case, case.id)))  # type: ignore[arg-type]

    assert [(e.kind, e.code) for e in found] == [
        (EntryKind.STATUS, "case_submitted"),
        (EntryKind.EVIDENCE, "evidence_added"),
        (EntryKind.MESSAGE_OUT, "reply_sent"),
        (EntryKind.NOTE, "note_added"),
        (EntryKind.EVIDENCE, "voice"),
        (EntryKind.CONSENT, "share"),
        (EntryKind.DATA_REQUEST, "access"),
    ]
    assert found[1].attachment is not None
    assert found[1].attachment.kind == "photo"
    assert (found[2].text, found[3].text) == ("Halo", "called the agency")
    assert found[5].detail["answer"] == "given"
    assert "note_id" not in found[2].detail
