"""Steps the revisions share: id-keyed tables, timestamps, named keys and indexes, column batches.

Revisions import this module, so it is frozen with them: changing what a function builds changes the
schema old revisions produce. Names follow the naming convention of storage.models, spelled out here
(op.f) so that a later change to the convention leaves the revisions alone.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

# One column name, or the names of a composite key or index.
Key = str | Sequence[str]


def timestamp(name: str, *, nullable: bool = False) -> "sa.Column[datetime]":
    """Return a timezone-aware timestamp column (storage.types.UTCDateTime)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def primary_key(table: str, column: str = "id") -> sa.PrimaryKeyConstraint:
    """Return the table's named primary key on column."""
    return sa.PrimaryKeyConstraint(column, name=op.f(f"pk_{table}"))


def create_table(
    table: str,
    *columns: "sa.Column[Any]",
    references: Mapping[str, str] | None = None,
    unique: Iterable[Key] = (),
    indexes: Iterable[Key] = (),
) -> None:
    """Create a table keyed by an integer id and stamped with created_at, with its keys and indexes.

    references maps a column to the table whose id it points at.
    """
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        timestamp("created_at"),
        *columns,
        *(_foreign_key(table, column, to) for column, to in (references or {}).items()),
        primary_key(table),
        *(unique_key(table, key) for key in unique),
    )
    create_indexes(table, *indexes)


def unique_key(table: str, key: Key) -> sa.UniqueConstraint:
    """Return the table's named unique constraint on key."""
    names = _names(key)
    return sa.UniqueConstraint(*names, name=op.f(f"uq_{table}_{'_'.join(names)}"))


def create_indexes(table: str, *indexes: Key) -> None:
    """Create the table's named, non-unique indexes, one per key."""
    for key in indexes:
        names = _names(key)
        op.create_index(op.f(f"ix_{table}_{'_'.join(names)}"), table, names, unique=False)


def drop_tables(*tables: str) -> None:
    """Drop the tables in the order given, each with its indexes."""
    for table in tables:
        op.drop_table(table)


def add_columns(table: str, *columns: "sa.Column[Any]") -> None:
    """Add the columns to the table in one batch (SQLite copies the table when it must)."""
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.add_column(column)


def drop_columns(table: str, *columns: str) -> None:
    """Drop the columns from the table in one batch (SQLite copies the table)."""
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.drop_column(column)


def _foreign_key(table: str, column: str, to: str) -> sa.ForeignKeyConstraint:
    """Return the named foreign key from table.column to the id of table to."""
    return sa.ForeignKeyConstraint([column], [f"{to}.id"], name=op.f(f"fk_{table}_{column}_{to}"))


def _names(key: Key) -> list[str]:
    """Return the column names of a key given as one name or several."""
    return [key] if isinstance(key, str) else list(key)
