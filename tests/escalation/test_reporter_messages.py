"""A reporter's words after the report reach the case: an encrypted note, its id on the timeline,
shown by the case timeline and the API, and gone with erasure and minimising."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from esc_apps import client, handoff, settings, token
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import col, select
from test_escalation_intake import Reporter, file_report

from bot.casework.timeline import EntryKind, entries
from bot.safety import erase_case
from bot.safety.retention import minimise_case
from storage import db
from storage.case_record import case_record
from storage.caseworkers import REPORTER_MESSAGE
from storage.escalation_models import CaseNote
from storage.migrate import upgrade
from storage.models import Case, CaseEvent

LATER = "ZZLATER my agent took my phone"
HELD = "ZZHELD I am at the shelter now"


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    upgrade(database_url)
    with client(database_url, tmp_path) as test_client:
        yield test_client


def _reported(api: TestClient) -> tuple[Reporter, Case]:
    """Files a whole report through the runner; returns the reporter and the submitted case."""
    say = Reporter(api.app.state.core.runner)  # type: ignore[attr-defined]
    file_report(say)
    with db.session(handoff(api).engine) as session:
        case = session.exec(select(Case)).one()
    assert case.status == "submitted"
    return say, case


def _follow_ups(api: TestClient, case: Case) -> list[CaseEvent]:
    with db.session(handoff(api).engine) as session:
        query = select(CaseEvent).where(
            col(CaseEvent.case_id) == case.id, col(CaseEvent.type) == "follow_up_received"
        )
        return list(session.exec(query.order_by(col(CaseEvent.id))))


def _notes(api: TestClient, case: Case) -> list[CaseNote]:
    with db.session(handoff(api).engine) as session:
        query = select(CaseNote).where(col(CaseNote.case_id) == case.id)
        return list(session.exec(query.order_by(col(CaseNote.id))))


def test_a_follow_up_is_an_encrypted_note_and_its_event_holds_only_the_id(
    api: TestClient,
) -> None:
    say, case = _reported(api)
    say(LATER)

    [event] = _follow_ups(api, case)
    [note] = _notes(api, case)
    assert (note.kind, note.caseworker_id, note.text) == (REPORTER_MESSAGE, None, LATER)
    assert event.data == {"kind": "text", "attachment_id": None, "note_id": note.id}
    assert "ZZLATER" not in str(event.data)
    with handoff(api).engine.connect() as connection:
        raw = connection.execute(
            text("SELECT text FROM case_note WHERE id = :id"), {"id": note.id}
        ).scalar_one()
    assert "ZZLATER" not in raw
    assert raw != LATER


def test_the_timeline_shows_the_reporters_words_as_a_message_in(api: TestClient) -> None:
    say, case = _reported(api)
    say(LATER)
    with db.session(handoff(api).engine) as session:
        found = entries(case_record(session=session, case=session.get(Case, case.id)))  # type: ignore[arg-type]

    [entry] = [e for e in found if e.code == "follow_up_received"]
    assert (entry.kind, entry.actor, entry.text) == (EntryKind.MESSAGE_IN, "reporter", LATER)
    assert "note_id" not in entry.detail


def test_the_api_lists_reporter_messages_apart_from_caseworkers_notes(
    api: TestClient, database_url: str, tmp_path: Path
) -> None:
    say, case = _reported(api)
    say(LATER)
    rina = {"authorization": f"Bearer {token(settings(database_url, tmp_path), 'jakarta')}"}
    path = f"/api/v1/cases/{case.reference}"
    assert api.post(f"{path}/claim", headers=rina).status_code == 200
    say(HELD)  # held by a caseworker now: the other path of the engine
    assert api.post(f"{path}/notes", headers=rina, json={"text": "called"}).status_code == 201

    detail = api.get(path, headers=rina).json()
    assert [m["text"] for m in detail["reporter_messages"]] == [LATER, HELD]
    assert [(n["kind"], n["text"]) for n in detail["notes"]] == [("note", "called")]
    assert all(n["caseworker_id"] is not None for n in detail["notes"])
    ids = [e["data"]["note_id"] for e in detail["timeline"] if e["type"] == "follow_up_received"]
    assert ids == [m["id"] for m in detail["reporter_messages"]]
    assert "ZZ" not in str(detail["timeline"])


def test_a_message_without_words_makes_no_note(api: TestClient) -> None:
    say, case = _reported(api)
    say(photo=True)
    [event] = _follow_ups(api, case)
    assert "note_id" not in event.data
    assert _notes(api, case) == []


def test_erasure_removes_the_reporters_messages(api: TestClient, tmp_path: Path) -> None:
    say, case = _reported(api)
    say(LATER)
    assert [n.text for n in _notes(api, case)] == [LATER]
    with db.session(handoff(api).engine) as session:
        assert erase_case(
            session, case.id or 0, "caseworker:1", "asked", dt.datetime.now(dt.UTC),
            files=tmp_path / "files",
        ).erased  # fmt: skip
    assert _notes(api, case) == []
    assert [e.data for e in _follow_ups(api, case)] == [{}]


def test_minimising_removes_the_reporters_messages(api: TestClient, tmp_path: Path) -> None:
    say, case = _reported(api)
    say(LATER)
    assert [n.text for n in _notes(api, case)] == [LATER]
    with db.session(handoff(api).engine) as session:
        minimise_case(session, case.id or 0, dt.datetime.now(dt.UTC), tmp_path / "files")
    assert _notes(api, case) == []
