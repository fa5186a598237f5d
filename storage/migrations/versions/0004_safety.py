"""Safety and data protection: rights requests, chat message ids, job runs, holds and erasure.

Created 2026-11-28.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.migrations.schema import (
    add_columns,
    boolean,
    create_table,
    drop_columns,
    drop_tables,
    integer,
    json,
    primary_key,
    string,
    timestamp,
)

revision: str = "0004_safety"
down_revision: str | None = "0003_escalation"


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "chat_message",
        string("channel"),
        string("chat_id"),
        string("message_id"),
        string("direction"),
        timestamp("at"),
        unique=[("channel", "chat_id", "message_id", "direction")],
        indexes=[("channel", "chat_id", "at")],
    )
    op.create_table(
        "job_run",
        string("name"),
        timestamp("last_started_at", nullable=True),
        timestamp("last_finished_at", nullable=True),
        integer("last_count"),
        string("last_error", nullable=True),
        primary_key("job_run", "name"),
    )
    create_table(
        "data_request",
        integer("reporter_id"),
        integer("case_id", nullable=True),
        string("kind"),
        string("status"),
        string("channel"),
        string("locale"),
        string("purpose", nullable=True),
        timestamp("due_at"),
        timestamp("escalate_at"),
        timestamp("escalated_at", nullable=True),
        timestamp("resolved_at", nullable=True),
        string("resolved_by", nullable=True),
        string("outcome", nullable=True),
        references={"case_id": "case", "reporter_id": "reporter"},
        indexes=["case_id", "reporter_id", ("status", "due_at")],
    )
    for table, columns in _added_columns().items():
        add_columns(table, *columns)


def downgrade() -> None:
    """Revert this revision."""
    for table, columns in reversed(_added_columns().items()):
        drop_columns(table, *(column.name for column in reversed(columns)))
    drop_tables("data_request", "job_run", "chat_message")


def _added_columns() -> "dict[str, list[sa.Column[Any]]]":
    """Return the columns this revision adds to older tables, by table, in the order added."""
    return {
        "attachment": [
            string("clean_path", nullable=True),
            string("clean_sha256", nullable=True),
        ],
        "case": [
            boolean("legal_hold", server_default=sa.false()),
            string("legal_hold_reason", nullable=True),
            timestamp("minimised_at", nullable=True),
            timestamp("erased_at", nullable=True),
        ],
        "consent": [string("recipient", nullable=True)],
        "inbound_update": [timestamp("next_attempt_at", nullable=True)],
        "reporter": [
            integer("code_word_failures", server_default="0"),
            json("safe_times", server_default="[]"),
            integer("utc_offset_minutes", nullable=True),
            timestamp("restricted_at", nullable=True),
            timestamp("erased_at", nullable=True),
        ],
    }
