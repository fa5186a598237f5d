"""Escalation: webhook endpoints, escalations, the webhook outbox, caseworkers and tokens.

Created 2026-11-28.
"""

from alembic import op

from storage.migrations.schema import (
    boolean,
    create_table,
    drop_tables,
    integer,
    json,
    primary_key,
    string,
    text,
    timestamp,
)

revision: str = "0003_escalation"
down_revision: str | None = "0002_whatsapp"


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "caseworker",
        string("name"),
        string("office"),
        boolean("supervisor"),
        string("system_key", nullable=True),
        unique=["system_key"],
        indexes=["office"],
    )
    op.create_table(
        "dispatcher_lease",
        string("name"),
        string("owner"),
        timestamp("expires_at"),
        primary_key("dispatcher_lease", "name"),
    )
    op.create_table(
        "inbound_callback",
        string("webhook_id"),
        string("endpoint"),
        timestamp("received_at"),
        string("request_sha256"),
        integer("response_status"),
        json("response_body"),
        primary_key("inbound_callback", "webhook_id"),
    )
    create_table(
        "webhook_endpoint",
        string("name"),
        string("office"),
        string("level"),
        string("url"),
        boolean("enabled"),
        string("disabled_reason", nullable=True),
        timestamp("disabled_at", nullable=True),
        timestamp("paused_until", nullable=True),
        timestamp("failing_since", nullable=True),
        integer("consecutive_failures"),
        integer("max_in_flight"),
        timestamp("updated_at"),
        unique=["name"],
        indexes=["office"],
    )
    create_table(
        "api_token",
        integer("caseworker_id"),
        string("token_hash"),
        string("prefix"),
        timestamp("last_used_at", nullable=True),
        timestamp("revoked_at", nullable=True),
        references={"caseworker_id": "caseworker"},
        unique=["token_hash"],
        indexes=["caseworker_id"],
    )
    create_table(
        "case_note",
        integer("case_id"),
        integer("caseworker_id"),
        string("kind"),
        text("text"),
        references={"case_id": "case", "caseworker_id": "caseworker"},
        indexes=["case_id"],
    )
    create_table(
        "escalation",
        integer("case_id"),
        string("kind"),
        json("reasons"),
        string("urgency"),
        string("office"),
        integer("level"),
        string("status"),
        integer("sequence"),
        integer("reminders"),
        integer("opened_count"),
        timestamp("ack_due_at", nullable=True),
        timestamp("delivered_at", nullable=True),
        timestamp("acknowledged_at", nullable=True),
        string("acknowledged_by", nullable=True),
        integer("claimed_by", nullable=True),
        timestamp("claimed_at", nullable=True),
        timestamp("resolved_at", nullable=True),
        string("resolution", nullable=True),
        integer("version"),
        timestamp("updated_at"),
        references={"case_id": "case", "claimed_by": "caseworker"},
        unique=["case_id"],
        indexes=["office", ("status", "ack_due_at")],
    )
    create_table(
        "delivery",
        string("msg_id"),
        integer("escalation_id"),
        integer("endpoint_id"),
        string("office"),
        string("event_type"),
        integer("level"),
        text("payload"),
        string("state"),
        integer("attempts"),
        timestamp("next_attempt_at"),
        string("lease_owner", nullable=True),
        timestamp("lease_until", nullable=True),
        integer("last_status", nullable=True),
        string("last_error", nullable=True),
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
        integer("delivery_id"),
        integer("attempt_no"),
        timestamp("started_at"),
        integer("duration_ms"),
        integer("status_code"),
        string("error_class", nullable=True),
        string("response_excerpt", nullable=True),
        string("worker", nullable=True),
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
