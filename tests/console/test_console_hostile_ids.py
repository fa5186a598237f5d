"""Console paths with ids and references no row can have: 404 or 422, never a 5xx."""

from __future__ import annotations

import pytest
from console_apps import account, make_case, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.settings import Settings


@pytest.mark.parametrize("row_id", [2**31, 2**63, -1])
def test_evidence_ids_out_of_range_are_not_found(
    web: TestClient, config: Settings, row_id: int
) -> None:
    email = account(config, "caseworker.jember@example.org", "jember", "caseworker")
    assert sign_in(web, email) == 303
    engine: Engine = web.app.state.handoff.engine  # type: ignore[attr-defined]
    reference = make_case(engine, "jember")
    answer = web.get(f"/console/cases/{reference}/evidence/{row_id}?reason=casework")
    assert answer.status_code in (404, 422)
    huge = web.get(f"/console/cases/MC-2026-{2**63}?reason=casework")
    assert huge.status_code in (404, 422)
