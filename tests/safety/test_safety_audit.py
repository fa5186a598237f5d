"""The audit log (R-12): every read, list, export and share of a case leaves who, when and why;
a read that logs nothing, or a reason that is free text, fails here."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from enc_helpers import gps_jpeg
from fastapi.testclient import TestClient
from gate_helpers import auth, client, events, handoff, make_case, token
from PIL import Image
from sqlmodel import col, select

from flows.vocabulary import MediaKind
from storage import db
from storage.escalation_models import Caseworker
from storage.migrate import upgrade
from storage.models import Attachment, Case

READS = {
    "": "case_viewed",
    "/export": "case_exported",
    "/audit": "case_audit_viewed",
}


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    upgrade(database_url)
    with client(database_url, tmp_path) as test_client:
        yield test_client


def actor(api: TestClient, name: str) -> str:
    with db.session(handoff(api).engine) as session:
        found = session.exec(select(Caseworker).where(col(Caseworker.name) == name)).one()
        return f"caseworker:{found.id}"


@pytest.mark.parametrize(("suffix", "kind"), READS.items())
def test_every_read_of_a_case_is_logged_with_who_and_why(
    api: TestClient, suffix: str, kind: str
) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta", "Rina")
    case = make_case(engine)
    url = f"/api/v1/cases/{case.reference}{suffix}"
    assert api.get(url, headers=auth(rina)).status_code == 200
    assert api.get(url, headers=auth(rina, "legal_aid")).status_code == 200
    assert api.get(url + "?reason=access_request", headers=auth(rina)).status_code == 200
    logged = events(engine, case, kind)
    assert [e.data["reason"] for e in logged] == ["casework", "legal_aid", "access_request"]
    assert {e.actor for e in logged} == {actor(api, "Rina")}
    assert all(e.at is not None for e in logged)


@pytest.mark.parametrize("suffix", READS)
def test_a_free_text_reason_is_refused_and_nothing_is_read(api: TestClient, suffix: str) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    url = f"/api/v1/cases/{case.reference}{suffix}"
    answer = api.get(url, headers=auth(rina, "Siti asked, tel 0812 3456"))
    assert answer.status_code == 422
    assert "answers" not in answer.text
    assert events(engine, case, *READS.values()) == []


def test_a_list_is_a_read_of_every_case_it_shows(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    mine, theirs = make_case(engine), make_case(engine, lead="kuala_lumpur")
    answer = api.get("/api/v1/cases?reason=weekly_review", headers=auth(rina))
    assert answer.status_code == 200
    assert mine.reference in answer.text
    [listed] = events(engine, mine, "case_listed")
    assert listed.data == {"reason": "weekly_review"}
    assert events(engine, theirs, "case_listed") == []


def test_the_export_holds_the_case_and_its_timeline(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        row.answers = {"employer_name": "PT Contoh"}
        session.add(row)
    answer = api.get(f"/api/v1/cases/{case.reference}/export", headers=auth(rina))
    body = answer.json()
    assert body["reference"] == case.reference
    assert body["answers"] == {"employer_name": "PT Contoh"}
    assert "exported_at" in body
    assert [e["type"] for e in body["timeline"]][-1] == "case_exported"


def test_the_trail_shows_reads_changes_and_shares_read_only(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    api.get(f"/api/v1/cases/{case.reference}", headers=auth(rina, "triage"))
    api.post(f"/api/v1/cases/{case.reference}/acknowledge", headers=auth(rina))
    trail = api.get(f"/api/v1/cases/{case.reference}/audit", headers=auth(rina)).json()
    kinds = [e["type"] for e in trail["data"]]
    assert kinds.index("case_viewed") < kinds.index("escalation_acknowledged")
    assert kinds[-1] == "case_audit_viewed"
    assert trail["count"] == len(kinds)
    viewed = next(e for e in trail["data"] if e["type"] == "case_viewed")
    assert viewed["actor"] == actor(api, "Rina")
    assert viewed["data"] == {"reason": "triage"}
    assert api.post(f"/api/v1/cases/{case.reference}/audit", headers=auth(rina)).status_code == 405


def test_another_office_reads_nothing_and_leaves_no_entry(api: TestClient) -> None:
    engine = handoff(api).engine
    hafiz = token(engine, "kuala_lumpur", "Hafiz")
    case = make_case(engine)
    for suffix in READS:
        url = f"/api/v1/cases/{case.reference}{suffix}"
        assert api.get(url, headers=auth(hafiz)).status_code == 404
    assert events(engine, case, *READS.values()) == []


def test_a_caseworker_sees_a_photo_without_its_metadata_and_the_viewing_is_audited(
    api: TestClient,
) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case, other = make_case(engine), make_case(engine)
    files = api.app.state.core.files  # type: ignore[attr-defined]
    stored = files.save(gps_jpeg(), kind=MediaKind.PHOTO, mime_type="image/jpeg")
    with db.session(engine) as session:
        photo = Attachment(
            case_id=case.id,
            conversation_id=case.conversation_id,
            kind="photo",
            mime_type="image/jpeg",
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
            path=stored.path,
            clean_path=stored.clean_path,
            clean_sha256=stored.clean_sha256,
        )
        session.add(photo)
        session.flush()
        photo_id = photo.id
    url = f"/api/v1/cases/{case.reference}/evidence/{photo_id}"
    shown = api.get(url, headers=auth(rina, "identify_employer"))
    assert shown.status_code == 200
    assert shown.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(shown.content)) as image:
        assert dict(image.getexif()) == {}
    assert b"PlantedCam" not in shown.content
    [viewed] = events(engine, case, "evidence_viewed")
    assert viewed.data == {"reason": "identify_employer", "attachment_id": photo_id}
    elsewhere = f"/api/v1/cases/{other.reference}/evidence/{photo_id}"
    assert api.get(elsewhere, headers=auth(rina)).status_code == 404
    assert events(engine, other, "evidence_viewed") == []
