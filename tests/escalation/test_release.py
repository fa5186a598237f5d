"""Release: the holder of a claimed case (or a supervisor) hands it back, acknowledged and held by
nobody; audited, told to the endpoints, and 409 when there is nothing to release."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from esc_apps import client, handoff, settings, token
from esc_helpers import desk_of, endpoint, escalate, make_case
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.casework import verbs as casework
from bot.casework.verbs import HeldByOther
from escalation.desk import Desk
from escalation.status import InvalidTransition
from storage import caseworkers, db
from storage.escalation_models import Caseworker, Delivery, Escalation
from storage.models import Case, CaseEvent

SECRET = "whsec_" + "B" * 44
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk() -> Desk:
    return desk_of(endpoint("jkt", "jakarta", "https://jkt.example.org/h", SECRET))


def _people(engine: Engine) -> dict[str, Caseworker]:
    with db.session(engine) as session:
        roles = {"rina": "caseworker", "dewi": "caseworker", "anis": "supervisor"}
        made = {
            name: caseworkers.create_caseworker(
                session=session, name=name, office="jakarta", role=role
            )
            for name, role in roles.items()
        }
        for person in made.values():
            session.expunge(person)
        return made


def _claimed(engine: Engine, desk: Desk, who: Caseworker) -> Case:
    case = make_case(engine)
    escalate(engine, desk, case, now=NOW)
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        casework.claim(session, desk, row, who, NOW)
    return case


def _release(engine: Engine, desk: Desk, case: Case, who: Caseworker) -> casework.Done:
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        return casework.release(session, desk, row, who, NOW)


def _state(engine: Engine, case: Case) -> tuple[str, int | None, dt.datetime | None, str]:
    with db.session(engine) as session:
        found = session.exec(select(Escalation).where(col(Escalation.case_id) == case.id)).one()
        row = session.get(Case, case.id)
        assert row is not None
        return found.status, found.claimed_by, found.claimed_at, row.status


def _events(engine: Engine, case: Case, kind: str) -> list[CaseEvent]:
    with db.session(engine) as session:
        query = select(CaseEvent).where(col(CaseEvent.case_id) == case.id, CaseEvent.type == kind)
        return list(session.exec(query))


def test_the_holder_releases_the_case_audited_and_told(engine: Engine, desk: Desk) -> None:
    people = _people(engine)
    case = _claimed(engine, desk, people["rina"])
    assert _state(engine, case)[:2] == ("claimed", people["rina"].id)

    done = _release(engine, desk, case, people["rina"])

    assert done.changed
    assert _state(engine, case) == ("acknowledged", None, None, "acknowledged")
    [event] = _events(engine, case, "escalation_released")
    assert event.actor == f"caseworker:{people['rina'].id}"
    assert event.data == {"status": "acknowledged"}
    with db.session(engine) as session:
        types = session.exec(select(Delivery.event_type).order_by(col(Delivery.id))).all()
    assert types[-1] == "escalation.released"


def test_another_caseworker_may_not_release(engine: Engine, desk: Desk) -> None:
    people = _people(engine)
    case = _claimed(engine, desk, people["rina"])
    with pytest.raises(HeldByOther) as refused:
        _release(engine, desk, case, people["dewi"])
    assert refused.value.holder == people["rina"].id
    assert _state(engine, case)[:2] == ("claimed", people["rina"].id)
    assert _events(engine, case, "escalation_released") == []


def test_a_supervisor_may_release_anyones_claim(engine: Engine, desk: Desk) -> None:
    people = _people(engine)
    case = _claimed(engine, desk, people["rina"])
    _release(engine, desk, case, people["anis"])
    assert _state(engine, case)[:2] == ("acknowledged", None)
    [event] = _events(engine, case, "escalation_released")
    assert event.data["previous"] == people["rina"].id


def test_releasing_an_unclaimed_case_is_an_invalid_transition(engine: Engine, desk: Desk) -> None:
    people = _people(engine)
    case = _claimed(engine, desk, people["rina"])
    _release(engine, desk, case, people["rina"])
    with pytest.raises(InvalidTransition):
        _release(engine, desk, case, people["rina"])
    fresh = make_case(engine)
    escalate(engine, desk, fresh, now=NOW)
    with pytest.raises(InvalidTransition):
        _release(engine, desk, fresh, people["anis"])
    assert _state(engine, fresh)[0] == "open"


def test_a_released_case_may_be_claimed_by_another(engine: Engine, desk: Desk) -> None:
    people = _people(engine)
    case = _claimed(engine, desk, people["rina"])
    _release(engine, desk, case, people["rina"])
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        assert casework.claim(session, desk, row, people["dewi"], NOW).changed
    assert _state(engine, case)[:2] == ("claimed", people["dewi"].id)


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    from storage.migrate import upgrade

    upgrade(database_url)
    with client(database_url, tmp_path) as test_client:
        yield test_client


def test_the_release_route_answers_200_then_409_and_404_for_another_office(
    api: TestClient, database_url: str, tmp_path: Path
) -> None:
    config = settings(database_url, tmp_path)
    rina = {"authorization": f"Bearer {token(config, 'jakarta', 'Rina')}"}
    hafiz = {"authorization": f"Bearer {token(config, 'kuala_lumpur', 'Hafiz')}"}
    found = handoff(api)
    case = make_case(found.engine)
    escalate(found.engine, found.desk, case)
    path = f"/api/v1/cases/{case.reference}"

    assert api.post(f"{path}/release", headers=rina).status_code == 409  # nobody holds it
    assert api.post(f"{path}/claim", headers=rina).status_code == 200
    assert api.post(f"{path}/release", headers=hafiz).status_code == 404
    released = api.post(f"{path}/release", headers=rina)
    assert released.status_code == 200
    body = released.json()
    assert body["changed"] is True
    assert body["case"]["escalation"]["status"] == "acknowledged"
    assert body["case"]["escalation"]["claimed_by"] is None
    again = api.post(f"{path}/release", headers=rina)
    assert again.status_code == 409
    assert again.json()["status"] == "acknowledged"
    assert "/api/v1/cases/{reference}/release" in api.get("/openapi.json").json()["paths"]
