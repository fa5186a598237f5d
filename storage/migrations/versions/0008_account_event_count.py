"""The research export on the account log: how many rows an entry is about.

Created 2026-12-07.
"""

from storage.migrations.schema import add_columns, drop_columns, integer

revision: str = "0008_account_event_count"
down_revision: str | None = "0007_console_accounts"


def upgrade() -> None:
    """Apply this revision."""
    add_columns("account_event", integer("item_count", nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    drop_columns("account_event", "item_count")
