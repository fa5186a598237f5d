"""`suara demo`: the local caseworker inbox receives the real signed webhooks of a filed report."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from esc_receiver import closed_port
from settings_helpers import make_settings

from handlers.app import create_app
from storage.migrate import upgrade


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[str]:
    """Runs the demo app (background tasks on) on a loopback port; yields its base URL."""
    port = closed_port()
    base = f"http://127.0.0.1:{port}"
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    settings = make_settings(
        database_url=url,
        demo=True,
        file_store=tmp_path / "files",
        public_base_url=base,
        escalation_offices_file=tmp_path / "none.toml",
        escalation_poll_seconds=0.2,
    )
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    yield base
    server.should_exit = True
    thread.join(timeout=15)


def chat(base: str, chat_id: str, **body: Any) -> None:
    message = {"chat_id": chat_id, "message_id": uuid.uuid4().hex, "locale_hint": "en"} | body
    assert httpx.post(f"{base}/demo/api/messages", json=message).status_code == 202


def test_the_demo_inbox_receives_verified_webhooks_and_its_buttons_act(demo: str) -> None:
    chat_id = uuid.uuid4().hex
    chat(demo, chat_id, text="Hello")
    chat(demo, chat_id, choice_id="danger.yes")
    deadline, page = time.monotonic() + 15, ""
    while time.monotonic() < deadline:
        page = httpx.get(f"{demo}/demo/inbox").text
        if "MC-20" in page:
            break
        time.sleep(0.2)
    assert "Every one was verified" in page
    reference = re.search(r"MC-\d{4}-\d{6}", page)
    assert reference is not None
    tokens = json.loads(re.search(r"const TOKENS = (\{.*?\});", page).group(1))  # type: ignore[union-attr]
    headers = {"authorization": f"Bearer {tokens['jakarta']}"}
    acked = httpx.post(f"{demo}/api/v1/cases/{reference.group(0)}/acknowledge", headers=headers)
    assert acked.status_code == 200
    assert acked.json()["case"]["status"] == "acknowledged"
    signature = {"webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"}
    forged = httpx.post(f"{demo}/demo/inbox/webhook", content=b"{}", headers=signature)
    assert forged.status_code == 401
