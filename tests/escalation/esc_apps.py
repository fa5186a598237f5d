"""An app over a migrated database with two offices' endpoints, and a way to make tokens."""

from __future__ import annotations

import io
import os
from pathlib import Path
from types import SimpleNamespace

from fastapi.testclient import TestClient
from settings_helpers import make_settings

from bot.casework.handoff import Handoff
from bot.cli.handoff import run
from bot.settings import Settings
from handlers.app import create_app

SECRETS = {
    "jkt": "whsec_" + "SmFrYXJ0YS1zZWNyZXQtMzItYnl0ZXMtbG9uZy0xMjM=",
    "kl": "whsec_" + "S3VhbGEtTHVtcHVyLXNlY3JldC0zMi1ieXRlcy0xMjM=",
}
OFFICES = f"""
[[office]]
id = "jakarta"
[[office.endpoint]]
name = "jkt"
url = "https://jakarta.example.org/hooks"
secret = "{SECRETS["jkt"]}"

[[office]]
id = "kuala_lumpur"
[[office.endpoint]]
name = "kl"
url = "https://kl.example.org/hooks"
secret = "{SECRETS["kl"]}"
"""


def settings(database_url: str, tmp_path: Path) -> Settings:
    path = tmp_path / "offices.toml"
    path.write_text(OFFICES, encoding="utf-8")
    return make_settings(
        database_url=database_url,
        escalation_offices_file=path,
        file_store=tmp_path / "files",
        public_base_url="https://suara.example.org",
    )


def client(database_url: str, tmp_path: Path) -> TestClient:
    os.environ.pop("DEMO", None)
    return TestClient(create_app(settings(database_url, tmp_path), background=False))


def handoff(test_client: TestClient) -> Handoff:
    found: Handoff = test_client.app.state.handoff  # type: ignore[attr-defined]
    return found


def token(config: Settings, office: str, name: str = "Rina", supervisor: bool = False) -> str:
    out = io.StringIO()
    args = SimpleNamespace(
        command="token", action="create", office=office, name=name, supervisor=supervisor
    )
    assert run(args, config, out) == 0  # type: ignore[arg-type]
    return out.getvalue().splitlines()[0]
