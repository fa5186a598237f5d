"""Evidence details: a file's caption, a shared contact or place, and the parts of a split reply
already delivered (a retry sends only the rest).

Revision ID: 0011_evidence_details
Revises: 0010_queue_leases
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0011_evidence_details"
down_revision: str | None = "0010_queue_leases"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("caption", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("shared", sa.Text(), nullable=True))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("parts_sent")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("shared")
        batch_op.drop_column("caption")
