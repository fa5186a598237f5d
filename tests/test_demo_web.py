"""The demo's browser chat over HTTP: a whole report, uploads, escaping, duplicates, bad input."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from settings_helpers import make_settings

from handlers.app import create_app
from storage.migrate import upgrade


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    settings = make_settings(database_url=url, demo=True, file_store=tmp_path / "files")
    with TestClient(create_app(settings, background=False)) as test_client:
        yield test_client


class Chat:
    """A browser tab: sends like the page does and reads the replies."""

    def __init__(self, client: TestClient) -> None:
        self.client, self.chat_id, self.cursor = client, uuid.uuid4().hex, 0

    def send(self, text: str = "", choice_id: str | None = None) -> list[dict[str, Any]]:
        body = {
            "chat_id": self.chat_id,
            "message_id": uuid.uuid4().hex,
            "text": text,
            "choice_id": choice_id,
            "locale_hint": "en-GB",
        }
        assert self.client.post("/demo/api/messages", json=body).status_code == 202
        return self.read()

    def upload(self, name: str, data: bytes, mime: str) -> list[dict[str, Any]]:
        form = {"chat_id": self.chat_id, "message_id": uuid.uuid4().hex}
        response = self.client.post(
            "/demo/api/files", data=form, files={"file": (name, data, mime)}
        )
        assert response.status_code == 202
        return self.read()

    def read(self) -> list[dict[str, Any]]:
        params: dict[str, str | int] = {"chat_id": self.chat_id, "after": self.cursor}
        messages: list[dict[str, Any]] = self.client.get(
            "/demo/api/messages", params=params
        ).json()["messages"]
        if messages:
            self.cursor = messages[-1]["id"]
        return messages


def test_demo_files_a_whole_report_with_a_photo(client: TestClient) -> None:
    chat = Chat(client)
    first = chat.send("Hello")
    assert "in danger right now" in first[-1]["text"]
    assert [b["id"] for b in first[-1]["buttons"]][:3] == [
        "danger.yes",
        "danger.no",
        "danger.unsure",
    ]
    for choice in ("danger.no", "safe_now.safe", "role.worker", "consent.agree", "self_country.HK"):
        chat.send(choice_id=choice)
    chat.send("Mong Kok")
    chat.send("4")
    chat.send("done")  # a typed pick ticks the checklist; done ends it
    chat.send("1")
    chat.send("done")
    chat.send("3")
    chat.send("HK$ 9,000")
    chat.send("<b>bold</b> & 'quotes'")
    chat.send(choice_id="cmd:skip")
    for choice in ("self_contact.this_chat", "self_times.any", "self_regency.Jember"):
        chat.send(choice_id=choice)
    for _ in range(4):
        chat.send(choice_id="cmd:skip")
    received = chat.upload("payslip.jpg", b"\xff\xd8\xff fake jpeg", "image/jpeg")
    assert received[-1]["buttons"][0]["id"] == "cmd:done"
    review = chat.send(choice_id="cmd:done")[-1]
    assert "HK$ 9,000 — you wrote “HK$ 9,000”" in review["text"]
    assert "<b>bold</b> & 'quotes'" in review["text"]
    done = chat.send(choice_id="review.confirm")[-1]["text"]
    assert "MC-20" in done
    page = client.get("/demo/cases").text
    assert "MC-20" in page
    assert "jakarta" in page
    assert "jember" in page
    reference = page.split("/demo/cases/")[1].split("'")[0]
    detail = client.get(f"/demo/cases/{reference}").text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#x27;quotes&#x27;" in detail
    assert "<b>bold</b>" not in detail
    assert "image/jpeg" in detail
    assert "case_submitted" in detail


def test_duplicate_message_id_changes_nothing(client: TestClient) -> None:
    chat = Chat(client)
    chat.send("Hello")
    body = {
        "chat_id": chat.chat_id,
        "message_id": "dup-message-0001",
        "text": "",
        "choice_id": "danger.no",
    }
    assert client.post("/demo/api/messages", json=body).json() == {"recorded": True}
    first = chat.read()
    assert client.post("/demo/api/messages", json=body).json() == {"recorded": False}
    assert chat.read() == []
    assert len(first) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"chat_id": "short", "message_id": "x" * 10},
        {"chat_id": "a" * 10, "message_id": "b" * 10, "text": "x" * 100_001},
        {"chat_id": "../../etc", "message_id": "b" * 10},
    ],
)
def test_malformed_demo_messages_get_422_not_500(client: TestClient, body: dict[str, Any]) -> None:
    assert client.post("/demo/api/messages", json=body).status_code == 422


def test_unknown_case_is_404(client: TestClient) -> None:
    assert client.get("/demo/cases/MC-1999-000001").status_code == 404


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
