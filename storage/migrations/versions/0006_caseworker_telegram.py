"""Caseworker group alerts: a caseworker's Telegram user id, so that group buttons know who pressed.

Revision ID: 0006_caseworker_telegram
Revises: 0005_encryption
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0006_caseworker_telegram"
down_revision: str | None = "0005_encryption"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_user_id", sa.String(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_caseworker_telegram_user_id"), ["telegram_user_id"]
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_caseworker_telegram_user_id"), type_="unique")
        batch_op.drop_column("telegram_user_id")
