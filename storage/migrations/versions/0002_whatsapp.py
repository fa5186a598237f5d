"""WhatsApp: chats (phone and business-scoped ids, templates sent) and delivery statuses.

Revision ID: 0002_whatsapp
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa

from storage.migrations.schema import create_table, drop_tables, timestamp

revision: str = "0002_whatsapp"
down_revision: str | None = "0001"


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "whatsapp_contact",
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("wa_id", sa.String(), nullable=True),
        sa.Column("bsuid", sa.String(), nullable=True),
        timestamp("template_sent_at", nullable=True),
        timestamp("updated_at"),
        unique=["chat_id", "bsuid"],
        indexes=["wa_id"],
    )
    create_table(
        "whatsapp_delivery",
        sa.Column("wamid", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        timestamp("sent_at", nullable=True),
        timestamp("delivered_at", nullable=True),
        timestamp("read_at", nullable=True),
        timestamp("failed_at", nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error_title", sa.String(), nullable=True),
        timestamp("updated_at"),
        unique=["wamid"],
    )


def downgrade() -> None:
    """Revert this revision."""
    drop_tables("whatsapp_delivery", "whatsapp_contact")
