"""A console app over a migrated database, accounts made with the CLI, and cases per office."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import TypeVar

import pyotp
from fastapi.testclient import TestClient
from safety.gate_helpers import make_case as filed
from settings_helpers import make_settings
from sqlalchemy import Engine, text
from sqlmodel import SQLModel, select

from bot.cli.commands import parser
from bot.cli.handoff import run
from bot.settings import Settings
from handlers.app import create_app
from storage import db

Row = TypeVar("Row", bound=SQLModel)

PASSWORD = "correct horse battery"


def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        env_file=None,
        database_url=database_url,
        file_store=tmp_path / "files",
        public_base_url="https://suara.example.org",
    )


def client(config: Settings) -> TestClient:
    return TestClient(create_app(config, background=False), base_url="http://testserver")


def cli(config: Settings, *argv: str, stdin: str = "") -> tuple[int, str]:
    """Runs `suara caseworkers ...` in process; returns the exit status and what it printed."""
    out = io.StringIO()
    args = parser().parse_args(["caseworkers", *argv])
    with contextlib.redirect_stdout(io.StringIO()):
        status = run(args, config, out, stdin=io.StringIO(stdin))
    return status, out.getvalue()


def account(config: Settings, email: str, office: str, role: str = "caseworker") -> str:
    """Adds an account with PASSWORD; returns its e-mail."""
    status, _ = cli(
        config,
        "add",
        email,
        "--office",
        office,
        "--role",
        role,
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert status == 0
    return email


def link_of(printed: str) -> str:
    """Returns the path of the sign-in link a command printed."""
    found = re.search(r"https://suara\.example\.org(/console/login/link/\S+)", printed)
    assert found, printed
    return found.group(1)


def totp_of(printed: str) -> pyotp.TOTP:
    """Returns the authenticator a `totp` command enrolled."""
    found = re.search(r"secret (\S+)", printed)
    assert found, printed
    return pyotp.TOTP(found.group(1))


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, page
    return found.group(1)


def sign_in(web: TestClient, email: str, password: str = PASSWORD, code: str = "") -> int:
    """Signs in through the form; returns the status of the answer (303 when signed in)."""
    token = csrf(web.get("/console/login").text)
    form = {"csrf": token, "email": email, "password": password, "code": code}
    return web.post("/console/login", data=form, follow_redirects=False).status_code


def rows(config: Settings, model: type[Row]) -> list[Row]:
    """Returns every row of one table of the app's database, oldest first."""
    engine = db.make_engine(config.database.url)
    try:
        with db.session(engine) as session:
            return list(session.exec(select(model).order_by(text("id"))))
    finally:
        engine.dispose()


def make_case(engine: Engine, office: str) -> str:
    """Files a submitted case led by an office; returns its reference."""
    return filed(engine, lead=office).reference
