"""Caseworker API: tokens, office scope, claims, replies in the reporter's language, timeline."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from esc_apps import client, handoff, settings, token
from esc_helpers import escalate, make_case
from fastapi.testclient import TestClient
from sqlmodel import col, select
from test_escalation_intake import Reporter, file_report

from bot.casework.actions import CASEWORKER_REPLY
from bot.i18n import Catalogs
from flows.vocabulary import Locale
from storage import db
from storage.escalation_models import ApiToken, Delivery
from storage.migrate import upgrade
from storage.models import Attachment, Case, CaseEvent, OutboxMessage


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    upgrade(database_url)
    with client(database_url, tmp_path) as test_client:
        yield test_client


@pytest.fixture
def tokens(database_url: str, tmp_path: Path, api: TestClient) -> dict[str, str]:
    config = settings(database_url, tmp_path)
    return {
        "jakarta": token(config, "jakarta", "Rina"),
        "jakarta2": token(config, "jakarta", "Dewi"),
        "boss": token(config, "jakarta", "Anis", supervisor=True),
        "kl": token(config, "kuala_lumpur", "Hafiz"),
    }


def auth(value: str) -> dict[str, str]:
    return {"authorization": f"Bearer {value}"}


def submitted(api: TestClient, lead: str = "jakarta", locale: str = "id") -> Case:
    found = handoff(api)
    case = make_case(found.engine, lead=lead, locale=locale)
    escalate(found.engine, found.desk, case)
    return case


def post(api: TestClient, who: str, case: Case, verb: str, **body: Any) -> Any:
    return api.post(f"/api/v1/cases/{case.reference}/{verb}", headers=auth(who), json=body)


def outbox_texts(api: TestClient, case: Case) -> list[dict[str, Any]]:
    with db.session(handoff(api).engine) as session:
        query = select(OutboxMessage).where(
            col(OutboxMessage.conversation_id) == case.conversation_id
        )
        return [dict(row.payload) for row in session.exec(query.order_by(col(OutboxMessage.id)))]


def timeline(api: TestClient, case: Case) -> list[tuple[str, str]]:
    with db.session(handoff(api).engine) as session:
        query = select(CaseEvent).where(col(CaseEvent.case_id) == case.id)
        return [(e.type, e.actor) for e in session.exec(query.order_by(col(CaseEvent.id)))]


def test_no_or_a_wrong_token_is_401(api: TestClient) -> None:
    assert api.get("/api/v1/cases").status_code == 401
    assert api.get("/api/v1/cases", headers=auth("suara_nope")).status_code == 401


def test_tokens_are_stored_only_as_hashes(api: TestClient, tokens: dict[str, str]) -> None:
    with db.session(handoff(api).engine) as session:
        rows = session.exec(select(ApiToken)).all()
    stored = {r.token_hash for r in rows}
    assert hashlib.sha256(tokens["jakarta"].encode()).hexdigest() in stored
    assert all(tokens["jakarta"] not in (r.token_hash, r.prefix) for r in rows)
    me = api.get("/api/v1/me", headers=auth(tokens["kl"])).json()
    assert (me["office"], me["name"], me["supervisor"]) == ("kuala_lumpur", "Hafiz", False)


def test_an_office_sees_its_cases_and_another_office_gets_404(
    api: TestClient, tokens: dict[str, str]
) -> None:
    mine, theirs = submitted(api), submitted(api, lead="kuala_lumpur")
    listed = api.get("/api/v1/cases", headers=auth(tokens["jakarta"])).json()
    assert [c["reference"] for c in listed["data"]] == [mine.reference]
    assert listed["data"][0]["escalation"]["status"] == "open"
    for since in ("2000-01-01T00:00:00", "2000-01-01T00:00:00Z"):
        query = api.get("/api/v1/cases", params={"since": since}, headers=auth(tokens["jakarta"]))
        assert query.json()["count"] == 1
    path = f"/api/v1/cases/{theirs.reference}"
    assert api.get(path, headers=auth(tokens["jakarta"])).status_code == 404
    assert post(api, tokens["jakarta"], theirs, "acknowledge").status_code == 404
    assert api.get(path, headers=auth(tokens["kl"])).status_code == 200


def test_acknowledge_tells_the_reporter_and_is_idempotent(
    api: TestClient, tokens: dict[str, str]
) -> None:
    case = submitted(api, locale="en")
    first = post(api, tokens["jakarta"], case, "acknowledge")
    again = post(api, tokens["jakarta"], case, "acknowledge")
    assert first.status_code == again.status_code == 200
    assert (first.json()["changed"], again.json()["changed"]) == (True, False)
    assert first.json()["case"]["status"] == "acknowledged"
    [notice] = outbox_texts(api, case)
    assert notice["locale"] == "en"
    assert case.reference in notice["text"]
    assert notice["text"].startswith("A Migrant CARE caseworker has seen your case")


def test_a_second_claim_is_409_and_a_supervisor_may_take_over(
    api: TestClient, tokens: dict[str, str]
) -> None:
    case = submitted(api)
    assert post(api, tokens["jakarta"], case, "claim").status_code == 200
    assert post(api, tokens["jakarta"], case, "claim").status_code == 200
    conflict = post(api, tokens["jakarta2"], case, "claim")
    assert conflict.status_code == 409
    assert post(api, tokens["jakarta2"], case, "claim", force=True).status_code == 409
    assert post(api, tokens["boss"], case, "claim", force=True).status_code == 200
    assert post(api, tokens["jakarta"], case, "resolve").status_code == 409


def test_invalid_transitions_are_409(api: TestClient, tokens: dict[str, str]) -> None:
    case = submitted(api)
    assert post(api, tokens["jakarta"], case, "resolve").status_code == 409
    assert post(api, tokens["jakarta"], case, "claim").status_code == 200
    assert post(api, tokens["jakarta"], case, "resolve", resolution="referred").status_code == 200
    late = post(api, tokens["jakarta"], case, "acknowledge")
    assert late.status_code == 409
    assert late.json()["status"] == "resolved"
    assert post(api, tokens["jakarta"], case, "status", status="delivered").status_code == 422
    assert post(api, tokens["jakarta"], case, "status", status="open").status_code == 200


@pytest.mark.parametrize("locale", ["id", "en"])
def test_a_reply_reaches_the_reporter_outbox_in_their_language(
    api: TestClient, tokens: dict[str, str], locale: str
) -> None:
    case = submitted(api, locale=locale)
    reply = post(api, tokens["jakarta"], case, "replies", text="Kami akan menelepon besok.")
    assert reply.status_code == 201
    notices = outbox_texts(api, case)
    frame = Catalogs().gettext(Locale(locale), CASEWORKER_REPLY)
    expected = frame.format(reference=case.reference, text="Kami akan menelepon besok.")
    assert expected in [n["text"] for n in notices]
    assert {n["locale"] for n in notices} == {locale}
    assert reply.json()["case"]["escalation"]["status"] == "acknowledged"


def test_every_action_is_on_the_timeline_with_its_caseworker(
    api: TestClient, tokens: dict[str, str]
) -> None:
    case = submitted(api)
    who = api.get("/api/v1/me", headers=auth(tokens["jakarta"])).json()["id"]
    actor = f"caseworker:{who}"
    for verb, body in (
        ("acknowledge", {}),
        ("claim", {}),
        ("notes", {"text": "called the agency"}),
        ("replies", {"text": "hello"}),
        ("resolve", {"resolution": "repatriated", "note": "flew home"}),
    ):
        assert post(api, tokens["jakarta"], case, verb, **body).status_code in (200, 201), verb
    detail = api.get(f"/api/v1/cases/{case.reference}", headers=auth(tokens["jakarta"])).json()
    mine = [(e["type"]) for e in detail["timeline"] if e["actor"] == actor]
    assert mine == [
        "escalation_acknowledged",
        "escalation_claimed",
        "note_added",
        "reply_sent",
        "note_added",
        "case_resolved",
        "case_viewed",
    ]
    assert [n["text"] for n in detail["notes"]] == ["called the agency", "hello", "flew home"]
    assert detail["escalation"]["resolution"] == "repatriated"


def test_a_held_case_takes_the_reporters_messages_and_alerts_the_caseworker(
    api: TestClient, tokens: dict[str, str]
) -> None:
    core = api.app.state.core  # type: ignore[attr-defined]
    say = Reporter(core.runner)
    file_report(say)
    with db.session(core.engine) as session:
        case = session.exec(select(Case)).one()
    assert post(api, tokens["jakarta"], case, "claim").status_code == 200
    before = len(outbox_texts(api, case))
    say("Please help, ZZSTORY they moved me")
    after = outbox_texts(api, case)[before:]
    assert len(after) == 1
    assert "is handling your case" in after[0]["text"]
    with db.session(core.engine) as session:
        types = session.exec(select(Delivery.event_type).order_by(col(Delivery.id))).all()
        status = session.exec(select(Case.status)).one()
    assert types[-1] == "report.updated"
    assert status == "claimed"


def test_openapi_documents_the_caseworker_routes(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{reference}/claim",
        "/api/v1/callbacks/{endpoint}",
    ):
        assert path in paths
    assert api.get("/docs").status_code == 200


def test_a_revoked_token_is_401(
    api: TestClient, tokens: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    import io
    from types import SimpleNamespace

    from bot.cli.handoff import run

    config = settings(database_url, tmp_path)
    assert api.get("/api/v1/me", headers=auth(tokens["kl"])).status_code == 200
    out = io.StringIO()
    args = SimpleNamespace(command="token", action="revoke", prefix=tokens["kl"])
    assert run(args, config, out) == 0  # type: ignore[arg-type]
    assert api.get("/api/v1/me", headers=auth(tokens["kl"])).status_code == 401
    args = SimpleNamespace(command="token", action="revoke", prefix=tokens["jakarta"][:12])
    assert run(args, config, out) == 0  # type: ignore[arg-type]
    assert api.get("/api/v1/me", headers=auth(tokens["jakarta"])).status_code == 401
    assert api.get("/api/v1/me", headers=auth(tokens["boss"])).status_code == 200


def test_cli_lists_endpoints_and_replays_dead_deliveries(
    api: TestClient, database_url: str, tmp_path: Path
) -> None:
    import io
    from types import SimpleNamespace

    from sqlalchemy import update

    from bot.cli.handoff import run

    config = settings(database_url, tmp_path)
    submitted(api)
    with db.session(handoff(api).engine) as session:
        session.exec(update(Delivery).values(state="dead"))  # type: ignore[call-overload]
    out = io.StringIO()
    assert run(SimpleNamespace(command="endpoints", action="list"), config, out) == 0  # type: ignore[arg-type]
    assert "jkt\tjakarta\toffice\thttps://jakarta.example.org/hooks\tenabled" in out.getvalue()
    listing = SimpleNamespace(command="deliveries", action="list")
    assert run(listing, config, out) == 0  # type: ignore[arg-type]
    assert "dead\t1" in out.getvalue()
    replay = SimpleNamespace(command="deliveries", action="replay", dead=True, id=[], since=None)
    assert run(replay, config, out) == 0  # type: ignore[arg-type]
    assert "queued 1 delivery(ies) again" in out.getvalue()
    with db.session(handoff(api).engine) as session:
        assert session.exec(select(Delivery.state)).all() == ["pending"]


def test_the_case_view_holds_captions_contacts_places_and_files_offered(
    api: TestClient, tokens: dict[str, str]
) -> None:
    case = submitted(api)
    common = {"case_id": case.id, "conversation_id": case.conversation_id}
    with db.session(handoff(api).engine) as session:
        session.add_all(
            [
                Attachment(**common, kind="video", mime_type="video/mp4", size_bytes=62914560,
                           status="too_large"),
                Attachment(**common, kind="photo", mime_type="image/jpeg", caption="slip gaji"),
                Attachment(**common, kind="contact", shared={"phone": "+6281299", "is_own": False}),
                Attachment(**common, kind="location", shared={"latitude": 3.1, "longitude": 101.7}),
            ]
        )  # fmt: skip
    detail = api.get(f"/api/v1/cases/{case.reference}", headers=auth(tokens["jakarta"])).json()
    found = [
        (e["kind"], e["status"], e["size_bytes"], e["caption"], e["shared"])
        for e in detail["evidence"]
    ]
    assert found == [
        ("video", "too_large", 62914560, None, None),
        ("photo", "stored", 0, "slip gaji", None),
        ("contact", "stored", 0, None, {"phone": "+6281299", "is_own": False}),
        ("location", "stored", 0, None, {"latitude": 3.1, "longitude": 101.7}),
    ]
