"""Console accounts: sign-in columns on caseworker, a role from the supervisor flag, sessions,
one-time sign-in links and the account audit log.

Revision ID: 0007_console_accounts
Revises: 0006_caseworker_telegram
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.schema import create_table, drop_tables, timestamp

revision: str = "0007_console_accounts"
down_revision: str | None = "0006_caseworker_telegram"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(), nullable=False, server_default="caseworker")
        )
        batch_op.add_column(sa.Column("email", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("password_hash", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("totp_secret", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(timestamp("locked_until", nullable=True))
        batch_op.add_column(timestamp("disabled_at", nullable=True))
        batch_op.add_column(sa.Column("locale", sa.String(), nullable=False, server_default="id"))
        batch_op.create_unique_constraint(batch_op.f("uq_caseworker_email"), ["email"])
    op.execute("UPDATE caseworker SET role = 'supervisor' WHERE supervisor")
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.drop_column("supervisor")
        batch_op.alter_column("role", server_default=None)
        batch_op.alter_column("locale", server_default=None)
    create_table(
        "staff_session",
        sa.Column("caseworker_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        timestamp("last_seen_at"),
        timestamp("expires_at"),
        timestamp("revoked_at", nullable=True),
        references={"caseworker_id": "caseworker"},
        unique=["token_hash"],
        indexes=["caseworker_id"],
    )
    create_table(
        "sign_in_link",
        sa.Column("caseworker_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        timestamp("expires_at"),
        timestamp("used_at", nullable=True),
        references={"caseworker_id": "caseworker"},
        unique=["token_hash"],
        indexes=["caseworker_id"],
    )
    create_table(
        "account_event",
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("caseworker_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        timestamp("at"),
        references={"caseworker_id": "caseworker", "actor_id": "caseworker"},
        indexes=["type", "caseworker_id"],
    )


def downgrade() -> None:
    """Revert this revision."""
    drop_tables("account_event", "sign_in_link", "staff_session")
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("supervisor", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE caseworker SET supervisor = (role <> 'caseworker')")
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.alter_column("supervisor", server_default=None)
        batch_op.drop_constraint(batch_op.f("uq_caseworker_email"), type_="unique")
        for column in (
            "locale", "disabled_at", "locked_until", "totp_last_step", "totp_secret",
            "password_hash", "email", "role",
        ):
            batch_op.drop_column(column)
