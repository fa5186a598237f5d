"""Queue leases: inbound updates are claimed by one process before translation, and an outbox
row remembers which process is sending it (its outcome is written only under that owner).

Created 2026-12-07.
"""

from storage.migrations.schema import add_columns, drop_columns, string, timestamp

revision: str = "0010_queue_leases"
down_revision: str | None = "0009_reporter_messages"


def upgrade() -> None:
    """Apply this revision."""
    add_columns(
        "inbound_update",
        string("lease_owner", nullable=True),
        timestamp("lease_until", nullable=True),
        indexes=[("channel", "chat_id", "status")],
    )
    add_columns("outbox_message", string("lease_owner", nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    drop_columns("outbox_message", "lease_owner")
    drop_columns(
        "inbound_update", "lease_until", "lease_owner", indexes=[("channel", "chat_id", "status")]
    )
