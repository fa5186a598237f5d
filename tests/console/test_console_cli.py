"""`suara caseworkers add|disable|reset|totp|list`: accounts, links shown once, sessions ended."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_apps import PASSWORD, account, cli, link_of, rows, settings
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from sqlmodel import select

from bot.cli.commands import main
from bot.settings import Settings
from storage import crypto, db
from storage.escalation_models import Caseworker
from storage.migrate import upgrade
from storage.staff_models import AccountEvent, SignInLink


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> Settings:
    upgrade(database_url)
    return settings(database_url, tmp_path)


def test_add_without_a_password_prints_a_link_kept_only_as_a_hash(config: Settings) -> None:
    status, printed = cli(
        config, "add", "Sri@Example.org", "--office", "jember", "--role", "supervisor"
    )
    assert status == 0
    path = link_of(printed)
    [person] = rows(config, Caseworker)
    assert (person.email, person.role, person.office, person.password_hash) == (
        "sri@example.org",
        "supervisor",
        "jember",
        None,
    )
    [link] = rows(config, SignInLink)
    assert path.rsplit("/", 1)[1] not in link.token_hash
    assert [e.type for e in rows(config, AccountEvent)] == ["account_added"]


def test_add_with_a_password_from_stdin_stores_an_argon2_hash(config: Settings) -> None:
    account(config, "ana@example.org", "jakarta", "admin")
    [person] = rows(config, Caseworker)
    assert person.password_hash
    assert person.password_hash.startswith("$argon2")
    assert PASSWORD not in person.password_hash
    assert rows(config, SignInLink) == []


def test_a_taken_email_or_a_short_password_is_refused(config: Settings) -> None:
    account(config, "ana@example.org", "jakarta")
    assert cli(config, "add", "ANA@example.org", "--office", "jember", "--role", "admin")[0] == 1
    status, printed = cli(
        config,
        "add",
        "b@example.org",
        "--office",
        "jember",
        "--role",
        "caseworker",
        "--password-stdin",
        stdin="short\n",
    )
    assert status == 2
    assert "10 characters" in printed


def test_list_shows_email_role_office_disabled_and_totp(config: Settings) -> None:
    account(config, "ana@example.org", "jakarta", "admin")
    account(config, "sri@example.org", "jember")
    assert cli(config, "totp", "ana@example.org")[0] == 0
    assert cli(config, "disable", "sri@example.org")[0] == 0
    status, listing = cli(config, "list")
    assert status == 0
    ana, sri = listing.splitlines()
    assert ana.split("\t")[1:6] == ["ana@example.org", "admin", "jakarta", "enabled", "totp"]
    assert sri.split("\t")[1:6] == [
        "sri@example.org",
        "caseworker",
        "jember",
        "disabled",
        "no totp",
    ]


def test_totp_prints_the_provisioning_uri_and_stores_the_secret_encrypted(config: Settings) -> None:
    account(config, "ana@example.org", "jakarta", "admin")
    status, printed = cli(config, "totp", "ana@example.org")
    uri = printed.splitlines()[0]
    assert status == 0
    assert uri.startswith("otpauth://totp/")
    assert "issuer=Suara" in uri
    secret = printed.split("secret ")[1].split()[0]
    engine = db.make_engine(config.database.url)
    try:
        with engine.connect() as connection:
            raw = connection.exec_driver_sql("SELECT totp_secret FROM caseworker").scalar_one()
    finally:
        engine.dispose()
    assert secret not in raw


def test_reset_forgets_the_password_and_prints_a_new_link(config: Settings) -> None:
    account(config, "sri@example.org", "jember")
    status, printed = cli(config, "reset", "sri@example.org")
    assert status == 0
    assert link_of(printed)
    [person] = rows(config, Caseworker)
    assert person.password_hash is None
    assert cli(config, "reset", "nobody@example.org")[0] == 1


def test_the_account_commands_install_the_keys_themselves(
    config: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    account(config, "sri@example.org", "jember")
    monkeypatch.setenv("DATABASE_URL", config.database.url)
    monkeypatch.setenv("ENCRYPTION_KEYS", TEST_KEYS[0])
    monkeypatch.setenv("ENCRYPTION_ADDRESS_KEY", TEST_ADDRESS_KEY)
    crypto.clear_keys()
    crypto.clear_address_key()
    try:
        assert main(["caseworkers", "totp", "sri@example.org"]) == 0
    finally:
        crypto.use_keys(TEST_KEYS)
        crypto.use_address_key(TEST_ADDRESS_KEY)
    engine = db.make_engine(config.database.url)
    with db.session(engine) as session:
        found = session.exec(select(Caseworker).where(Caseworker.email == "sri@example.org")).one()
    engine.dispose()
    assert found.totp_secret


def test_an_account_command_without_keys_says_so(
    config: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", config.database.url)
    monkeypatch.delenv("ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("ENCRYPTION_ADDRESS_KEY", raising=False)
    crypto.clear_keys()
    try:
        assert main(["caseworkers", "totp", "sri@example.org"]) == 2
        assert capsys.readouterr().err.startswith("suara: ENCRYPTION_KEYS is not set")
    finally:
        crypto.use_keys(TEST_KEYS)
