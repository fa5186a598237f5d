"""Migration 0005 changes column types only: JSON rows written before it read back afterwards."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from enc_helpers import raw_values
from sqlmodel import select

from bot.evidence.files import FileStore
from bot.safety import keys
from storage import crypto
from storage.db import make_engine, session
from storage.migrate import MIGRATIONS, upgrade
from storage.models import Case, Conversation, OutboxMessage

STORY = "Saya bekerja di rumah Nyonya Planted"


def _upgrade_to(url: str, revision: str) -> None:
    """Runs the real migrations up to one revision."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def _insert_at_0004(engine: sa.Engine) -> None:
    """Writes a reporter, conversation, case and outbox row as the 0004 schema stored them."""
    json = sa.JSON()
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO reporter (id, created_at, channel, channel_user_id, unreachable,"
                " code_word_failures, safe_times) VALUES (1, CURRENT_TIMESTAMP, 'web', 'u',"
                " false, 0, '[]')"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO conversation (id, created_at, reporter_id, channel, chat_id, flow_id,"
                " step_id, status, state, version, updated_at) VALUES (1, CURRENT_TIMESTAMP, 1,"
                " 'web', 'u', '', '', 'active', :state, 0, CURRENT_TIMESTAMP)"
            ).bindparams(sa.bindparam("state", type_=json)),
            {"state": {"story": STORY}},
        )
        c.execute(
            sa.text(
                'INSERT INTO "case" (id, created_at, reference, conversation_id, reporter_id,'
                " status, categories, urgency, urgency_triggers, copy_offices, locale, channel,"
                " answers, needs_human, updated_at, legal_hold) VALUES (1, CURRENT_TIMESTAMP,"
                " 'SU-1', 1, 1, 'draft', '[]', 'P3', '[]', '[]', 'id', 'web', :answers, false,"
                " CURRENT_TIMESTAMP, false)"
            ).bindparams(sa.bindparam("answers", type_=json)),
            {"answers": {"story": STORY, "n": 3}},
        )
        c.execute(
            sa.text(
                "INSERT INTO outbox_message (id, created_at, channel, chat_id, payload, status,"
                " attempts, next_attempt_at) VALUES (1, CURRENT_TIMESTAMP, 'web', 'u', :payload,"
                " 'pending', 0, CURRENT_TIMESTAMP)"
            ).bindparams(sa.bindparam("payload", type_=json)),
            {"payload": {"text": STORY}},
        )


def test_rows_from_before_the_migration_read_back_then_rotate_encrypts_them(
    database_url: str, tmp_path: Path
) -> None:
    _upgrade_to(database_url, "0004_safety")
    engine = make_engine(database_url)
    try:
        _insert_at_0004(engine)
        upgrade(database_url)
        with session(engine) as db:
            assert db.exec(select(Conversation)).one().state == {"story": STORY}
            assert db.exec(select(Case)).one().answers == {"story": STORY, "n": 3}
            assert db.exec(select(OutboxMessage)).one().payload == {"text": STORY}
        keys.rotate(engine, FileStore(tmp_path))
        for table, column in (("conversation", "state"), ("case", "answers")):
            (value,) = raw_values(engine, table, column)
            assert crypto.is_encrypted(value)
            assert b"Planted" not in value
        with session(engine) as db:
            assert db.exec(select(Case)).one().answers == {"story": STORY, "n": 3}
    finally:
        engine.dispose()
