"""`suara setup --admin EMAIL`: migrates, adds the first admin with a second factor, once."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from console_apps import client, csrf, link_of, rows, settings, totp_of
from settings_helpers import overridden

from bot.cli.commands import parser
from bot.cli.setup import run_setup
from bot.settings import Settings
from storage.escalation_models import Caseworker
from storage.migrate import current


@pytest.fixture
def config(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "false")  # the test client speaks plain http
    return settings(database_url, tmp_path)  # not migrated: setup does it


def _setup(config: Settings, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    args = parser().parse_args(["setup", *argv])
    with contextlib.redirect_stdout(io.StringIO()):
        status = run_setup(args, config, out)
    return status, out.getvalue()


def test_setup_migrates_and_adds_the_first_admin_with_a_second_factor(config: Settings) -> None:
    assert current(config.database.url) is None
    status, printed = _setup(config, "--admin", "Ana@Example.org", "--name", "Ana")
    assert status == 0
    assert current(config.database.url) is not None
    [admin] = rows(config, Caseworker)
    assert (admin.email, admin.role, admin.office, admin.name) == (
        "ana@example.org",
        "admin",
        "jakarta",
        "Ana",
    )
    assert admin.password_hash is None
    assert admin.totp_secret == totp_of(printed).secret
    assert "otpauth://totp/Suara%20console:ana%40example.org" in printed


def test_the_printed_link_and_code_sign_the_admin_in(config: Settings) -> None:
    status, printed = _setup(config, "--admin", "ana@example.org", "--office", "jember")
    assert status == 0
    path, code = link_of(printed), totp_of(printed).now()
    with client(config) as web:
        page = web.get(path)
        assert 'name="code"' in page.text
        form = {"csrf": csrf(page.text), "password": "a new long password", "code": code}
        assert web.post(path, data=form, follow_redirects=False).status_code == 303
        assert web.get("/console", follow_redirects=False).status_code == 200
    assert rows(config, Caseworker)[0].office == "jember"


def test_setup_refuses_when_an_admin_exists(config: Settings) -> None:
    assert _setup(config, "--admin", "ana@example.org")[0] == 0
    status, printed = _setup(config, "--admin", "sri@example.org")
    assert status == 1
    assert "an admin account exists already" in printed
    assert [p.email for p in rows(config, Caseworker)] == ["ana@example.org"]


def test_setup_refuses_an_office_not_in_the_config(config: Settings, tmp_path: Path) -> None:
    status, printed = _setup(config, "--admin", "ana@example.org", "--office", "atlantis")
    assert status == 1
    assert "office atlantis is not in the office config" in printed
    assert current(config.database.url) is None
    offices = tmp_path / "offices.toml"
    offices.write_text('[[office]]\nid = "kebumen"\nname = "Kebumen branch"\n', encoding="utf-8")
    only_kebumen = overridden(config, escalation_offices_file=offices)
    assert _setup(only_kebumen, "--admin", "ana@example.org", "--office", "jember")[0] == 1
    assert _setup(only_kebumen, "--admin", "ana@example.org")[0] == 0
    assert rows(only_kebumen, Caseworker)[0].office == "kebumen"
