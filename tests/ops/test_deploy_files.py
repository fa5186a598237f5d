"""The deploy files keep their promises: loopback ports, health checks, migrations before serve,
non-root, and an env.example that names only settings Suara reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from settings_helpers import leaves

ROOT = Path(__file__).resolve().parents[2]
DATABASE_ONLY = {"POSTGRES_PASSWORD"}
"""env.example variables that are the compose file's, not Suara's."""


def compose() -> dict[str, Any]:
    """Returns docker-compose.yml parsed."""
    found: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return found


def test_every_published_port_listens_on_loopback_only() -> None:
    ports = [
        port for service in compose()["services"].values() for port in service.get("ports", [])
    ]
    assert ports
    assert all(str(port).startswith("127.0.0.1:") for port in ports), ports


def test_postgresql_16_and_the_server_have_health_checks_and_named_volumes() -> None:
    services, volumes = compose()["services"], compose()["volumes"]
    assert services["db"]["image"].startswith("postgres:16")
    for name in ("db", "web"):
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["restart"] == "unless-stopped"
    mounted = {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])}
    assert {"db-data", "suara-data"} <= mounted <= set(volumes) | {"./config"}


def test_migrations_run_before_the_server_from_the_one_image() -> None:
    services = compose()["services"]
    assert services["migrate"]["command"] == ["suara", "migrate"]
    assert services["web"]["command"][:2] == ["suara", "serve"]
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["migrate"]["image"] == services["web"]["image"]
    assert services["web"]["env_file"] == ".env"


def test_env_example_names_only_settings_suara_reads() -> None:
    text = (ROOT / "env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert "ENCRYPTION_KEYS" in named
    assert named - DATABASE_ONLY <= set(leaves()), named - DATABASE_ONLY - set(leaves())
    assert not re.search(r"^[A-Z_]+=\S+[ \t]+#", text, flags=re.MULTILINE)  # systemd reads it too


def test_the_image_runs_suara_serve_as_a_non_root_user_from_the_wheel() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.\d+-slim\S* AS build$", text, flags=re.MULTILINE)
    assert "pip wheel" in text
    assert re.search(r"^USER suara$", text, flags=re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", text, flags=re.MULTILINE)
    assert text.rstrip().splitlines()[-1].startswith('CMD ["suara", "serve"')


def test_the_systemd_unit_migrates_then_serves_on_loopback() -> None:
    text = (ROOT / "deploy" / "suara.service").read_text()
    assert re.search(r"^ExecStartPre=\S+/suara migrate$", text, flags=re.MULTILINE)
    assert re.search(r"^ExecStart=\S+/suara serve --host 127\.0\.0\.1 ", text, flags=re.MULTILINE)
    assert re.search(r"^User=suara$", text, flags=re.MULTILINE)
    assert re.search(r"^RestartPreventExitStatus=2$", text, flags=re.MULTILINE)
