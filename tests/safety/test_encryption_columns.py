"""Encrypted columns: round trips, legacy plaintext rows, rotation, and no keyring at all."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from enc_helpers import KEY1, KEY2, keyring, raw_values
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.evidence.files import FileStore
from bot.safety import keys
from flows.vocabulary import MediaKind
from storage import crypto
from storage.db import session
from storage.escalation_models import CaseNote, Caseworker
from storage.models import Case, Conversation, InboundUpdate, OutboxMessage, Reporter

STORY = "Majikan Tuan Planted menahan paspor saya"
ENCRYPTED = (
    ("conversation", "state", False),
    ("case", "answers", False),
    ("outbox_message", "payload", False),
    ("inbound_update", "payload", True),
    ("case_note", "text", False),
)


def _seed(engine: Engine, story: str = STORY) -> int:
    """Writes one row of every encrypted column holding the story; returns the case id."""
    with session(engine) as db:
        reporter = Reporter(channel="web", channel_user_id="u1")
        db.add(reporter)
        db.flush()
        conversation = Conversation(
            reporter_id=reporter.id or 0, channel="web", chat_id="u1", state={"story": story}
        )
        db.add(conversation)
        db.flush()
        case = Case(
            reference="SU-2026-000001",
            conversation_id=conversation.id or 0,
            reporter_id=reporter.id or 0,
            locale="id",
            channel="web",
            answers={"story": story, "nested": {"list": [story]}},
        )
        worker = Caseworker(name="cw", office="KJRI")
        db.add_all([case, worker])
        db.flush()
        db.add(OutboxMessage(channel="web", chat_id="u1", payload={"text": story}))
        db.add(InboundUpdate(channel="web", external_id="e1", payload=story.encode()))
        db.add(CaseNote(case_id=case.id or 0, caseworker_id=worker.id or 0, text=story))
        return case.id or 0


def _read_all(engine: Engine) -> list[object]:
    """Reads every encrypted value back through the models."""
    with session(engine) as db:
        return [
            db.exec(select(Conversation)).one().state["story"],
            db.exec(select(Case)).one().answers["nested"]["list"][0],
            db.exec(select(OutboxMessage)).one().payload["text"],
            db.exec(select(InboundUpdate)).one().payload.decode(),
            db.exec(select(CaseNote)).one().text,
        ]


def _assert_ciphertext(engine: Engine) -> None:
    """Every stored value carries the marker and none holds the story."""
    for table, column, binary in ENCRYPTED:
        values = raw_values(engine, table, column, binary)
        assert values, table
        for value in values:
            assert crypto.is_encrypted(value), (table, column)
            assert STORY.encode() not in value


def test_values_round_trip_and_are_stored_encrypted(engine: Engine) -> None:
    _seed(engine)
    assert _read_all(engine) == [STORY] * 5
    _assert_ciphertext(engine)


def test_in_place_changes_to_an_encrypted_dict_are_saved(engine: Engine) -> None:
    _seed(engine)
    with session(engine) as db:
        conversation = db.exec(select(Conversation)).one()
        conversation.state["extra"] = "Jalan Planted 7"
        db.add(conversation)
    with session(engine) as db:
        assert db.exec(select(Conversation)).one().state["extra"] == "Jalan Planted 7"
    assert all(b"Planted 7" not in v for v in raw_values(engine, "conversation", "state"))


def _plant_legacy(engine: Engine) -> None:
    """Overwrites the encrypted values with plaintext, as rows from before encryption were."""
    with engine.begin() as connection:
        for table, column, binary in ENCRYPTED:
            raw = sa.table(table, sa.column(column, sa.LargeBinary() if binary else sa.Text()))
            if binary:
                value: object = STORY.encode()
            elif column == "text":
                value = STORY
            elif table == "case":
                value = f'{{"story": "{STORY}", "nested": {{"list": ["{STORY}"]}}}}'
            else:
                value = f'{{"story": "{STORY}", "text": "{STORY}"}}'
            connection.execute(sa.update(raw).values({column: value}))


def test_legacy_plaintext_rows_read_back_and_rotation_encrypts_them(
    engine: Engine, tmp_path: Path
) -> None:
    _seed(engine)
    _plant_legacy(engine)
    assert _read_all(engine) == [STORY] * 5
    result = keys.rotate(engine, FileStore(tmp_path), batch=2)
    assert result["case.answers"].rewritten == 1
    assert sum(c.rewritten for c in result.values()) >= len(ENCRYPTED)
    _assert_ciphertext(engine)
    assert _read_all(engine) == [STORY] * 5
    again = keys.rotate(engine, FileStore(tmp_path), batch=2)
    assert sum(c.rewritten for c in again.values()) == 0
    assert again["case_note.text"].current == 1


def test_rotation_to_a_new_key_lets_the_old_key_go(
    engine: Engine, tmp_path: Path, encryption_keys: tuple[str, ...]
) -> None:
    store = FileStore(tmp_path / "files")
    with keyring([KEY1], restore=encryption_keys):
        _seed(engine)
        media = store.save(STORY.encode(), kind=MediaKind.DOCUMENT, mime_type="text/plain")
    with keyring([KEY2, KEY1], restore=encryption_keys):
        result = keys.rotate(engine, store, batch=1)
        assert result["files"].rewritten == 1
        assert result["conversation.state"].rewritten == 1
    with keyring([KEY2], restore=encryption_keys):
        assert _read_all(engine) == [STORY] * 5
        assert store.open(media.path or "") == STORY.encode()
    with keyring([KEY1], restore=encryption_keys), pytest.raises(crypto.KeyringError):
        _read_all(engine)


def test_without_a_keyring_nothing_is_written_in_plaintext(
    engine: Engine, encryption_keys: tuple[str, ...]
) -> None:
    crypto.clear_keys()
    try:
        with pytest.raises(sa.exc.StatementError, match="no encryption keys"):
            _seed(engine)
    finally:
        crypto.use_keys(encryption_keys)
    with session(engine) as db:
        assert db.exec(select(Case)).all() == []


def test_a_bad_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(crypto.KeyringError) as raised:
        crypto.use_keys(["not-a-key-Planted"])
    assert "Planted" not in str(raised.value)


def test_rotation_seals_legacy_plaintext_addresses_and_lookups_then_find_them(
    engine: Engine, tmp_path: Path
) -> None:
    phone = "6281355512345"
    with engine.begin() as connection:
        raw = sa.table(
            "reporter",
            sa.column("created_at", sa.DateTime()),
            sa.column("channel", sa.Text()),
            sa.column("channel_user_id", sa.Text()),
            sa.column("unreachable", sa.Boolean()),
            sa.column("code_word_failures", sa.Integer()),
            sa.column("safe_times", sa.JSON()),
        )
        connection.execute(
            sa.insert(raw).values(
                created_at=sa.func.now(),
                channel="whatsapp",
                channel_user_id=phone,  # written before addresses were sealed
                unreachable=False,
                code_word_failures=0,
                safe_times=[],
            )
        )
    result = keys.rotate(engine, FileStore(tmp_path), batch=10)
    assert result["reporter.channel_user_id"].rewritten == 1
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT channel_user_id FROM reporter")).scalar_one()
    assert stored.startswith(crypto.SEALED)
    assert phone not in stored
    with session(engine) as db:
        query = select(Reporter).where(col(Reporter.channel_user_id) == phone)
        assert db.exec(query).one().channel_user_id == phone
    again = keys.rotate(engine, FileStore(tmp_path), batch=10)
    assert again["reporter.channel_user_id"].rewritten == 0
