"""`suara check`: one line per check, ok / FAIL / skip, exit 1 on any failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakebot import TOKEN, FakeBotAPI, served_fake
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from ops_helpers import help_numbers
from sqlalchemy import Engine

from bot.cli.commands import main
from storage import crypto, db
from storage.migrate import migrations_at_head, upgrade
from storage.models import InboundUpdate

WEBHOOK = "https://suara.example.org/webhooks/telegram"
TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    """A fake Bot API with the webhook already set where TELEGRAM_WEBHOOK_URL points."""
    with served_fake() as api:
        api.webhook = {"url": WEBHOOK}
        yield api


@pytest.fixture
def ready(
    empty_folder: Path, monkeypatch: pytest.MonkeyPatch, database_url: str, fake: FakeBotAPI
) -> pytest.MonkeyPatch:
    """An installation that should pass every check: migrated, keyed, verified, webhook set."""
    upgrade(database_url)
    for name, value in {
        "DATABASE_URL": database_url,
        "ENCRYPTION_KEYS": ",".join(TEST_KEYS),
        "ENCRYPTION_ADDRESS_KEY": TEST_ADDRESS_KEY,
        "HELP_CONTACTS_FILE": str(help_numbers(empty_folder, TODAY)),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_WEBHOOK_URL": WEBHOOK,
    }.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def checked(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    """Runs `suara check`; returns its status and each check's line by name."""
    status = main(["check"])
    lines = capsys.readouterr().out.splitlines()
    return status, {line[6:].split(":", 1)[0]: line for line in lines}


def test_a_ready_installation_passes_every_check(
    ready: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], empty_folder: Path
) -> None:
    status, lines = checked(capsys)
    assert status == 0
    assert list(lines) == [
        "settings",
        "data directory",
        "file store",
        "offices file",
        "help numbers",
        "database",
        "migrations",
        "encryption keys",
        "telegram webhook",
        "whatsapp token",
    ]
    assert all(line.startswith("ok ") for name, line in lines.items() if name != "whatsapp token")
    assert lines["whatsapp token"].startswith("skip  whatsapp token: not configured")
    assert str(empty_folder / "var") in lines["data directory"]
    assert f"last verified {TODAY}" in lines["help numbers"]
    assert WEBHOOK in lines["telegram webhook"]
    assert TOKEN not in "".join(lines.values())


def test_a_database_behind_its_migrations_fails(
    ready: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    empty_folder: Path,
    database_url: str,
) -> None:
    fresh = f"sqlite:///{empty_folder / 'fresh.db'}"
    ready.setenv("DATABASE_URL", fresh)
    status, lines = checked(capsys)
    assert status == 1
    assert lines["database"].startswith("ok ")
    assert lines["migrations"] == "FAIL  migrations: not at head: run `suara migrate`"
    assert not migrations_at_head(fresh)
    assert migrations_at_head(database_url)


@pytest.mark.parametrize(
    ("verified", "expected"),
    [
        (None, "not verified"),
        (TODAY - dt.timedelta(days=93), "93 days ago (over 92)"),
    ],
)
def test_help_numbers_unverified_or_stale_fail(
    ready: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    empty_folder: Path,
    verified: dt.date | None,
    expected: str,
) -> None:
    ready.setenv("HELP_CONTACTS_FILE", str(help_numbers(empty_folder, verified)))
    status, lines = checked(capsys)
    assert status == 1
    assert lines["help numbers"].startswith("FAIL ")
    assert expected in lines["help numbers"]


def test_a_file_store_that_cannot_be_written_fails(
    ready: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], empty_folder: Path
) -> None:
    (empty_folder / "plain-file").write_text("not a folder")
    ready.setenv("FILE_STORE", str(empty_folder / "plain-file" / "files"))
    status, lines = checked(capsys)
    assert status == 1
    assert lines["file store"].startswith("FAIL  file store: FILE_STORE (")
    assert "not a writable directory" in lines["file store"]


def test_missing_keys_fail(ready: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    ready.delenv("ENCRYPTION_KEYS")
    crypto.clear_keys()  # a fresh process has none
    status, lines = checked(capsys)
    assert status == 1
    assert lines["encryption keys"].startswith("FAIL  encryption keys: ENCRYPTION_KEYS is not set")


def test_keys_that_do_not_open_the_stored_values_fail(
    ready: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    with db.session(engine) as session:
        session.add(InboundUpdate(channel="telegram", external_id="1", payload=b"{}"))
        session.commit()
    ready.setenv("ENCRYPTION_KEYS", crypto.new_key())
    status, lines = checked(capsys)
    assert status == 1
    assert lines["encryption keys"].startswith("FAIL  encryption keys: no key of ENCRYPTION_KEYS")


def test_a_webhook_not_set_a_refused_token_and_no_bot_api_fail(
    ready: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fake: FakeBotAPI
) -> None:
    fake.webhook = {}
    status, lines = checked(capsys)
    assert status == 1
    assert lines["telegram webhook"] == (
        f"FAIL  telegram webhook: webhook is not set, not {WEBHOOK}: "
        "run `suara telegram-webhook set`"
    )
    fake.fail("getWebhookInfo", 401, "Unauthorized")
    status, lines = checked(capsys)
    assert status == 1
    assert lines["telegram webhook"].startswith(
        "FAIL  telegram webhook: Bot API call failed: getWebhookInfo: Unauthorized"
    )
    ready.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9")
    status, lines = checked(capsys)
    assert status == 1
    assert lines["telegram webhook"].startswith("FAIL  telegram webhook: Bot API call failed")


def test_an_unreachable_database_fails_without_a_traceback(
    ready: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ready.setenv("DATABASE_URL", "postgresql+psycopg://suara:hidden@127.0.0.1:9/suara")
    status, lines = checked(capsys)
    assert status == 1
    assert lines["database"].startswith(
        "FAIL  database: DATABASE_URL (postgresql+psycopg://suara:***@127.0.0.1:9/suara): "
        "cannot use the database"
    )
    assert lines["migrations"].startswith("FAIL  migrations: DATABASE_URL")
    assert "hidden" not in "".join(lines.values())


def test_an_invalid_setting_is_the_one_failure_printed(
    ready: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ready.setenv("TELEGRAM_MAX_CONNECTIONS", "500")
    status, lines = checked(capsys)
    assert status == 1
    assert list(lines.values()) == [
        "FAIL  settings: TELEGRAM_MAX_CONNECTIONS: Input should be less than or equal to 100"
    ]


def test_a_recent_delivery_error_fails_and_an_old_one_passes(
    ready: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fake: FakeBotAPI
) -> None:
    error = "Wrong response from the webhook: 502 Bad Gateway"
    now = dt.datetime.now(dt.UTC)
    fake.webhook_status = {
        "last_error_date": int(now.timestamp()) - 60,
        "last_error_message": error,
    }
    status, lines = checked(capsys)
    assert status == 1
    assert lines["telegram webhook"] == (
        f"FAIL  telegram webhook: Telegram's last delivery failed: {error}"
    )
    fake.webhook_status["last_error_date"] = int(now.timestamp()) - 2 * 3600
    status, lines = checked(capsys)
    assert status == 0
    assert lines["telegram webhook"].startswith("ok    telegram webhook: webhook ")
