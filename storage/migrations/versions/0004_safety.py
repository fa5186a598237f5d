"""Safety and data protection: rights requests, chat message ids, job runs, holds and erasure.

Revision ID: 0004_safety
Revises: 0003_escalation
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_safety"
down_revision: str | None = "0003_escalation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "chat_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("direction", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_message")),
        sa.UniqueConstraint(
            "channel",
            "chat_id",
            "message_id",
            "direction",
            name=op.f("uq_chat_message_channel_chat_id_message_id_direction"),
        ),
    )
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chat_message_channel_chat_id_at"),
            ["channel", "chat_id", "at"],
            unique=False,
        )

    op.create_table(
        "job_run",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_run")),
    )
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("locale", sa.String(), nullable=False),
        sa.Column("purpose", sa.String(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_data_request_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["reporter.id"], name=op.f("fk_data_request_reporter_id_reporter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_request")),
    )
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_request_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_data_request_reporter_id"), ["reporter_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_data_request_status_due_at"), ["status", "due_at"], unique=False
        )

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clean_path", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("clean_sha256", sa.String(), nullable=True))

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("legal_hold_reason", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("minimised_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient", sa.String(), nullable=True))

    with op.batch_alter_table("inbound_update", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("reporter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("code_word_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("safe_times", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("utc_offset_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("reporter", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.drop_column("restricted_at")
        batch_op.drop_column("utc_offset_minutes")
        batch_op.drop_column("safe_times")
        batch_op.drop_column("code_word_failures")

    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_column("recipient")

    with op.batch_alter_table("inbound_update", schema=None) as batch_op:
        batch_op.drop_column("next_attempt_at")

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.drop_column("minimised_at")
        batch_op.drop_column("legal_hold_reason")
        batch_op.drop_column("legal_hold")

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("clean_sha256")
        batch_op.drop_column("clean_path")

    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_request_status_due_at"))
        batch_op.drop_index(batch_op.f("ix_data_request_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_data_request_case_id"))

    op.drop_table("data_request")
    op.drop_table("job_run")
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_message_channel_chat_id_at"))

    op.drop_table("chat_message")
