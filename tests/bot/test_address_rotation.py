"""`suara keys rotate --address`: addresses re-sealed with a new key, lookups still find them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import OPENING, START, press, text
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.cli.commands import main
from bot.evidence import FileStore
from bot.runtime.runner import Runner
from bot.safety import keys
from storage import crypto, db, models

NEW_ADDRESS_KEY = crypto.new_address_key()


@pytest.fixture(autouse=True)
def test_address_key_back() -> Iterator[None]:
    """Puts the session's address key back after each test, whatever the test set."""
    saved = list(logging.root.handlers)
    yield
    logging.root.handlers[:] = saved
    crypto.use_address_key(TEST_ADDRESS_KEY)


def stored_chat_ids(engine: Engine) -> list[str]:
    """Returns the conversation chat ids as stored (sealed), bypassing the column type."""
    raw = sa.table("conversation", sa.column("chat_id", sa.Text()))
    with engine.connect() as connection:
        return [str(v) for v in connection.execute(sa.select(raw.c.chat_id)).scalars()]


def conversations(engine: Engine) -> list[models.Conversation]:
    with db.session(engine) as session:
        return list(session.exec(select(models.Conversation)))


def test_after_rotation_the_same_chat_is_the_same_conversation_without_the_old_key(
    runner: Runner, engine: Engine, tmp_path: Path
) -> None:
    runner.handle(text("7001", "hello"))
    runner.handle(press("7001", OPENING[0], START + dt.timedelta(seconds=1)))
    before = conversations(engine)
    sealed_before = stored_chat_ids(engine)

    crypto.use_address_key(f"{NEW_ADDRESS_KEY},{TEST_ADDRESS_KEY}")
    # a first run stopped after one column, then the whole run: it goes on where it stopped
    conversation = models.Conversation.__table__  # type: ignore[attr-defined]
    first = keys.rotate_column(engine, conversation, "chat_id", batch=1)
    assert first.rewritten == 1
    result = keys.rotate(engine, FileStore(tmp_path), batch=1, addresses_only=True)
    assert result["conversation.chat_id"].rewritten == 0
    assert result["conversation.chat_id"].current == 1
    assert result["reporter.channel_user_id"].rewritten == 1
    assert result["outbox_message.chat_id"].rewritten >= 2
    assert "files" not in result

    crypto.use_address_key(NEW_ADDRESS_KEY)  # the old key is no longer needed
    assert stored_chat_ids(engine) != sealed_before
    runner.handle(press("7001", OPENING[1], START + dt.timedelta(seconds=2)))
    after = conversations(engine)
    assert [c.id for c in after] == [c.id for c in before]
    assert after[0].chat_id == "7001"
    assert after[0].version == before[0].version + 1
    with db.session(engine) as session:
        assert len(session.exec(select(models.Reporter)).all()) == 1
        query = select(models.OutboxMessage).where(col(models.OutboxMessage.chat_id) == "7001")
        assert len(session.exec(query).all()) >= 3
    crypto.use_address_key(TEST_ADDRESS_KEY)
    with pytest.raises(crypto.KeyringError):
        conversations(engine)  # sealed with the new key only


def test_the_command_re_seals_addresses_and_says_what_to_do_without_the_old_key(
    runner: Runner,
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    runner.handle(text("7002", "hello"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FILE_STORE", str(tmp_path / "files"))
    monkeypatch.setenv("ENCRYPTION_KEYS", TEST_KEYS[0])
    monkeypatch.setenv("ENCRYPTION_ADDRESS_KEY", NEW_ADDRESS_KEY)
    assert main(["keys", "rotate", "--address"]) == 1  # the old key is missing
    out = capsys.readouterr().out
    assert "ENCRYPTION_ADDRESS_KEY=<new>,<old>" in out
    assert NEW_ADDRESS_KEY not in out
    monkeypatch.setenv("ENCRYPTION_ADDRESS_KEY", f"{NEW_ADDRESS_KEY},{TEST_ADDRESS_KEY}")
    assert main(["keys", "rotate", "--address", "--batch-size", "2"]) == 0
    out = capsys.readouterr().out
    assert "conversation.chat_id: 1 re-encrypted, 0 already current" in out
    assert "case.answers" not in out  # only the addresses
    crypto.use_address_key(NEW_ADDRESS_KEY)
    assert [c.chat_id for c in conversations(engine)] == ["7002"]
