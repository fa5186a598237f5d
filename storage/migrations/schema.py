"""Steps the revisions share: typed columns, id-keyed tables, named keys and indexes, batches.

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


# What the database fills in when a row gives no value: a literal or an SQL expression.
ServerDefault = str | sa.sql.ColumnElement[Any] | None


def timestamp(name: str, *, nullable: bool = False) -> "sa.Column[datetime]":
    """Return a timezone-aware timestamp column (storage.types.UTCDateTime)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def string(
    name: str, *, nullable: bool = False, server_default: ServerDefault = None
) -> "sa.Column[str]":
    """Return a variable-length string column."""
    return sa.Column(name, sa.String(), nullable=nullable, server_default=server_default)


def text(name: str, *, nullable: bool = False) -> "sa.Column[str]":
    """Return a long text column (notes, encrypted tokens)."""
    return sa.Column(name, sa.Text(), nullable=nullable)


def integer(
    name: str, *, nullable: bool = False, server_default: ServerDefault = None
) -> "sa.Column[int]":
    """Return an integer column."""
    return sa.Column(name, sa.Integer(), nullable=nullable, server_default=server_default)


def boolean(name: str, *, server_default: ServerDefault = None) -> "sa.Column[bool]":
    """Return a boolean column; every flag the revisions add is required."""
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=server_default)


def json(name: str, *, server_default: ServerDefault = None) -> "sa.Column[Any]":
    """Return a JSON column; every JSON value the revisions add is required."""
    return sa.Column(name, sa.JSON(), nullable=False, server_default=server_default)


def binary(name: str) -> "sa.Column[bytes]":
    """Return a required binary column (raw update payloads)."""
    return sa.Column(name, sa.LargeBinary(), nullable=False)


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
    return sa.UniqueConstraint(*names, name=_name("uq", table, names))


def create_indexes(table: str, *indexes: Key) -> None:
    """Create the table's named, non-unique indexes, one per key."""
    for key in indexes:
        names = _names(key)
        op.create_index(_name("ix", table, names), table, names, unique=False)


def drop_tables(*tables: str) -> None:
    """Drop the tables in the order given, each with its indexes."""
    for table in tables:
        op.drop_table(table)


def add_columns(
    table: str, *columns: "sa.Column[Any]", unique: Iterable[Key] = (), indexes: Iterable[Key] = ()
) -> None:
    """Add the columns, then named unique keys and indexes, to the table in one batch.

    One batch, so that SQLite copies the table once when it must.
    """
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.add_column(column)
        for key in unique:
            batch.create_unique_constraint(_name("uq", table, _names(key)), _names(key))
        for key in indexes:
            batch.create_index(_name("ix", table, _names(key)), _names(key))


def drop_columns(
    table: str, *columns: str, unique: Iterable[Key] = (), indexes: Iterable[Key] = ()
) -> None:
    """Drop named unique keys and indexes, then the columns, from the table in one batch."""
    with op.batch_alter_table(table) as batch:
        for key in unique:
            batch.drop_constraint(_name("uq", table, _names(key)), type_="unique")
        for key in indexes:
            batch.drop_index(_name("ix", table, _names(key)))
        for column in columns:
            batch.drop_column(column)


def _foreign_key(table: str, column: str, to: str) -> sa.ForeignKeyConstraint:
    """Return the named foreign key from table.column to the id of table to."""
    return sa.ForeignKeyConstraint([column], [f"{to}.id"], name=op.f(f"fk_{table}_{column}_{to}"))


def _name(prefix: str, table: str, names: Sequence[str]) -> str:
    """Return the final name of a key or index: prefix, table and column names."""
    return op.f(f"{prefix}_{table}_{'_'.join(names)}")


def _names(key: Key) -> list[str]:
    """Return the column names of a key given as one name or several."""
    return [key] if isinstance(key, str) else list(key)
