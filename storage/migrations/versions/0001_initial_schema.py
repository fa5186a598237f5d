"""Initial schema: reporters, conversations, inbox, cases, events, attachments, outbox, consent.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.schema import create_table, drop_tables, primary_key, timestamp

revision: str = "0001"
down_revision: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "inbound_update",
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        timestamp("received_at"),
        timestamp("processed_at", nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("step_id", sa.String(), nullable=True),
        unique=[("channel", "external_id")],
        indexes=[("status", "received_at")],
    )
    op.create_table(
        "reference_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        timestamp("created_at"),
        primary_key("reference_counter", "year"),
    )
    create_table(
        "reporter",
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("channel_user_id", sa.String(), nullable=False),
        sa.Column("locale", sa.String(), nullable=True),
        sa.Column("referral", sa.String(), nullable=True),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        timestamp("unreachable_at", nullable=True),
        timestamp("wa_window_until", nullable=True),
        sa.Column("code_word_hash", sa.String(), nullable=True),
        unique=[("channel", "channel_user_id")],
    )
    create_table(
        "conversation",
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("flow_id", sa.String(), nullable=False),
        sa.Column("step_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        timestamp("last_inbound_at", nullable=True),
        timestamp("next_timer_at", nullable=True),
        sa.Column("timer_kind", sa.String(), nullable=True),
        timestamp("updated_at"),
        references={"reporter_id": "reporter"},
        unique=[("channel", "chat_id")],
        indexes=["next_timer_at", "reporter_id"],
    )
    create_table(
        "case",
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reporter_role", sa.String(), nullable=True),
        sa.Column("primary_category", sa.String(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("urgency", sa.String(), nullable=False),
        sa.Column("urgency_triggers", sa.JSON(), nullable=False),
        sa.Column("destination_country", sa.String(), nullable=True),
        sa.Column("home_regency", sa.String(), nullable=True),
        sa.Column("lead_office", sa.String(), nullable=True),
        sa.Column("liaison_office", sa.String(), nullable=True),
        sa.Column("copy_offices", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("needs_human", sa.Boolean(), nullable=False),
        timestamp("submitted_at", nullable=True),
        timestamp("updated_at"),
        references={"conversation_id": "conversation", "reporter_id": "reporter"},
        unique=["reference"],
        indexes=["conversation_id", "reporter_id", ("status", "urgency")],
    )
    create_table(
        "outbox_message",
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        timestamp("next_attempt_at"),
        timestamp("lease_until", nullable=True),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        timestamp("sent_at", nullable=True),
        references={"conversation_id": "conversation"},
        indexes=[("channel", "chat_id", "status"), "conversation_id", ("status", "next_attempt_at")],
    )
    create_table(
        "attachment",
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("mime_type", sa.String(), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=True),
        sa.Column("path", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("external_ref", sa.String(), nullable=True),
        references={"case_id": "case", "conversation_id": "conversation"},
        indexes=["case_id", "conversation_id"],
    )
    create_table(
        "case_event",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        timestamp("at"),
        references={"case_id": "case"},
        indexes=["case_id"],
    )
    create_table(
        "consent",
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(), nullable=False),
        sa.Column("text_version", sa.String(), nullable=False),
        sa.Column("locale", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        timestamp("at"),
        references={"case_id": "case", "reporter_id": "reporter"},
        indexes=["case_id", "reporter_id"],
    )


def downgrade() -> None:
    """Revert this revision."""
    drop_tables(
        "consent",
        "case_event",
        "attachment",
        "outbox_message",
        "case",
        "conversation",
        "reporter",
        "reference_counter",
        "inbound_update",
    )
