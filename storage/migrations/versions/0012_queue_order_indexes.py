"""Queue order indexes: pending inbox and outbox rows read in id order without a sort.

A claim reads the first due rows in id order; with only (status, time) indexes the database
sorted every pending row on each claim, so a claim slowed down as a backlog grew.

Revision ID: 0012_queue_order_indexes
Revises: 0011_evidence_details
Create Date: 2026-12-08
"""

from alembic import op

revision: str = "0012_queue_order_indexes"
down_revision: str | None = "0011_evidence_details"


def upgrade() -> None:
    """Apply this revision."""
    op.create_index("ix_inbound_update_status_id", "inbound_update", ["status", "id"])
    op.create_index("ix_outbox_message_status_id", "outbox_message", ["status", "id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_outbox_message_status_id", table_name="outbox_message")
    op.drop_index("ix_inbound_update_status_id", table_name="inbound_update")
