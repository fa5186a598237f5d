"""`suara demo` serves the console: two accounts made once, the same sign-in at every start."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyotp
import pytest
from console_apps import client, rows, sign_in
from sqlmodel import select

from bot.cli.commands import prepare
from bot.cli.demo import demo_offices, secret_path, welcome
from bot.settings import ConsoleSettings, Settings
from escalation.offices import Office
from storage import db
from storage.escalation_models import Caseworker
from storage.staff_models import AccountEvent

ADMIN, JEMBER = "admin@demo.suara.local", "jember@demo.suara.local"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Starts the demo as `suara demo` does, up to the web server, over a fresh database."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("FILE_STORE", str(tmp_path / "files"))
    monkeypatch.setenv("DEMO", "false")  # recorded, so that the demo's own value is undone after
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "true")  # the demo must turn it off even so
    return prepare(demo=True)


def _start(settings: Settings) -> str:
    out = io.StringIO()
    welcome(settings, "127.0.0.1", 8000, out)
    return out.getvalue()


def _password(printed: str, email: str) -> str:
    found = re.search(rf"{re.escape(email)}\s+password (\S+)", printed)
    assert found, printed
    return found.group(1)


def test_the_demo_makes_an_admin_and_a_jember_caseworker_once(demo: Settings) -> None:
    first = _start(demo)
    assert "http://127.0.0.1:8000/console/login" in first
    accounts = {row.email: row for row in rows(demo, Caseworker) if row.email}
    assert set(accounts) == {ADMIN, JEMBER}
    assert (accounts[ADMIN].role, accounts[ADMIN].office) == ("admin", "jakarta")
    assert (accounts[JEMBER].role, accounts[JEMBER].office) == ("caseworker", "jember")
    secret = re.search(r"secret ([A-Z2-7]+)", first)
    assert secret
    assert accounts[ADMIN].totp_secret == secret.group(1)
    assert f"otpauth://totp/Suara%20console:{ADMIN.replace('@', '%40')}" in first
    events = rows(demo, AccountEvent)
    assert _start(demo) == first
    assert rows(demo, AccountEvent) == events
    assert len([row for row in rows(demo, Caseworker) if row.email]) == 2
    assert secret_path(demo).stat().st_mode & 0o777 == 0o600


def test_a_drifted_demo_account_is_put_back_as_printed(demo: Settings) -> None:
    printed = _start(demo)
    engine = db.make_engine(demo.database.url)
    try:
        with db.session(engine) as session:
            row = session.exec(select(Caseworker).where(Caseworker.email == JEMBER)).one()
            row.password_hash, row.office = None, "kebumen"
    finally:
        engine.dispose()
    assert _start(demo) == printed
    [row] = [r for r in rows(demo, Caseworker) if r.email == JEMBER]
    assert (row.office, row.password_hash is not None) == ("jember", True)
    assert rows(demo, AccountEvent)[-1].type == "demo_account_restored"


def test_the_printed_passwords_sign_in_over_plain_http(demo: Settings) -> None:
    printed = _start(demo)
    assert not demo.console.cookie_secure
    with client(demo) as web:
        token = web.get("/console/login")
        assert "Secure" not in token.headers["set-cookie"]
        assert sign_in(web, JEMBER, _password(printed, JEMBER)) == 303
        assert web.get("/console", follow_redirects=False).status_code == 200
        assert web.get("/demo/inbox").status_code == 200
    with client(demo) as web:
        secret = re.search(r"secret ([A-Z2-7]+)", printed)
        assert secret
        code = pyotp.TOTP(secret.group(1)).now()
        assert sign_in(web, ADMIN, _password(printed, ADMIN), code) == 303
        assert web.get("/console", follow_redirects=False).status_code == 200


def test_the_production_default_keeps_cookies_secure() -> None:
    assert ConsoleSettings.model_fields["cookie_secure"].default is True


def test_without_jember_the_caseworker_goes_to_the_first_branch() -> None:
    known = [
        Office("jakarta", "HQ"),
        Office("sari_solo", "partner", third_party=True),
        Office("kebumen", "branch"),
    ]
    assert demo_offices(known) == ("jakarta", "kebumen")
    assert demo_offices([*known, Office("jember", "branch")]) == ("jakarta", "jember")
