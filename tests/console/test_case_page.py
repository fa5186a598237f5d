"""The case page over HTTP: the reason asked, the office rule, the answers, every action."""

from __future__ import annotations

import re

from console_apps import account, csrf, make_case, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.settings import Settings
from storage import db
from storage.escalation_models import Escalation
from storage.models import Case, CaseEvent, OutboxMessage


def _engine(web: TestClient) -> Engine:
    engine: Engine = web.app.state.handoff.engine  # type: ignore[attr-defined]
    return engine


def _case(web: TestClient, reference: str) -> Case:
    with db.session(_engine(web)) as session:
        return session.exec(select(Case).where(col(Case.reference) == reference)).one()


def _events(web: TestClient, reference: str) -> list[CaseEvent]:
    case_id = _case(web, reference).id
    with db.session(_engine(web)) as session:
        query = select(CaseEvent).where(col(CaseEvent.case_id) == case_id)
        return list(session.exec(query.order_by(col(CaseEvent.id))))


def _status(web: TestClient, reference: str) -> str | None:
    case_id = _case(web, reference).id
    with db.session(_engine(web)) as session:
        found = session.exec(select(Escalation).where(col(Escalation.case_id) == case_id)).first()
        return found.status if found else None


def _post(web: TestClient, reference: str, verb: str, **form: str) -> tuple[int, str]:
    page = web.get(f"/console/cases/{reference}?reason=casework").text
    answer = web.post(
        f"/console/cases/{reference}/{verb}",
        data={"csrf": csrf(page), **form},
        follow_redirects=False,
    )
    return answer.status_code, answer.headers.get("location", answer.text)


def _signed_in(web: TestClient, config: Settings, office: str, role: str = "caseworker") -> None:
    email = account(config, f"{role}.{office}@example.org", office, role)
    assert sign_in(web, email) == 303


def test_a_bare_link_asks_why_and_the_reason_is_audited(web: TestClient, config: Settings) -> None:
    _signed_in(web, config, "jember")
    reference = make_case(_engine(web), "jember")
    asked = web.get(f"/console/cases/{reference}")
    assert asked.status_code == 200
    assert 'name="reason"' in asked.text
    assert not any(e.type == "case_viewed" for e in _events(web, reference))
    opened = web.get(f"/console/cases/{reference}?reason=supervision")
    assert opened.status_code == 200
    viewed = [e for e in _events(web, reference) if e.type == "case_viewed"]
    assert [e.data["reason"] for e in viewed] == ["supervision"]


def test_another_offices_case_is_not_there(web: TestClient, config: Settings) -> None:
    _signed_in(web, config, "jember")
    theirs = make_case(_engine(web), "kuala_lumpur")
    for path in (
        f"/console/cases/{theirs}?reason=casework",
        f"/console/cases/{theirs}",
        f"/console/cases/{theirs}/changes",
        f"/console/cases/{theirs}/evidence/1?reason=casework",
        "/console/cases/MC-2026-999999?reason=casework",
        "/console/cases/not-a-reference",
    ):
        answer = web.get(path)
        assert answer.status_code == 404, path
        assert theirs not in answer.text
    queue = web.get("/console").text
    assert theirs not in queue
    token = csrf(queue)
    refused = web.post(f"/console/cases/{theirs}/claim", data={"csrf": token})
    assert refused.status_code == 404
    assert _status(web, theirs) is None


def test_the_answers_read_as_words(web: TestClient, config: Settings) -> None:
    _signed_in(web, config, "jember")
    reference = make_case(_engine(web), "jember")
    with db.session(_engine(web)) as session:
        case = session.exec(select(Case).where(col(Case.reference) == reference)).one()
        case.answers = {"self_problem": "GAJI", "self_city": {"text": "Johor Bahru"}}
        session.add(case)
    page = web.get(f"/console/cases/{reference}?reason=casework").text
    assert "Gaji ditahan/dipotong" in page
    assert "Johor Bahru" in page


def test_a_case_is_worked_from_new_to_resolved(web: TestClient, config: Settings) -> None:
    _signed_in(web, config, "jember")
    reference = make_case(_engine(web), "jember")
    assert _post(web, reference, "acknowledge")[1].endswith("done=acknowledged")
    assert _status(web, reference) == "acknowledged"
    assert _post(web, reference, "claim")[1].endswith("done=claimed")
    assert _post(web, reference, "release")[1].endswith("done=released")
    assert _status(web, reference) == "acknowledged"
    assert _post(web, reference, "claim")[1].endswith("done=claimed")
    assert _post(web, reference, "reply", text="Kami sudah terima laporan Anda.")[0] == 303
    assert _post(web, reference, "note", text="Called the agency.")[0] == 303
    code, where = _post(web, reference, "resolve", outcome="wages_recovered", text="Paid.")
    assert (code, where.endswith("done=resolved")) == (303, True)
    assert _status(web, reference) == "resolved"
    page = web.get(where).text
    assert "Kasus selesai." in page
    assert "Kami sudah terima laporan Anda." in page
    assert "Called the agency." in page
    types = [e.type for e in _events(web, reference)]
    for kind in ("escalation_acknowledged", "escalation_claimed", "reply_sent", "case_resolved"):
        assert kind in types
    with db.session(_engine(web)) as session:
        sent = session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.conversation_id) == _case(web, reference).conversation_id
            )
        ).all()
    texts = " ".join(str(m.payload.get("text", "")) for m in sent)
    assert "Kami sudah terima laporan Anda." in texts


def test_a_refused_reply_keeps_what_was_typed(web: TestClient, config: Settings) -> None:
    _signed_in(web, config, "jember")
    reference = make_case(_engine(web), "jember")
    long_text = "x" * 4001
    code, page = _post(web, reference, "reply", text=long_text)
    assert code == 422
    assert long_text in page
    assert "1 sampai 4000" in page
    assert "reply_sent" not in [e.type for e in _events(web, reference)]


def test_a_form_without_its_token_is_refused(web: TestClient, config: Settings) -> None:
    _signed_in(web, config, "jember")
    reference = make_case(_engine(web), "jember")
    answer = web.post(f"/console/cases/{reference}/acknowledge", data={}, follow_redirects=False)
    assert answer.status_code == 403
    wrong = web.post(f"/console/cases/{reference}/claim", data={"csrf": "0" * 64})
    assert wrong.status_code == 403
    assert _status(web, reference) is None


def test_only_a_supervisor_sets_a_legal_hold(web: TestClient, config: Settings) -> None:
    _signed_in(web, config, "jember")
    reference = make_case(_engine(web), "jember")
    code, page = _post(web, reference, "legal-hold", held="true", why="court_case")
    assert code == 422
    assert "Hanya supervisor" in page
    assert not _case(web, reference).legal_hold
    web.cookies.clear()
    _signed_in(web, config, "jember", "supervisor")
    assert _post(web, reference, "legal-hold", held="true", why="court_case")[1].endswith("held")
    assert _case(web, reference).legal_hold
    assert "legal_hold_set" in [e.type for e in _events(web, reference)]


def test_someone_elses_case_is_taken_over_only_by_a_supervisor(
    web: TestClient, config: Settings
) -> None:
    _signed_in(web, config, "jember")
    reference = make_case(_engine(web), "jember")
    _post(web, reference, "claim")
    web.cookies.clear()
    email = account(config, "dewi@example.org", "jember")
    assert sign_in(web, email) == 303
    code, page = _post(web, reference, "claim")
    assert code == 422
    assert "sedang ditangani orang lain" in page
    assert 'id="take-over"' not in page
    web.cookies.clear()
    _signed_in(web, config, "jember", "supervisor")
    page = web.get(f"/console/cases/{reference}?reason=supervision").text
    assert 'id="take-over"' in page
    assert _post(web, reference, "claim", force="true")[1].endswith("done=claimed")


def test_the_page_polls_a_mark_that_moves_only_when_the_case_changes(
    web: TestClient, config: Settings
) -> None:
    _signed_in(web, config, "jember")
    reference = make_case(_engine(web), "jember")
    page = web.get(f"/console/cases/{reference}?reason=casework").text
    mark = re.search(r'data-mark="(\d+)"', page)
    assert mark
    assert web.get(f"/console/cases/{reference}/changes").json()["mark"] == mark.group(1)
    web.get(f"/console/cases/{reference}?reason=casework")
    assert web.get(f"/console/cases/{reference}/changes").json()["mark"] == mark.group(1)
    _post(web, reference, "note", text="seen")
    assert web.get(f"/console/cases/{reference}/changes").json()["mark"] != mark.group(1)
