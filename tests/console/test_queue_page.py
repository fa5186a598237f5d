"""The queue over HTTP: order, filters (and what a bad one does), refresh and its mark."""

from __future__ import annotations

from console_apps import account, sign_in
from fastapi.testclient import TestClient
from safety.gate_helpers import make_case
from sqlalchemy import Engine

from bot.settings import Settings
from handlers.console.filters import read_filters


def _engine(web: TestClient) -> Engine:
    engine: Engine = web.app.state.handoff.engine  # type: ignore[attr-defined]
    return engine


def _signed_in(web: TestClient, config: Settings) -> None:
    assert sign_in(web, account(config, "sri@example.org", "jember")) == 303


def test_the_most_urgent_case_comes_first(web: TestClient, config: Settings) -> None:
    _signed_in(web, config)
    routine = make_case(_engine(web), lead="jember", urgency="P3").reference
    urgent = make_case(_engine(web), lead="jember", urgency="P0").reference
    page = web.get("/console").text
    assert page.index(urgent) < page.index(routine)
    assert "P0 · darurat" in page


def test_a_filter_narrows_the_queue_and_a_bad_one_is_named(
    web: TestClient, config: Settings
) -> None:
    _signed_in(web, config)
    routine = make_case(_engine(web), lead="jember", urgency="P3").reference
    urgent = make_case(_engine(web), lead="jember", urgency="P0").reference
    page = web.get("/console?urgency=P0").text
    assert urgent in page
    assert routine not in page
    odd = web.get("/console?urgency=P9&office=kuala_lumpur&page=-1")
    assert odd.status_code == 200
    assert urgent in odd.text
    assert routine in odd.text
    assert "Kantor, Tingkat urgensi, Halaman" in odd.text


def test_the_rows_refresh_alone_and_the_mark_moves_with_a_new_case(
    web: TestClient, config: Settings
) -> None:
    _signed_in(web, config)
    make_case(_engine(web), lead="jember")
    before = web.get("/console/changes").json()["mark"]
    make_case(_engine(web), lead="kuala_lumpur")
    assert web.get("/console/changes").json()["mark"] == before
    newer = make_case(_engine(web), lead="jember").reference
    assert web.get("/console/changes").json()["mark"] != before
    rows = web.get("/console?partial=1").text
    assert newer in rows
    assert "<html" not in rows


def test_read_filters_keeps_only_the_choices() -> None:
    found = read_filters(
        {"office": "jember", "owner": "7", "regency": "jember ", "age": "week", "status": "x"},
        offices={"jember"},
        me=3,
        owners={7},
    )
    assert found.dropped == ["status"]
    assert found.query.office == "jember"
    assert found.query.owner == 7
    assert found.query.home_regency == "Jember"
    assert found.query.newer_than_days == 7
    mine = read_filters({"owner": "me", "waiting": "me", "owner_x": "1"}, {"jember"}, 3, set())
    assert (mine.query.owner, mine.query.waiting_for, mine.dropped) == (3, 3, [])
    assert read_filters({"owner": "8"}, {"jember"}, 3, {7}).dropped == ["owner"]
