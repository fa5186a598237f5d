"""A setting or file that stops `suara serve`: one line naming it, the path and why; exit 2."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS

from bot.cli.commands import main
from storage import crypto

BROKEN_TOML = "[[office]\nid = 'jakarta'\n"


def refusal(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    """Runs a command that must be refused; returns the one line it printed."""
    assert main(list(command)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def keyed(empty_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder with the keys set, so that a start gets as far as the files."""
    monkeypatch.setenv("ENCRYPTION_KEYS", ",".join(TEST_KEYS))
    monkeypatch.setenv("ENCRYPTION_ADDRESS_KEY", TEST_ADDRESS_KEY)
    return empty_folder


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "TELEGRAM_MAX_CONNECTIONS",
            "500",
            "suara: TELEGRAM_MAX_CONNECTIONS: Input should be less than or equal to 100",
        ),
        (
            "ESCALATION_RETRY_SCHEDULE",
            "[5, 30",
            "suara: ESCALATION_RETRY_SCHEDULE: not valid JSON for this setting",
        ),
        (
            "ENCRYPTION_KEYS",
            "not-a-fernet-key",
            "suara: ENCRYPTION_KEYS: an encryption key is not a valid Fernet key",
        ),
        (
            "ENCRYPTION_ADDRESS_KEY",
            "changeme",
            "suara: ENCRYPTION_ADDRESS_KEY: the address key is not 64 bytes of url-safe base64",
        ),
        (
            "DATABASE_URL",
            "nonsense://x",
            "suara: DATABASE_URL: not a database URL Suara can use "
            "(unsupported database backend 'nonsense')",
        ),
        ("DATABASE_URL", "::", "suara: DATABASE_URL: not a database URL Suara can use"),
    ],
)
def test_an_invalid_setting_is_named_in_one_line(
    keyed: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert refusal(capsys, "serve") == expected


@pytest.mark.parametrize(
    ("variable", "content", "problem"),
    [
        ("HELP_CONTACTS_FILE", None, "No such file or directory"),
        ("HELP_CONTACTS_FILE", BROKEN_TOML, "not readable: "),
        ("HELP_CONTACTS_FILE", "[[contact]]\nname = 'x'\n", "an entry lacks 'number'"),
        ("ESCALATION_OFFICES_FILE", None, "no such file"),
        ("ESCALATION_OFFICES_FILE", BROKEN_TOML, "not readable: "),
        ("ESCALATION_OFFICES_FILE", "[[office]]\nid = 'atlantis'\n", "unknown offices"),
    ],
)
def test_a_missing_or_broken_config_file_is_named_with_its_path(
    keyed: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    content: str | None,
    problem: str,
) -> None:
    path = keyed / "config.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setenv(variable, "config.toml")
    line = refusal(capsys, "serve")
    assert line.startswith(f"suara: {variable} ({path}): ")
    assert problem in line


def test_a_data_dir_that_cannot_be_made_is_named(
    keyed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (keyed / "plain-file").write_text("not a folder")
    monkeypatch.setenv("SUARA_DATA_DIR", "plain-file/data")
    line = refusal(capsys, "serve")
    assert line.startswith(f"suara: SUARA_DATA_DIR ({keyed / 'plain-file' / 'data'}): ")
    assert "not a writable directory" in line


def test_missing_keys_stop_the_start_after_the_data_dir_is_stated(
    empty_folder: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    crypto.clear_keys()  # a fresh process has none
    line = refusal(capsys, "serve")
    assert line.startswith("suara: ENCRYPTION_KEYS is not set: run `suara keys new`")
    assert f"data directory {empty_folder / 'var'}" in caplog.messages


def test_an_unreachable_database_is_named_without_its_password(
    keyed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://suara:hidden@127.0.0.1:9/suara")
    line = refusal(capsys, "migrate")
    assert line.startswith(
        "suara: DATABASE_URL (postgresql+psycopg://suara:***@127.0.0.1:9/suara): "
        "cannot use the database: "
    )
    assert "hidden" not in line
