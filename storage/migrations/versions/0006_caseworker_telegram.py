"""Caseworker group alerts: a caseworker's Telegram user id, so that group buttons know who pressed.

Created 2026-11-28.
"""

from storage.migrations.schema import add_columns, drop_columns, string

revision: str = "0006_caseworker_telegram"
down_revision: str | None = "0005_encryption"


def upgrade() -> None:
    """Apply this revision."""
    add_columns(
        "caseworker", string("telegram_user_id", nullable=True), unique=["telegram_user_id"]
    )


def downgrade() -> None:
    """Revert this revision."""
    drop_columns("caseworker", "telegram_user_id", unique=["telegram_user_id"])
