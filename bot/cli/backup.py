"""`suara backup DEST`: the database and the file store in one dated archive with a manifest.

SQLite is copied with its online backup API (consistent while `suara serve` runs); PostgreSQL
with `pg_dump -Fc` when it is on PATH, else the command says so and archives the files alone.
The database is copied before the files: a file is written before the row that names it, so
every file a copied row names is in the archive. Files are archived as stored (encrypted); the
keys never are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from bot.cli.archive import FILES, MANIFEST, PG_MEMBER, SQLITE_MEMBER, BackupError, Manifest
from bot.cli.restore import restore
from bot.evidence import FileStore
from bot.settings import Settings
from storage import backup as snapshot
from storage import db, migrate

KEYS_REMINDER = (
    "The encryption keys are NOT in this archive: keep ENCRYPTION_KEYS and "
    "ENCRYPTION_ADDRESS_KEY (or their key files) apart from it; without them it cannot be read, "
    "and whoever holds both can read everything."
)
COMMANDS = ("backup", "restore")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `suara backup DEST` and `suara restore ARCHIVE [--force]`."""
    backup = commands.add_parser("backup", help="database and file store into one dated archive")
    backup.add_argument("dest", type=Path, help="folder the archive is written to")
    restore = commands.add_parser("restore", help="restore an archive made by suara backup")
    restore.add_argument("archive", type=Path, help="a suara-backup-*.tar.gz file")
    restore.add_argument(
        "--force", action="store_true", help="replace a database or file store that holds data"
    )


def run(args: argparse.Namespace, settings: Settings, out: IO[str]) -> int:
    """Runs backup or restore; prints what was done, or one line saying why not (exit 1)."""
    try:
        if args.command == "backup":
            backup(args.dest, settings, out)
        else:
            restore(args.archive, settings, out, force=args.force)
    except BackupError as error:
        print(f"suara {args.command}: {error}", file=out)
        return 1
    return 0


def backup(dest: Path, settings: Settings, out: IO[str]) -> Path:
    """Writes suara-backup-<UTC time>.tar.gz into dest; returns its path."""
    now = dt.datetime.now(dt.UTC)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / f"suara-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"
    if target.exists():
        raise BackupError(f"{target} already exists")
    with tempfile.TemporaryDirectory(dir=dest, prefix=".suara-backup-") as work:
        manifest, database = _copy_database(settings, Path(work), now, out)
        partial = target.with_name(target.name + ".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as archive,
        ):
            if database is not None and manifest.database is not None:
                manifest.checksums[manifest.database] = _sha256_file(database)
                archive.add(database, arcname=manifest.database, recursive=False)
            for name, data in _store_files(settings):
                manifest.checksums[name] = hashlib.sha256(data).hexdigest()
                _add_bytes(archive, name, data)
            _add_bytes(archive, MANIFEST, manifest.to_json())
        partial.replace(target)
    _report(target, manifest, out)
    return target


def _copy_database(
    settings: Settings, work: Path, now: dt.datetime, out: IO[str]
) -> tuple[Manifest, Path | None]:
    """Copies the database into work; returns the manifest begun and the copy (None without)."""
    url, stamp = settings.database.url, now.isoformat()
    source = snapshot.sqlite_file(url)
    if source is not None:
        if not source.exists():
            raise BackupError(f"DATABASE_URL names {source}, which does not exist")
        copy = work / "suara.db"
        snapshot.copy_sqlite(source, copy)
        revision, counts = snapshot.describe_sqlite(copy)
        return Manifest(stamp, "sqlite", SQLITE_MEMBER, revision, counts), copy
    if make_url(url).get_backend_name() != "postgresql":
        raise BackupError("an in-memory database cannot be backed up")
    engine = db.make_engine(url, settings.database.timeouts(worker=True))
    try:
        counts = snapshot.count_rows(engine)
    finally:
        engine.dispose()
    manifest = Manifest(stamp, "postgresql", None, migrate.current(url), counts)
    if shutil.which("pg_dump") is None:
        print(
            "PostgreSQL: pg_dump is not on PATH, so the database is NOT in this archive: "
            "back it up with `pg_dump -Fc` (docs/operations.md, Backups); the file store is.",
            file=out,
        )
        return manifest, None
    dump = work / "suara.pgdump"
    command = snapshot.pg_dump_command(url, dump)
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed (exit {done.returncode}): {done.stderr.strip()[:200]}")
    manifest.database = PG_MEMBER
    return manifest, dump


def _store_files(settings: Settings) -> Iterator[tuple[str, bytes]]:
    """Yields (archive name, stored bytes) for every file of the store, never a key file."""
    store = FileStore(settings.files.store)
    root = store.root.resolve() if store.root.exists() else store.root
    keys = {p.resolve() for p in _key_files(settings)}
    for path in store.files():
        if path.resolve() in keys:
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # erased since the listing: nothing to keep
            continue
        yield FILES + path.resolve().relative_to(root).as_posix(), data


def _key_files(settings: Settings) -> list[Path]:
    """Returns where generated key files live, so that they are never archived."""
    from bot.safety import key_file

    path = key_file(settings)
    return [path, path.with_name(path.name + ".address")]


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _report(target: Path, manifest: Manifest, out: IO[str]) -> None:
    """Prints the archive, the revision and the counts, then the keys reminder."""
    files = sum(1 for name in manifest.checksums if name.startswith(FILES))
    print(f"wrote {target}", file=out)
    print(f"database: {manifest.backend}, revision {manifest.revision}", file=out)
    for table in ("case", "conversation", "attachment"):
        if table in manifest.counts:
            print(f"  {table}: {manifest.counts[table]} rows", file=out)
    print(f"files: {files}", file=out)
    print(KEYS_REMINDER, file=out)
