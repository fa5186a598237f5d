"""Queue leases: inbound updates are claimed by one process before translation, and an outbox
row remembers which process is sending it (its outcome is written only under that owner).

Revision ID: 0010_queue_leases
Revises: 0009_reporter_messages
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0010_queue_leases"
down_revision: str | None = "0009_reporter_messages"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("inbound_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_inbound_update_channel_chat_id_status", ["channel", "chat_id", "status"]
        )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("lease_owner")
    with op.batch_alter_table("inbound_update", schema=None) as batch_op:
        batch_op.drop_index("ix_inbound_update_channel_chat_id_status")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")
