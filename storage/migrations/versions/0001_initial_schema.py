"""Initial schema: reporters, conversations, inbox, cases, events, attachments, outbox, consent.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "inbound_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("step_id", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_update")),
        sa.UniqueConstraint(
            "channel", "external_id", name=op.f("uq_inbound_update_channel_external_id")
        ),
    )
    op.create_index(
        op.f("ix_inbound_update_status_received_at"),
        "inbound_update",
        ["status", "received_at"],
        unique=False,
    )

    op.create_table(
        "reference_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_reference_counter")),
    )
    op.create_table(
        "reporter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("channel_user_id", sa.String(), nullable=False),
        sa.Column("locale", sa.String(), nullable=True),
        sa.Column("referral", sa.String(), nullable=True),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wa_window_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_word_hash", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporter")),
        sa.UniqueConstraint(
            "channel", "channel_user_id", name=op.f("uq_reporter_channel_channel_user_id")
        ),
    )
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("flow_id", sa.String(), nullable=False),
        sa.Column("step_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_timer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timer_kind", sa.String(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["reporter.id"], name=op.f("fk_conversation_reporter_id_reporter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation")),
        sa.UniqueConstraint("channel", "chat_id", name=op.f("uq_conversation_channel_chat_id")),
    )
    op.create_index(
        op.f("ix_conversation_next_timer_at"), "conversation", ["next_timer_at"], unique=False
    )
    op.create_index(
        op.f("ix_conversation_reporter_id"), "conversation", ["reporter_id"], unique=False
    )

    op.create_table(
        "case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
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
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_case_conversation_id_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["reporter.id"], name=op.f("fk_case_reporter_id_reporter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
        sa.UniqueConstraint("reference", name=op.f("uq_case_reference")),
    )
    op.create_index(op.f("ix_case_conversation_id"), "case", ["conversation_id"], unique=False)
    op.create_index(op.f("ix_case_reporter_id"), "case", ["reporter_id"], unique=False)
    op.create_index(op.f("ix_case_status_urgency"), "case", ["status", "urgency"], unique=False)

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_outbox_message_conversation_id_conversation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    op.create_index(
        op.f("ix_outbox_message_channel_chat_id_status"),
        "outbox_message",
        ["channel", "chat_id", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_outbox_message_conversation_id"),
        "outbox_message",
        ["conversation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_outbox_message_status_next_attempt_at"),
        "outbox_message",
        ["status", "next_attempt_at"],
        unique=False,
    )

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
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
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_attachment_case_id_case")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_attachment_conversation_id_conversation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index(op.f("ix_attachment_case_id"), "attachment", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_attachment_conversation_id"), "attachment", ["conversation_id"], unique=False
    )

    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_event_case_id_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    op.create_index(op.f("ix_case_event_case_id"), "case_event", ["case_id"], unique=False)

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(), nullable=False),
        sa.Column("text_version", sa.String(), nullable=False),
        sa.Column("locale", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_consent_case_id_case")),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["reporter.id"], name=op.f("fk_consent_reporter_id_reporter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    op.create_index(op.f("ix_consent_case_id"), "consent", ["case_id"], unique=False)
    op.create_index(op.f("ix_consent_reporter_id"), "consent", ["reporter_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_consent_reporter_id"), table_name="consent")
    op.drop_index(op.f("ix_consent_case_id"), table_name="consent")

    op.drop_table("consent")
    op.drop_index(op.f("ix_case_event_case_id"), table_name="case_event")

    op.drop_table("case_event")
    op.drop_index(op.f("ix_attachment_conversation_id"), table_name="attachment")
    op.drop_index(op.f("ix_attachment_case_id"), table_name="attachment")

    op.drop_table("attachment")
    op.drop_index(op.f("ix_outbox_message_status_next_attempt_at"), table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_conversation_id"), table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_channel_chat_id_status"), table_name="outbox_message")

    op.drop_table("outbox_message")
    op.drop_index(op.f("ix_case_status_urgency"), table_name="case")
    op.drop_index(op.f("ix_case_reporter_id"), table_name="case")
    op.drop_index(op.f("ix_case_conversation_id"), table_name="case")

    op.drop_table("case")
    op.drop_index(op.f("ix_conversation_reporter_id"), table_name="conversation")
    op.drop_index(op.f("ix_conversation_next_timer_at"), table_name="conversation")

    op.drop_table("conversation")
    op.drop_table("reporter")
    op.drop_table("reference_counter")
    op.drop_index(op.f("ix_inbound_update_status_received_at"), table_name="inbound_update")

    op.drop_table("inbound_update")
