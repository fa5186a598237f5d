"""`suara restore ARCHIVE`: puts back what `suara backup` archived, after checking every byte.

Nothing is touched until every member matched its manifest checksum in a staging folder. A
database or file store that already holds data is refused unless forced; a forced restore keeps
the replaced SQLite file beside it (`<file>.before-restore-<time>`), so nothing is lost.
PostgreSQL dumps are written out for `pg_restore`, which the command names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO

from bot.cli.archive import FILES, MANIFEST, PG_MEMBER, BackupError, Manifest
from bot.evidence import FileStore
from bot.settings import Settings
from storage import backup as snapshot
from storage import db


def restore(archive: Path, settings: Settings, out: IO[str], *, force: bool) -> None:
    """Checks the archive, then restores the database and the file store it holds."""
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file")
    store = FileStore(settings.files.store)
    target = snapshot.sqlite_file(settings.database.url)
    _refuse_data(settings, store, target, force)
    store.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.root.parent, prefix=".suara-restore-") as work:
        staging = Path(work)
        manifest = _unpack(archive, staging)
        if manifest.database is not None and manifest.backend == "sqlite":
            if target is None:
                raise BackupError("this archive holds SQLite; DATABASE_URL names PostgreSQL")
            _place_sqlite(staging / manifest.database, target, manifest, out)
        elif manifest.database == PG_MEMBER:
            _place_dump(staging / PG_MEMBER, archive, out)
        else:
            print("database: not in this archive (restore it from its pg_dump)", file=out)
        placed = _place_files(staging / FILES, store.root)
    print(f"files: {placed} restored to {store.root}", file=out)
    print(
        "Set the same ENCRYPTION_KEYS and ENCRYPTION_ADDRESS_KEY as when the archive was made, "
        "then run `suara migrate` before `suara serve`.",
        file=out,
    )


def _refuse_data(settings: Settings, store: FileStore, target: Path | None, force: bool) -> None:
    """Raises BackupError when the database or the file store holds data and force is not set."""
    if force:
        return
    if target is not None and target.exists() and target.stat().st_size > 0:
        engine = db.make_engine(settings.database.url, settings.database.timeouts(worker=True))
        try:
            if snapshot.holds_rows(engine):
                raise BackupError(f"the database {target} holds data; use --force to replace it")
        finally:
            engine.dispose()
    if next(store.files(), None) is not None:
        raise BackupError(f"the file store {store.root} holds files; use --force to add to it")


def _unpack(archive: Path, staging: Path) -> Manifest:
    """Extracts every member into staging, checking names and sha256 against the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = _manifest(tar)
            seen: set[str] = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                expected = manifest.checksums.get(member.name)
                if expected is None or not member.isfile() or not _safe(member.name):
                    raise BackupError(f"unexpected member {member.name!r}: not restoring")
                if _extract(tar, member, staging / member.name) != expected:
                    raise BackupError(f"{member.name} does not match its checksum: not restoring")
                seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"the archive is unreadable ({type(error).__name__})") from error
    missing = sorted(set(manifest.checksums) - seen)
    if missing:
        raise BackupError(f"{len(missing)} member(s) of the manifest are missing: not restoring")
    return manifest


def _manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        handle = tar.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("no manifest: not an archive of suara backup") from None
    if handle is None:
        raise BackupError("no manifest: not an archive of suara backup")
    return Manifest.from_json(handle.read())


def _safe(name: str) -> bool:
    """Tells whether a member name stays inside the staging folder."""
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Writes one member to target; returns the sha256 of what was written."""
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(f"unexpected member {member.name!r}: not restoring")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("wb") as sink:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            sink.write(block)
    return digest.hexdigest()


def _place_sqlite(staged: Path, target: Path, manifest: Manifest, out: IO[str]) -> None:
    """Checks the staged database against the manifest, then moves it into place."""
    if not snapshot.integrity_ok(staged):
        raise BackupError("the archived database fails SQLite's integrity check")
    revision, counts = snapshot.describe_sqlite(staged)
    if (revision, counts) != (manifest.revision, manifest.counts):
        raise BackupError("the archived database does not match its manifest counts")
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for suffix in ("", "-wal", "-shm"):
        old = target.with_name(target.name + suffix)
        if old.exists():
            kept = old.with_name(f"{target.name}.before-restore-{stamp}{suffix}")
            old.replace(kept)
            if not suffix:
                print(f"kept the replaced database as {kept}", file=out)
    shutil.move(staged, target)
    print(f"database: {target}, revision {revision}", file=out)
    for table in ("case", "conversation", "attachment"):
        if table in counts:
            print(f"  {table}: {counts[table]} rows", file=out)


def _place_dump(staged: Path, archive: Path, out: IO[str]) -> None:
    """Writes a PostgreSQL dump beside the archive and names the command that restores it."""
    dump = archive.with_name(archive.name.removesuffix(".tar.gz") + ".pgdump")
    shutil.move(staged, dump)
    print(f"database: the PostgreSQL dump is written to {dump}; restore it into an", file=out)
    print(f"  empty database: pg_restore --no-owner --dbname <DATABASE_URL> {dump}", file=out)
    print("  (the URL without SQLAlchemy's +psycopg)", file=out)


def _place_files(staged: Path, root: Path) -> int:
    """Moves the staged files into the store (same names: same content); returns how many."""
    placed = 0
    if not staged.exists():
        return placed
    for path in sorted(staged.rglob("*")):
        if path.is_file():
            target = root / path.relative_to(staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
            placed += 1
    return placed
