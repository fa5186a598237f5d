"""Signed callbacks: valid ones act once per webhook-id; bad, expired, malformed ones get 401."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from esc_apps import SECRETS, client, handoff
from esc_helpers import escalate, make_case
from fastapi.testclient import TestClient
from sqlmodel import col, func, select
from standardwebhooks import Webhook

from escalation.delivery import signing
from storage import db
from storage.escalation_models import Delivery, Escalation
from storage.migrate import upgrade
from storage.models import Case, CaseEvent, OutboxMessage

PATH = "/api/v1/callbacks/jkt"


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    upgrade(database_url)
    with client(database_url, tmp_path) as test_client:
        yield test_client


@pytest.fixture
def case(api: TestClient) -> Case:
    found = handoff(api)
    row = make_case(found.engine)
    escalate(found.engine, found.desk, row)
    return row


def signed(
    body: dict[str, Any],
    *,
    secret: str = SECRETS["jkt"],
    msg_id: str | None = None,
    at: dt.datetime | None = None,
) -> tuple[bytes, dict[str, str]]:
    data = json.dumps(body).encode()
    msg_id = msg_id or f"cb_{uuid.uuid4().hex}"
    moment = at or dt.datetime.now(dt.UTC)
    header = Webhook(secret).sign(msg_id, moment, data.decode())
    return data, {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": header,
        "content-type": "application/json",
    }


def send(api: TestClient, data: bytes, headers: dict[str, str], path: str = PATH) -> Any:
    return api.post(path, content=data, headers=headers)


def count(api: TestClient, model: Any, *where: Any) -> int:
    with db.session(handoff(api).engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def status(api: TestClient) -> str:
    with db.session(handoff(api).engine) as session:
        return session.exec(select(Escalation.status)).one()


def test_a_signed_acknowledgement_acts_and_tells_the_other_endpoints(
    api: TestClient, case: Case
) -> None:
    response = send(api, *signed({"action": "acknowledge", "case_ref": case.reference}))
    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"
    assert status(api) == "acknowledged"
    assert count(api, CaseEvent, col(CaseEvent.type) == "escalation_acknowledged") == 1
    assert count(api, Delivery, col(Delivery.event_type) == "escalation.acknowledged") == 1


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda d, h: (d, {**h, "webhook-signature": "v1,AAAA"}), id="bad"),
        pytest.param(lambda d, h: (d, {**h, "webhook-signature": "v1AAAA"}), id="no-comma"),
        pytest.param(lambda d, h: (d, {**h, "webhook-signature": "v1,***"}), id="bad-base64"),
        pytest.param(lambda d, h: (d, {**h, "webhook-timestamp": "soon"}), id="bad-timestamp"),
        pytest.param(lambda d, h: (d, {"content-type": "application/json"}), id="no-headers"),
        pytest.param(lambda d, h: (d.replace(b"ack", b"Ack"), h), id="tampered"),
        pytest.param(lambda d, h: (d, {**h, "webhook-id": "a.b"}), id="dotted-id"),
    ],
)
def test_bad_or_malformed_signatures_are_401_and_change_nothing(
    api: TestClient, case: Case, spoil: Any
) -> None:
    data, headers = spoil(*signed({"action": "acknowledge", "case_ref": case.reference}))
    assert send(api, data, headers).status_code == 401
    assert status(api) == "open"


def test_another_secret_is_401(api: TestClient, case: Case) -> None:
    body = {"action": "acknowledge", "case_ref": case.reference}
    assert send(api, *signed(body, secret=SECRETS["kl"])).status_code == 401
    assert send(api, *signed(body), path="/api/v1/callbacks/nobody").status_code == 401


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_timestamp_six_minutes_off_is_401(api: TestClient, case: Case, minutes: int) -> None:
    at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    body = {"action": "acknowledge", "case_ref": case.reference}
    assert send(api, *signed(body, at=at)).status_code == 401
    assert status(api) == "open"


def test_a_replayed_webhook_id_gets_the_stored_answer_and_acts_once(
    api: TestClient, case: Case
) -> None:
    body = {"action": "reply", "case_ref": case.reference, "text": "Kami sudah terima."}
    data, headers = signed(body, msg_id="cb_replayed_1")
    first = send(api, data, headers)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)
    again = send(api, *signed(body, msg_id="cb_replayed_1", at=later))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert count(api, CaseEvent, col(CaseEvent.type) == "reply_sent") == 1
    frames = count(api, OutboxMessage, col(OutboxMessage.conversation_id) == case.conversation_id)
    assert frames == 2  # the reply and the acknowledgement notice, once each


def test_a_conflict_is_stored_and_replayed_as_409(api: TestClient, case: Case) -> None:
    body = {"action": "resolve", "case_ref": case.reference}
    data, headers = signed(body, msg_id="cb_conflict_1")
    assert send(api, data, headers).status_code == 409
    assert send(api, data, headers).status_code == 409
    assert status(api) == "open"


def test_unknown_case_is_404_and_malformed_json_is_400(api: TestClient, case: Case) -> None:
    missing = {"action": "acknowledge", "case_ref": "MC-2099-000001"}
    assert send(api, *signed(missing)).status_code == 404
    data = b"{not json"
    msg_id, now = "cb_bad_json", dt.datetime.now(dt.UTC)
    keys = [signing.decode_secret(SECRETS["jkt"])]
    headers = signing.headers(keys, msg_id, data, now)
    assert send(api, data, headers).status_code == 400


def test_a_signed_release_hands_the_systems_claim_back(api: TestClient, case: Case) -> None:
    ref = case.reference
    assert send(api, *signed({"action": "release", "case_ref": ref})).status_code == 409
    assert send(api, *signed({"action": "claim", "case_ref": ref})).status_code == 200
    released = send(api, *signed({"action": "release", "case_ref": ref}))
    assert released.status_code == 200
    assert (released.json()["status"], released.json()["changed"]) == ("acknowledged", True)
    assert count(api, CaseEvent, col(CaseEvent.type) == "escalation_released") == 1
