"""Initial schema: reporters, conversations, inbox, cases, events, attachments, outbox, consent.

Created 2026-11-28.
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.schema import (
    binary,
    boolean,
    create_table,
    drop_tables,
    integer,
    json,
    primary_key,
    string,
    timestamp,
)

revision: str = "0001"
down_revision: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "inbound_update",
        string("channel"),
        string("external_id"),
        string("chat_id", nullable=True),
        binary("payload"),
        timestamp("received_at"),
        timestamp("processed_at", nullable=True),
        string("status"),
        integer("attempts"),
        string("error", nullable=True),
        string("step_id", nullable=True),
        unique=[("channel", "external_id")],
        indexes=[("status", "received_at")],
    )
    op.create_table(
        "reference_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        integer("last_value"),
        timestamp("created_at"),
        primary_key("reference_counter", "year"),
    )
    create_table(
        "reporter",
        string("channel"),
        string("channel_user_id"),
        string("locale", nullable=True),
        string("referral", nullable=True),
        boolean("unreachable"),
        timestamp("unreachable_at", nullable=True),
        timestamp("wa_window_until", nullable=True),
        string("code_word_hash", nullable=True),
        unique=[("channel", "channel_user_id")],
    )
    create_table(
        "conversation",
        integer("reporter_id"),
        string("channel"),
        string("chat_id"),
        string("flow_id"),
        string("step_id"),
        string("status"),
        json("state"),
        integer("version"),
        timestamp("last_inbound_at", nullable=True),
        timestamp("next_timer_at", nullable=True),
        string("timer_kind", nullable=True),
        timestamp("updated_at"),
        references={"reporter_id": "reporter"},
        unique=[("channel", "chat_id")],
        indexes=["next_timer_at", "reporter_id"],
    )
    create_table(
        "case",
        string("reference"),
        integer("conversation_id"),
        integer("reporter_id"),
        string("status"),
        string("reporter_role", nullable=True),
        string("primary_category", nullable=True),
        json("categories"),
        string("urgency"),
        json("urgency_triggers"),
        string("destination_country", nullable=True),
        string("home_regency", nullable=True),
        string("lead_office", nullable=True),
        string("liaison_office", nullable=True),
        json("copy_offices"),
        string("locale"),
        string("channel"),
        json("answers"),
        boolean("needs_human"),
        timestamp("submitted_at", nullable=True),
        timestamp("updated_at"),
        references={"conversation_id": "conversation", "reporter_id": "reporter"},
        unique=["reference"],
        indexes=["conversation_id", "reporter_id", ("status", "urgency")],
    )
    create_table(
        "outbox_message",
        integer("conversation_id", nullable=True),
        string("channel"),
        string("chat_id"),
        json("payload"),
        string("status"),
        integer("attempts"),
        timestamp("next_attempt_at"),
        timestamp("lease_until", nullable=True),
        string("external_id", nullable=True),
        string("error", nullable=True),
        timestamp("sent_at", nullable=True),
        references={"conversation_id": "conversation"},
        indexes=[
            ("channel", "chat_id", "status"),
            "conversation_id",
            ("status", "next_attempt_at"),
        ],
    )
    create_table(
        "attachment",
        integer("case_id", nullable=True),
        integer("conversation_id"),
        string("step_id", nullable=True),
        string("kind"),
        string("mime_type", nullable=True),
        integer("size_bytes"),
        string("sha256", nullable=True),
        string("path", nullable=True),
        string("status"),
        string("external_ref", nullable=True),
        references={"case_id": "case", "conversation_id": "conversation"},
        indexes=["case_id", "conversation_id"],
    )
    create_table(
        "case_event",
        integer("case_id"),
        string("type"),
        string("actor"),
        json("data"),
        timestamp("at"),
        references={"case_id": "case"},
        indexes=["case_id"],
    )
    create_table(
        "consent",
        integer("reporter_id"),
        integer("case_id", nullable=True),
        string("purpose"),
        string("text_version"),
        string("locale"),
        string("channel"),
        string("answer"),
        string("actor"),
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
