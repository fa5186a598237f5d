"""WhatsApp: chats (phone and business-scoped ids, templates sent) and delivery statuses.

Revision ID: 0002_whatsapp
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_whatsapp"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "whatsapp_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("wa_id", sa.String(), nullable=True),
        sa.Column("bsuid", sa.String(), nullable=True),
        sa.Column("template_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_contact")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_whatsapp_contact_chat_id")),
        sa.UniqueConstraint("bsuid", name=op.f("uq_whatsapp_contact_bsuid")),
    )
    op.create_index(
        op.f("ix_whatsapp_contact_wa_id"), "whatsapp_contact", ["wa_id"], unique=False
    )
    op.create_table(
        "whatsapp_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wamid", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error_title", sa.String(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_delivery")),
        sa.UniqueConstraint("wamid", name=op.f("uq_whatsapp_delivery_wamid")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("whatsapp_delivery")
    op.drop_index(op.f("ix_whatsapp_contact_wa_id"), table_name="whatsapp_contact")
    op.drop_table("whatsapp_contact")
