"""Encryption at rest: JSON columns with personal data become text holding encrypted tokens.

Created 2026-11-28.

A type change only: rows written before keep their JSON text and still read back (storage.crypto
passes unmarked values through); `suara keys rotate` encrypts them. inbound_update.payload and
case_note.text keep their column types and are encrypted the same way.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005_encryption"
down_revision: str | None = "0004_safety"

COLUMNS = (("conversation", "state"), ("case", "answers"), ("outbox_message", "payload"))


def upgrade() -> None:
    """Apply this revision."""
    for table, column in COLUMNS:
        _change_type(table, column, sa.JSON(), sa.Text(), "text")


def downgrade() -> None:
    """Revert this revision (needs plaintext rows: decrypt before downgrading)."""
    for table, column in reversed(COLUMNS):
        _change_type(table, column, sa.Text(), sa.JSON(), "json")


def _change_type(
    table: str,
    column: str,
    old: sa.types.TypeEngine[Any],
    new: sa.types.TypeEngine[Any],
    cast: str,
) -> None:
    """Changes a column's type, keeping its values.

    SQLite: add, copy, drop, rename in place, since a batch copy of the table would drop a table
    other tables' foreign keys point at (refused while foreign keys are on).
    """
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            table,
            column,
            existing_type=old,
            type_=new,
            existing_nullable=False,
            postgresql_using=f'"{column}"::{cast}',
        )
        return
    temporary = f"{column}__new"
    op.add_column(table, sa.Column(temporary, new, nullable=False, server_default=sa.text("'{}'")))
    op.execute(f'UPDATE "{table}" SET "{temporary}" = "{column}"')
    op.drop_column(table, column)
    op.alter_column(table, temporary, new_column_name=column)
