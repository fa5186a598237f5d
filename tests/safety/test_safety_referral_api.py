"""The referral routes: a caseworker's share passes the consent gate; refusals are 409 with a
code and audited; no consent yet asks the reporter (202); emergency exceptions for P0 only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from gate_helpers import START, auth, client, consent, events, handoff, make_case, outbox, token

from storage.migrate import upgrade
from storage.models import Case


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    upgrade(database_url)
    with client(database_url, tmp_path) as test_client:
        yield test_client


def refer(
    api: TestClient, who: str, case: Case, recipient: str = "kbri_kuala_lumpur"
) -> httpx.Response:
    return api.post(
        f"/api/v1/cases/{case.reference}/referrals",
        headers=auth(who),
        json={"recipient": recipient, "reason": "legal_aid"},
    )


def test_a_refused_consent_is_409_and_nothing_is_shared(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    consent(engine, case, "refused", recipient="kbri_kuala_lumpur")
    answer = refer(api, rina, case)
    assert answer.status_code == 409
    assert answer.json()["detail"]["code"] == "consent_refused"
    assert events(engine, case, "case_shared") == []
    [refused] = events(engine, case, "share_refused")
    assert refused.actor.startswith("caseworker:")
    assert refused.data == {"recipient": "kbri_kuala_lumpur", "code": "consent_refused"}


def test_no_answer_yet_asks_the_reporter_and_shares_nothing(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    answer = refer(api, rina, case)
    assert answer.status_code == 202
    assert answer.json()["status"] == "consent_requested"
    assert answer.json()["shared"] == {}
    assert events(engine, case, "case_shared") == []
    assert len(outbox(engine, case)) == 1  # the question, in the reporter's chat


def test_a_given_consent_shares_the_thin_case_and_audits_it(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    consent(engine, case, "given", recipient="kbri_kuala_lumpur")
    answer = refer(api, rina, case)
    assert answer.status_code == 201
    body = answer.json()
    assert (body["status"], body["basis"]) == ("shared", "consent")
    assert body["shared"]["case_ref"] == case.reference
    assert "answers" not in body["shared"]
    [shared] = events(engine, case, "case_shared")
    assert shared.data == {
        "recipient": "kbri_kuala_lumpur",
        "reason": "legal_aid",
        "basis": "consent",
    }
    assert shared.actor.startswith("caseworker:")


def test_a_withdrawn_consent_blocks_again(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    case = make_case(engine)
    consent(engine, case, "given", recipient="kbri_kuala_lumpur")
    assert refer(api, rina, case).status_code == 201
    later = START + dt.timedelta(hours=2)
    consent(engine, case, "withdrawn", recipient="kbri_kuala_lumpur", at=later)
    answer = refer(api, rina, case)
    assert answer.status_code == 409
    assert answer.json()["detail"]["code"] == "consent_withdrawn"
    assert len(events(engine, case, "case_shared")) == 1


def test_the_emergency_exception_is_for_p0_only_and_opens_the_gate(api: TestClient) -> None:
    engine = handoff(api).engine
    rina = token(engine, "jakarta")
    calm, urgent = make_case(engine, urgency="P2"), make_case(engine, urgency="P0")
    body = {"justification": "life_at_risk"}
    path = "/api/v1/cases/{}/emergency-exception"
    answer = api.post(path.format(calm.reference), headers=auth(rina), json=body)
    assert answer.status_code == 409
    assert answer.json()["detail"]["code"] == "not_p0"
    bad = {"justification": "Siti is locked in"}
    assert api.post(path.format(urgent.reference), headers=auth(rina), json=bad).status_code == 422
    assert api.post(path.format(urgent.reference), headers=auth(rina), json=body).status_code == 201
    [logged] = events(engine, urgent, "emergency_exception_logged")
    assert logged.data == {"justification": "life_at_risk"}
    answer = refer(api, rina, urgent, recipient="kp2mi")
    assert answer.status_code == 201
    assert answer.json()["basis"] == "emergency_exception"


def test_another_office_cannot_refer_and_codes_are_enforced(api: TestClient) -> None:
    engine = handoff(api).engine
    hafiz, rina = token(engine, "kuala_lumpur", "Hafiz"), token(engine, "jakarta")
    case = make_case(engine)
    consent(engine, case, "given", recipient="kbri_kuala_lumpur")
    assert refer(api, hafiz, case).status_code == 404
    assert refer(api, rina, case, recipient="Bu Siti, 0812").status_code == 422
    assert events(engine, case, "case_shared") == []
