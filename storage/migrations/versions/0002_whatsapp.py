"""WhatsApp: chats (phone and business-scoped ids, templates sent) and delivery statuses.

Created 2026-11-28.
"""

from storage.migrations.schema import create_table, drop_tables, integer, string, timestamp

revision: str = "0002_whatsapp"
down_revision: str | None = "0001"


def upgrade() -> None:
    """Apply this revision."""
    create_table(
        "whatsapp_contact",
        string("chat_id"),
        string("wa_id", nullable=True),
        string("bsuid", nullable=True),
        timestamp("template_sent_at", nullable=True),
        timestamp("updated_at"),
        unique=["chat_id", "bsuid"],
        indexes=["wa_id"],
    )
    create_table(
        "whatsapp_delivery",
        string("wamid"),
        string("chat_id", nullable=True),
        string("status"),
        timestamp("sent_at", nullable=True),
        timestamp("delivered_at", nullable=True),
        timestamp("read_at", nullable=True),
        timestamp("failed_at", nullable=True),
        integer("error_code", nullable=True),
        string("error_title", nullable=True),
        timestamp("updated_at"),
        unique=["wamid"],
    )


def downgrade() -> None:
    """Revert this revision."""
    drop_tables("whatsapp_delivery", "whatsapp_contact")
