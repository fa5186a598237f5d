"""The research export on the account log: how many rows an entry is about.

Revision ID: 0008_account_event_count
Revises: 0007_console_accounts
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0008_account_event_count"
down_revision: str | None = "0007_console_accounts"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("account_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("item_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("account_event", schema=None) as batch_op:
        batch_op.drop_column("item_count")
