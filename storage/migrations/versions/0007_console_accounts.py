"""Console accounts: sign-in columns on caseworker, a role from the supervisor flag, sessions,
one-time sign-in links and the account audit log.

Created 2026-12-06.
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.schema import (
    add_columns,
    boolean,
    create_table,
    drop_tables,
    integer,
    string,
    text,
    timestamp,
)

revision: str = "0007_console_accounts"
down_revision: str | None = "0006_caseworker_telegram"


def upgrade() -> None:
    """Apply this revision."""
    add_columns(
        "caseworker",
        string("role", server_default="caseworker"),
        string("email", nullable=True),
        string("password_hash", nullable=True),
        text("totp_secret", nullable=True),
        integer("totp_last_step", nullable=True),
        timestamp("locked_until", nullable=True),
        timestamp("disabled_at", nullable=True),
        string("locale", server_default="id"),
        unique=["email"],
    )
    op.execute("UPDATE caseworker SET role = 'supervisor' WHERE supervisor")
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.drop_column("supervisor")
        batch_op.alter_column("role", server_default=None)
        batch_op.alter_column("locale", server_default=None)
    create_table(
        "staff_session",
        integer("caseworker_id"),
        string("token_hash"),
        timestamp("last_seen_at"),
        timestamp("expires_at"),
        timestamp("revoked_at", nullable=True),
        references={"caseworker_id": "caseworker"},
        unique=["token_hash"],
        indexes=["caseworker_id"],
    )
    create_table(
        "sign_in_link",
        integer("caseworker_id"),
        string("token_hash"),
        timestamp("expires_at"),
        timestamp("used_at", nullable=True),
        references={"caseworker_id": "caseworker"},
        unique=["token_hash"],
        indexes=["caseworker_id"],
    )
    create_table(
        "account_event",
        string("type"),
        integer("caseworker_id", nullable=True),
        integer("actor_id", nullable=True),
        timestamp("at"),
        references={"caseworker_id": "caseworker", "actor_id": "caseworker"},
        indexes=["type", "caseworker_id"],
    )


def downgrade() -> None:
    """Revert this revision."""
    drop_tables("account_event", "sign_in_link", "staff_session")
    add_columns("caseworker", boolean("supervisor", server_default=sa.false()))
    op.execute("UPDATE caseworker SET supervisor = (role <> 'caseworker')")
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.alter_column("supervisor", server_default=None)
        batch_op.drop_constraint(batch_op.f("uq_caseworker_email"), type_="unique")
        for column in (
            "locale",
            "disabled_at",
            "locked_until",
            "totp_last_step",
            "totp_secret",
            "password_hash",
            "email",
            "role",
        ):
            batch_op.drop_column(column)
