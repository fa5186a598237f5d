"""The database side of backups: a consistent SQLite copy, its schema revision and row counts.

The copy uses SQLite's online backup API, which reads a consistent snapshot while other
connections keep writing (WAL), so `suara serve` need not stop. PostgreSQL is copied by
pg_dump, its own tool; this module only builds the URL it understands.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

VERSION_TABLE = "alembic_version"


def _read_only(path: Path) -> sqlite3.Connection:
    """Opens a SQLite file read-only (a URI, so that any character of the path is safe)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def sqlite_file(url: str) -> Path | None:
    """Returns the database file of a SQLite URL, or None for PostgreSQL and in-memory ones."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copies a live SQLite database into target as one self-contained file (no WAL beside it)."""
    origin = contextlib.closing(_read_only(source))
    with origin as live, contextlib.closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")


def describe_sqlite(path: Path) -> tuple[str | None, dict[str, int]]:
    """Returns a SQLite file's schema revision and the row count of every table."""
    with contextlib.closing(_read_only(path)) as connection:
        names = [
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {
            name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in names
        }
        revision = None
        if VERSION_TABLE in names:
            row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
            revision = None if row is None else str(row[0])
    counts.pop(VERSION_TABLE, None)
    return revision, counts


def integrity_ok(path: Path) -> bool:
    """Tells whether SQLite finds the file sound (PRAGMA integrity_check)."""
    try:
        with contextlib.closing(_read_only(path)) as connection:
            row = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError:
        return False
    return row is not None and row[0] == "ok"


def count_rows(engine: Engine) -> dict[str, int]:
    """Returns the row count of every table but the revision table (any database)."""
    names = sorted(set(sa.inspect(engine).get_table_names()) - {VERSION_TABLE})
    with engine.connect() as connection:
        return {name: _count(connection, name) for name in names}


def _count(connection: sa.Connection, name: str) -> int:
    query = sa.select(sa.func.count()).select_from(sa.table(name))
    return int(connection.execute(query).scalar_one())


def holds_rows(engine: Engine) -> bool:
    """Tells whether any table but the revision table holds a row (a database in use)."""
    return any(count_rows(engine).values())


def pg_dump_command(url: str, target: Path) -> list[str]:
    """Returns the pg_dump call that writes url's database to target in custom format.

    When the URL sets a search_path (one schema per instance), only that schema is dumped.
    """
    command = ["pg_dump", "-Fc", "--no-owner", "-f", str(target)]
    options = str(make_url(url).query.get("options", ""))
    if options.startswith("-csearch_path="):
        command += ["--schema", options.removeprefix("-csearch_path=").split(",")[0]]
    return [*command, libpq_url(url)]


def libpq_url(url: str) -> str:
    """Returns a PostgreSQL URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)
