"""Safety and data protection: rights requests, chat message ids, job runs, holds and erasure.

Revision ID: 0004_safety
Revises: 0003_escalation
Create Date: 2026-11-28
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.migrations.schema import (
    add_columns,
    create_table,
    drop_columns,
    drop_tables,
    primary_key,
    timestamp,
)

revision: str = "0004_safety"
down_revision: str | None = "0003_escalation"


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "chat_message",
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        timestamp("at"),
        unique=[("channel", "chat_id", "message_id", "direction")],
        indexes=[("channel", "chat_id", "at")],
    )
    op.create_table(
        "job_run",
        sa.Column("name", sa.String(), nullable=False),
        timestamp("last_started_at", nullable=True),
        timestamp("last_finished_at", nullable=True),
        sa.Column("last_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        primary_key("job_run", "name"),
    )
    create_table(
        "data_request",
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("locale", sa.String(), nullable=False),
        sa.Column("purpose", sa.String(), nullable=True),
        timestamp("due_at"),
        timestamp("escalate_at"),
        timestamp("escalated_at", nullable=True),
        timestamp("resolved_at", nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
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
            sa.Column("clean_path", sa.String(), nullable=True),
            sa.Column("clean_sha256", sa.String(), nullable=True),
        ],
        "case": [
            sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false()),
            sa.Column("legal_hold_reason", sa.String(), nullable=True),
            timestamp("minimised_at", nullable=True),
            timestamp("erased_at", nullable=True),
        ],
        "consent": [sa.Column("recipient", sa.String(), nullable=True)],
        "inbound_update": [timestamp("next_attempt_at", nullable=True)],
        "reporter": [
            sa.Column("code_word_failures", sa.Integer(), nullable=False, server_default="0"),
            sa.Column("safe_times", sa.JSON(), nullable=False, server_default="[]"),
            sa.Column("utc_offset_minutes", sa.Integer(), nullable=True),
            timestamp("restricted_at", nullable=True),
            timestamp("erased_at", nullable=True),
        ],
    }
