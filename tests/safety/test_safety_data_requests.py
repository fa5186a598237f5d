"""Data-rights requests for caseworkers (R-06): the office's list, resolving (an erasure erases,
a legal hold refuses, an access request records the export), the reporter told in their
language, and the 48-hour alert on a fixed clock."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from gate_helpers import (
    START,
    auth,
    client,
    data_request,
    events,
    handoff,
    make_case,
    outbox,
    token,
)
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.casework.desk import SWEEPS
from bot.casework.referrals import GATE
from bot.casework.rights import overdue as rights
from bot.casework.rights import texts as rights_notices
from bot.i18n import Catalogs
from escalation import service
from escalation.delivery.signing import decode_secret
from escalation.desk import Desk
from escalation.offices import Directory, Endpoint, Office
from escalation.sweeper import Sweeper
from flows.vocabulary import Locale
from storage import db
from storage.escalation_models import Delivery, WebhookEndpoint
from storage.migrate import upgrade
from storage.models import Case
from storage.safety_models import DataRequest


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    upgrade(database_url)
    with client(database_url, tmp_path) as test_client:
        yield test_client


def resolve(
    api: TestClient, who: str, request_id: int, outcome: str, reason: str
) -> httpx.Response:
    return api.post(
        f"/api/v1/data-requests/{request_id}/resolve",
        headers=auth(who),
        json={"outcome": outcome, "reason": reason},
    )


def request_row(engine: Engine, request_id: int) -> DataRequest:
    with db.session(engine) as session:
        found = session.get(DataRequest, request_id)
        assert found is not None
        return found


def test_each_office_sees_its_own_requests_open_ones_first(api: TestClient) -> None:
    engine = handoff(api).engine
    rina, hafiz = token(engine, "jakarta"), token(engine, "kuala_lumpur", "Hafiz")
    jakarta, kl = make_case(engine), make_case(engine, lead="kuala_lumpur")
    late = data_request(engine, jakarta, "access", at=START + dt.timedelta(hours=1))
    early = data_request(engine, jakarta, "correct", at=START)
    orphan = data_request(engine, None, "withdraw", reporter_id=jakarta.reporter_id)
    theirs = data_request(engine, kl, "delete")
    assert resolve(api, rina, early, "refused", "identity_not_confirmed").status_code == 200
    seen = api.get("/api/v1/data-requests", headers=auth(rina)).json()
    assert [r["id"] for r in seen["data"]] == [orphan, late, early]
    assert seen["data"][1]["case_ref"] == jakarta.reference
    assert seen["data"][0]["case_ref"] is None
    kl_seen = api.get("/api/v1/data-requests", headers=auth(hafiz)).json()
    assert [r["id"] for r in kl_seen["data"]] == [theirs]
    only = api.get("/api/v1/data-requests?status=open&kind=access", headers=auth(rina)).json()
    assert [r["id"] for r in only["data"]] == [late]
    assert resolve(api, hafiz, late, "done", "copy_sent").status_code == 404


def test_an_access_request_records_the_export_and_tells_the_reporter(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    request_id = data_request(engine, case, "access")
    answer = resolve(api, rina, request_id, "done", "copy_sent")
    assert answer.status_code == 200
    assert answer.json()["status"] == "done"
    assert answer.json()["case_ref"] == case.reference
    row = request_row(engine, request_id)
    assert (row.status, row.outcome, row.resolved_by) == ("done", "copy_sent", row.resolved_by)
    assert row.resolved_at is not None
    [exported] = events(engine, case, "case_exported")
    assert exported.data == {"reason": "access_request", "request_id": request_id}
    [resolved] = events(engine, case, "data_request_resolved")
    assert resolved.data["outcome"] == "done"
    [told] = outbox(engine, case)
    expected = Catalogs().gettext(Locale.ID, rights_notices.DATA_REQUEST_DONE)
    assert told["text"] == expected != rights_notices.DATA_REQUEST_DONE
    assert resolve(api, rina, request_id, "done", "copy_sent").status_code == 409


def test_a_refusal_is_told_in_english_to_an_english_reporter(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine, locale="en")
    request_id = data_request(engine, case, "correct", locale="en")
    assert resolve(api, rina, request_id, "refused", "not_our_data").status_code == 200
    [told] = outbox(engine, case)
    assert told["text"] == rights_notices.DATA_REQUEST_REFUSED


def test_an_erasure_request_erases_the_case(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    request_id = data_request(engine, case, "delete")
    assert resolve(api, rina, request_id, "done", "reporter_asked").status_code == 200
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        assert row.erased_at is not None
    assert events(engine, case, "case_erased")
    assert request_row(engine, request_id).status == "done"


def test_a_legal_hold_blocks_the_erasure_with_409(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        row.legal_hold = True
        session.add(row)
    request_id = data_request(engine, case, "delete")
    answer = resolve(api, rina, request_id, "done", "reporter_asked")
    assert answer.status_code == 409
    assert answer.json()["detail"]["code"] == "legal_hold"
    assert request_row(engine, request_id).status == "open"
    assert events(engine, case, "erasure_refused")
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        assert row.erased_at is None
    assert outbox(engine, case) == []


def desk() -> Desk:
    secret = decode_secret("whsec_" + "SmFrYXJ0YS1zZWNyZXQtMzItYnl0ZXMtbG9uZy0xMjM=")
    office = Endpoint("jkt", "jakarta", "office", "https://jakarta.example.org/h", (secret,))
    boss = Endpoint("jkt-boss", "jakarta", "supervisor", "https://jakarta.example.org/s", (secret,))
    ops = Endpoint("ops", "operator", "operator", "https://ops.example.org/h", (secret,))
    directory = Directory({"jakarta": Office("jakarta", "Jakarta", (office, boss))}, (ops,))
    return Desk(directory=directory, sharing=GATE, base_url="https://suara.example.org")


def overdue_deliveries(engine: Engine) -> list[tuple[str, Delivery]]:
    """Returns (endpoint name, delivery) of every overdue alert queued."""
    with db.session(engine) as session:
        query = select(WebhookEndpoint.name, Delivery).where(
            col(Delivery.event_type) == rights.OVERDUE_EVENT,
            col(Delivery.endpoint_id) == col(WebhookEndpoint.id),
        )
        return [(name, row) for name, row in session.exec(query.order_by(col(Delivery.id)))]


def test_an_unresolved_request_alerts_supervisors_and_operators_at_48_hours(
    engine: Engine,
) -> None:
    office_desk = desk()
    case = make_case(engine)
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        service.open_or_update(session, office_desk, row, "case_submitted", START)
    request_id = data_request(engine, case, "access", at=START)
    orphan = data_request(engine, None, "withdraw", reporter_id=case.reporter_id, at=START)
    for hours, expected in ((47.9, 0), (48, 2), (60, 0)):
        with db.session(engine) as session:
            now = START + dt.timedelta(hours=hours)
            assert rights.sweep(session, office_desk, now) == expected
    assert request_row(engine, request_id).escalated_at == START + dt.timedelta(hours=48)
    assert request_row(engine, orphan).escalated_at is not None
    [overdue] = events(engine, case, "data_request_overdue")
    assert overdue.data == {"request_id": request_id, "kind": "access"}
    sent = overdue_deliveries(engine)
    assert sorted(name for name, _ in sent) == ["jkt-boss", "ops"]
    assert all(json.loads(d.payload)["type"] == rights.OVERDUE_EVENT for _, d in sent)


def test_a_resolved_request_never_alerts(engine: Engine) -> None:
    case = make_case(engine)
    request_id = data_request(engine, case, "access", at=START)
    with db.session(engine) as session:
        row = session.get(DataRequest, request_id)
        assert row is not None
        row.status, row.resolved_at = "done", START + dt.timedelta(hours=1)
        session.add(row)
    with db.session(engine) as session:
        assert rights.sweep(session, desk(), START + dt.timedelta(hours=49)) == 0
    assert events(engine, case, "data_request_overdue") == []


def test_the_escalation_sweep_runs_the_data_request_alert(engine: Engine) -> None:
    case = make_case(engine)
    request_id = data_request(engine, case, "restrict", at=START)
    later = START + dt.timedelta(hours=48, minutes=1)
    Sweeper(engine, desk(), clock=lambda: later, sweeps=SWEEPS).tick()
    assert request_row(engine, request_id).escalated_at == later


def test_a_supervisor_sets_and_releases_a_legal_hold_and_both_are_audited(
    api: TestClient,
) -> None:
    engine = handoff(api).engine
    rina, boss = token(engine, "jakarta"), token(engine, "jakarta", "Dewi", supervisor=True)
    case = make_case(engine)
    url = f"/api/v1/cases/{case.reference}/legal-hold"
    refused = api.put(url, headers=auth(rina), json={"held": True, "reason": "court_case"})
    assert refused.status_code == 403
    held = api.put(url, headers=auth(boss), json={"held": True, "reason": "court_case"})
    assert held.json() == {"reference": case.reference, "held": True, "changed": True}
    [hold] = events(engine, case, "legal_hold_set")
    assert hold.actor.startswith("caseworker:")
    assert hold.data == {"reason": "court_case"}
    request_id = data_request(engine, case, "delete")
    assert resolve(api, rina, request_id, "done", "reporter_asked").status_code == 409
    released = api.put(url, headers=auth(boss), json={"held": False, "reason": "case_closed"})
    assert released.json()["changed"] is True
    assert events(engine, case, "legal_hold_released")
    assert resolve(api, rina, request_id, "done", "reporter_asked").status_code == 200
    free_text = api.put(url, headers=auth(boss), json={"held": True, "reason": "Siti's trial"})
    assert free_text.status_code == 422
