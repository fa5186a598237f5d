"""Hostile but authenticated API requests: ids out of range and deep bodies get 4xx, never 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from esc_apps import client, handoff, settings, token
from esc_helpers import escalate, make_case
from fastapi.testclient import TestClient

from storage.migrate import upgrade

OUT_OF_RANGE = [2**31, 2**63, -1, 0]


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    upgrade(database_url)
    with client(database_url, tmp_path) as test_client:
        bearer = token(settings(database_url, tmp_path), "jakarta", "Rina", supervisor=True)
        yield test_client, {"authorization": f"Bearer {bearer}"}


@pytest.mark.parametrize("row_id", OUT_OF_RANGE)
def test_ids_out_of_range_get_422_or_404(
    api: tuple[TestClient, dict[str, str]], row_id: int
) -> None:
    test_client, headers = api
    found = handoff(test_client)
    case = make_case(found.engine, lead="jakarta")
    escalate(found.engine, found.desk, case)
    evidence = test_client.get(
        f"/api/v1/cases/{case.reference}/evidence/{row_id}?reason=casework", headers=headers
    )
    resolve = test_client.post(
        f"/api/v1/data-requests/{row_id}/resolve",
        headers=headers,
        json={"outcome": "done", "reason": "identity_verified"},
    )
    assert evidence.status_code in (404, 422)
    assert resolve.status_code in (404, 422)


def test_a_body_nested_1000_deep_gets_400(api: tuple[TestClient, dict[str, str]]) -> None:
    test_client, headers = api
    found = handoff(test_client)
    case = make_case(found.engine, lead="jakarta")
    escalate(found.engine, found.desk, case)
    deep = b'{"text": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    headers = headers | {"content-type": "application/json"}
    for path in (f"/api/v1/cases/{case.reference}/notes", "/api/v1/data-requests/1/resolve"):
        response = test_client.post(path, content=deep, headers=headers)
        assert response.status_code == 400
        assert response.json() == {"detail": "body nested too deep"}
    shallow = test_client.post(
        f"/api/v1/cases/{case.reference}/notes", json={"text": "ok"}, headers=headers
    )
    assert shallow.status_code == 201
