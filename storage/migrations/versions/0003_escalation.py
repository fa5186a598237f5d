"""Escalation: webhook endpoints, escalations, the webhook outbox, caseworkers and tokens.

Revision ID: 0003_escalation
Revises: 0002_whatsapp
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.schema import create_table, drop_tables, primary_key, timestamp

revision: str = "0003_escalation"
down_revision: str | None = "0002_whatsapp"


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "caseworker",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("office", sa.String(), nullable=False),
        sa.Column("supervisor", sa.Boolean(), nullable=False),
        sa.Column("system_key", sa.String(), nullable=True),
        unique=["system_key"],
        indexes=["office"],
    )
    op.create_table(
        "dispatcher_lease",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        timestamp("expires_at"),
        primary_key("dispatcher_lease", "name"),
    )
    op.create_table(
        "inbound_callback",
        sa.Column("webhook_id", sa.String(), nullable=False),
        sa.Column("endpoint", sa.String(), nullable=False),
        timestamp("received_at"),
        sa.Column("request_sha256", sa.String(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.JSON(), nullable=False),
        primary_key("inbound_callback", "webhook_id"),
    )
    create_table(
        "webhook_endpoint",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("office", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(), nullable=True),
        timestamp("disabled_at", nullable=True),
        timestamp("paused_until", nullable=True),
        timestamp("failing_since", nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("max_in_flight", sa.Integer(), nullable=False),
        timestamp("updated_at"),
        unique=["name"],
        indexes=["office"],
    )
    create_table(
        "api_token",
        sa.Column("caseworker_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("prefix", sa.String(), nullable=False),
        timestamp("last_used_at", nullable=True),
        timestamp("revoked_at", nullable=True),
        references={"caseworker_id": "caseworker"},
        unique=["token_hash"],
        indexes=["caseworker_id"],
    )
    create_table(
        "case_note",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("caseworker_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        references={"case_id": "case", "caseworker_id": "caseworker"},
        indexes=["case_id"],
    )
    create_table(
        "escalation",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("urgency", sa.String(), nullable=False),
        sa.Column("office", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("opened_count", sa.Integer(), nullable=False),
        timestamp("ack_due_at", nullable=True),
        timestamp("delivered_at", nullable=True),
        timestamp("acknowledged_at", nullable=True),
        sa.Column("acknowledged_by", sa.String(), nullable=True),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        timestamp("claimed_at", nullable=True),
        timestamp("resolved_at", nullable=True),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        timestamp("updated_at"),
        references={"case_id": "case", "claimed_by": "caseworker"},
        unique=["case_id"],
        indexes=["office", ("status", "ack_due_at")],
    )
    create_table(
        "delivery",
        sa.Column("msg_id", sa.String(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(), nullable=False),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        timestamp("next_attempt_at"),
        sa.Column("lease_owner", sa.String(), nullable=True),
        timestamp("lease_until", nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        timestamp("delivered_at", nullable=True),
        timestamp("updated_at"),
        references={"endpoint_id": "webhook_endpoint", "escalation_id": "escalation"},
        unique=["msg_id"],
        indexes=[
            "endpoint_id",
            "escalation_id",
            ("office", "escalation_id"),
            ("state", "next_attempt_at"),
        ],
    )
    create_table(
        "delivery_attempt",
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        timestamp("started_at"),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("error_class", sa.String(), nullable=True),
        sa.Column("response_excerpt", sa.String(), nullable=True),
        sa.Column("worker", sa.String(), nullable=True),
        references={"delivery_id": "delivery"},
        unique=[("delivery_id", "attempt_no")],
    )


def downgrade() -> None:
    """Revert this revision."""
    drop_tables(
        "delivery_attempt",
        "delivery",
        "escalation",
        "case_note",
        "api_token",
        "webhook_endpoint",
        "inbound_callback",
        "dispatcher_lease",
        "caseworker",
    )
