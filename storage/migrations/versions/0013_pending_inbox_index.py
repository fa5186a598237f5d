"""Pending inbox index: the ids of the updates still to process, in a partial index.

PostgreSQL's planner assumes pending rows are spread evenly through the table, so a claim walked
the primary key past every processed row (the whole history) before it found the first pending
one, whatever other index there was. A partial index of pending ids gives it a short path.

Revision ID: 0013_pending_inbox_index
Revises: 0012_queue_order_indexes
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0013_pending_inbox_index"
down_revision: str | None = "0012_queue_order_indexes"


def upgrade() -> None:
    """Apply this revision."""
    where = sa.text("status = 'pending'")
    op.create_index(
        "ix_inbound_update_pending",
        "inbound_update",
        ["id"],
        sqlite_where=where,
        postgresql_where=where,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_inbound_update_pending", table_name="inbound_update")
