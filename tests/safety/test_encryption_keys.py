"""Keys from settings: ENCRYPTION_KEYS, the demo's generated key file, refusal in production."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from enc_helpers import KEY1, KEY2
from keyring_values import TEST_ADDRESS_KEY
from settings_helpers import make_settings

from bot.cli.commands import main
from bot.safety import keys
from storage import crypto


@pytest.fixture(autouse=True)
def root_handlers() -> Iterator[None]:
    """Removes the handler `main` adds with basicConfig (it points at a captured stream)."""
    saved = list(logging.root.handlers)
    yield
    logging.root.handlers[:] = saved


@pytest.fixture
def no_keyring(encryption_keys: tuple[str, ...]) -> Iterator[None]:
    """Starts with no keyring set, as a fresh process does; restores the test keys after."""
    crypto.clear_keys()
    yield
    crypto.use_keys(encryption_keys)


def test_configured_keys_are_used_first_one_current(no_keyring: None, tmp_path: Path) -> None:
    settings = make_settings(encryption_keys=f"{KEY2}, {KEY1}", database_url="sqlite://")
    keys.install(settings)
    token = crypto.encrypt(b"x")
    crypto.use_keys([KEY2])
    assert crypto.decrypt(token) == b"x"


def test_serve_refuses_to_start_without_keys(no_keyring: None, tmp_path: Path) -> None:
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'suara.db'}")
    with pytest.raises(crypto.KeyringError, match="ENCRYPTION_KEYS"):
        keys.install(settings)
    assert not crypto.has_keys()
    assert list(tmp_path.iterdir()) == []


def test_the_demo_creates_a_private_key_file_and_logs_no_key(
    no_keyring: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}", demo=True)
    keys.install(settings)
    path = tmp_path / "demo.db.key"
    key = path.read_text().strip()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key not in caplog.text
    assert "generated the key file" in caplog.text
    token = crypto.encrypt(b"x")
    crypto.clear_keys()
    keys.install(settings)  # the second start reuses the same file
    assert crypto.decrypt(token) == b"x"


def test_serve_may_use_the_key_file_when_allowed_by_name(no_keyring: None, tmp_path: Path) -> None:
    settings = make_settings(
        database_url="sqlite://",
        encryption_allow_key_file=True,
        encryption_key_file=tmp_path / "k" / "suara.key",
    )
    keys.install(settings)
    assert crypto.has_keys()
    assert (tmp_path / "k" / "suara.key").exists()


def test_keys_new_prints_a_valid_fresh_key(
    no_keyring: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "new"]) == 0
    first = capsys.readouterr().out.strip()
    main(["keys", "new"])
    second = capsys.readouterr().out.strip()
    assert first != second
    crypto.use_keys([first, second])  # both are valid Fernet keys


def test_keys_rotate_prints_counts_only(
    no_keyring: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FILE_STORE", str(tmp_path / "files"))
    monkeypatch.setenv("ENCRYPTION_KEYS", f"{KEY2},{KEY1}")
    assert main(["migrate"]) == 0
    assert main(["keys", "rotate", "--batch-size", "10"]) == 0
    out = capsys.readouterr().out
    assert "case.answers: 0 re-encrypted, 0 already current" in out
    assert "files: 0 re-encrypted" in out
    assert KEY1 not in out
    assert KEY2 not in out


def test_the_serve_command_exits_with_a_clear_message_without_keys(
    no_keyring: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'suara.db'}")
    monkeypatch.delenv("ENCRYPTION_KEYS", raising=False)
    assert main(["serve"]) == 2
    assert capsys.readouterr().err.startswith("suara: ENCRYPTION_KEYS is not set")
    assert not (tmp_path / "suara.db").exists()


@pytest.fixture
def no_address_key() -> Iterator[None]:
    """Starts with no address key set; restores the test one after."""
    crypto.clear_address_key()
    yield
    crypto.use_address_key(TEST_ADDRESS_KEY)


def test_serve_refuses_to_start_without_an_address_key(
    no_keyring: None, no_address_key: None, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    settings = make_settings(encryption_keys=KEY1, database_url=url)
    with pytest.raises(crypto.KeyringError, match="ENCRYPTION_ADDRESS_KEY"):
        keys.install(settings)
    assert not crypto.has_address_key()


def test_the_address_key_comes_from_settings_or_the_demo_key_file(
    no_address_key: None, tmp_path: Path
) -> None:
    chosen = crypto.new_address_key()
    keys.install(make_settings(encryption_address_key=chosen, database_url="sqlite://"))
    sealed = crypto.seal("6281234567890")
    assert sealed == crypto.seal("6281234567890")  # deterministic: lookups work
    assert "6281234567890" not in sealed
    crypto.clear_address_key()
    keys.install(make_settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}", demo=True))
    path = tmp_path / "demo.db.key.address"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.seal("6281234567890") != sealed  # another key
    crypto.use_address_key(chosen)
    assert crypto.unseal(sealed) == "6281234567890"
