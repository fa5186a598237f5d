"""Encryption keys: load them from settings at startup, make new ones, rotate stored data.

Rotation re-encrypts every encrypted column (found in the table metadata) and every file of the
file store with the current key, and re-seals every sealed address with the current address
key, in batches that each commit; it is idempotent (a stopped run is simply run again) and
prints counts only.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import storage.escalation_models  # noqa: F401  (registers the tables)
import storage.models  # noqa: F401
import storage.safety_models  # noqa: F401
import storage.whatsapp  # noqa: F401
from bot.evidence import FileStore
from bot.settings import Settings
from storage import crypto

log = logging.getLogger(__name__)

KeyringError = crypto.KeyringError

ENCRYPTED_TYPES = (
    crypto.EncryptedBytes,
    crypto.EncryptedText,
    crypto.EncryptedJSON,
    crypto.SealedText,
)


def configured_keys(settings: Settings) -> list[str]:
    """Returns the keys of ENCRYPTION_KEYS, current first (empty when unset)."""
    if settings.safety.encryption_keys is None:
        return []
    return [
        k.strip()
        for k in settings.safety.encryption_keys.get_secret_value().split(",")
        if k.strip()
    ]


def key_file(settings: Settings) -> Path:
    """Returns where the generated key lives: the setting, else next to the SQLite database."""
    if settings.safety.encryption_key_file is not None:
        return settings.safety.encryption_key_file
    url = make_url(settings.database.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(f"{url.database}.key")
    return settings.files.data_dir / "suara.key"


def install(settings: Settings) -> None:
    """Sets the process keyring and address key from settings; refuses without keys outside
    the demo."""
    keys = configured_keys(settings)
    generated = settings.demo.enabled or settings.safety.encryption_allow_key_file
    if keys:
        crypto.use_keys(keys)
    elif not crypto.has_keys():
        if not generated:
            raise crypto.KeyringError(
                "ENCRYPTION_KEYS is not set: run `suara keys new` and set it "
                "(or ENCRYPTION_ALLOW_KEY_FILE=true to use a generated key file)"
            )
        crypto.use_keys([generated_key(key_file(settings))])
    address = settings.safety.encryption_address_key
    if address is not None:
        crypto.use_address_key(address.get_secret_value())
    elif not crypto.has_address_key():
        if not generated:
            raise crypto.KeyringError(
                "ENCRYPTION_ADDRESS_KEY is not set: run `suara keys new --address` and set it "
                "(or ENCRYPTION_ALLOW_KEY_FILE=true to use a generated key file)"
            )
        path = key_file(settings)
        crypto.use_address_key(
            generated_key(path.with_name(path.name + ".address"), crypto.new_address_key)
        )


def generated_key(path: Path, make: Callable[[], str] = crypto.new_key) -> str:
    """Returns the key kept in path, creating the file (mode 0600) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = make()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    log.warning(
        "no key configured: generated the key file %s; back it up, or the data is lost",
        path,
        extra={"key_file": str(path)},
    )
    return key


@dataclass
class Counts:
    """How many values rotation rewrote and how many were already current."""

    rewritten: int = 0
    current: int = 0


def encrypted_columns(
    types: tuple[type[Any], ...] = ENCRYPTED_TYPES,
) -> list[tuple[sa.Table, sa.Column[object]]]:
    """Returns every (table, column) stored encrypted (or of the given types), from the models."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, types):
                found.append((table, column))
    return found


def first_unreadable_column(engine: Engine) -> str | None:
    """Returns the first `table.column` whose newest stored value no configured key opens."""
    for table, column in encrypted_columns():
        key = next(iter(table.primary_key.columns))
        query = sa.select(column).where(column.is_not(None)).order_by(key.desc()).limit(1)
        try:
            with engine.connect() as connection:
                connection.execute(query).all()  # the column type decrypts on read
        except crypto.KeyringError:
            return f"{table.name}.{column.name}"
    return None


def rotate_column(engine: Engine, table: sa.Table, column: str, batch: int) -> Counts:
    """Re-encrypts one column with the current key, batch by batch (rows changed meanwhile stay)."""
    source = table.columns[column]
    binary = isinstance(source.type, crypto.EncryptedBytes)
    sealed = isinstance(source.type, crypto.SealedText)
    raw_type: sa.types.TypeEngine[Any] = sa.LargeBinary() if binary else sa.Text()
    key = next(iter(table.primary_key.columns)).name
    raw = sa.table(table.name, sa.column(key), sa.column(column, raw_type))
    counts, last = Counts(), None
    while True:
        query = sa.select(raw.c[key], raw.c[column]).order_by(raw.c[key]).limit(batch)
        if last is not None:
            query = query.where(raw.c[key] > last)
        with engine.begin() as connection:
            rows = connection.execute(query).all()
            for row_id, value in rows:
                _rotate_value(connection, raw, (key, column), row_id, value, sealed, counts)
        if len(rows) < batch:
            return counts
        last = rows[-1][0]


def _rotate_value(
    connection: sa.Connection,
    raw: sa.TableClause,
    names: tuple[str, str],
    row_id: object,
    value: object,
    sealed: bool,
    counts: Counts,
) -> None:
    """Rewrites one value unless it is current; compares first so a concurrent write wins."""
    key, column = names
    if value is None:
        return
    new_value = _renewed(value, sealed)
    if new_value is None:
        counts.current += 1
        return
    connection.execute(
        sa.update(raw)
        .where(raw.c[key] == row_id, raw.c[column] == value)
        .values({column: new_value})
    )
    counts.rewritten += 1


def _renewed(value: object, sealed: bool) -> object | None:
    """Returns a stored value under the current keys, or None when it already is."""
    if sealed:
        return crypto.reseal(str(value))
    data = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
    fresh = crypto.reencrypt(data)
    if fresh is None:
        return None
    return fresh if isinstance(value, bytes | memoryview) else fresh.decode("ascii")


def rotate_files(files: FileStore) -> Counts:
    """Re-encrypts every file of the store with the current key."""
    counts = Counts()
    for path in files.files():
        if files.reencrypt(path):
            counts.rewritten += 1
        else:
            counts.current += 1
    return counts


def rotate(
    engine: Engine, files: FileStore, batch: int = 500, *, addresses_only: bool = False
) -> dict[str, Counts]:
    """Re-encrypts every encrypted column and file, or re-seals the addresses only; counts."""
    columns = encrypted_columns((crypto.SealedText,) if addresses_only else ENCRYPTED_TYPES)
    result = {
        f"{table.name}.{column.name}": rotate_column(engine, table, column.name, batch)
        for table, column in columns
    }
    if not addresses_only:
        result["files"] = rotate_files(files)
    return result


def report(result: dict[str, Counts]) -> list[str]:
    """Returns one line of counts per column and for the files (never data)."""
    return [
        f"{name}: {c.rewritten} re-encrypted, {c.current} already current"
        for name, c in result.items()
    ]
