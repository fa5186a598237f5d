"""`suara backup` then `suara restore` into an empty folder: the same cases, answers and files."""

from __future__ import annotations

import io
import logging
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from planted_rows import dump_database, jpeg, plant_case
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from bot.cli.commands import main
from bot.evidence.files import FileStore
from storage import db
from storage.models import Attachment, Case, InboundUpdate


@pytest.fixture(autouse=True)
def root_handlers() -> Iterator[None]:
    """Removes the handler `main` adds with basicConfig (it points at a captured stream)."""
    saved = list(logging.root.handlers)
    yield
    logging.root.handlers[:] = saved


def use_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> str:
    """Points the settings at a database and a file store inside folder; returns the URL."""
    url = f"sqlite:///{folder / 'suara.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FILE_STORE", str(folder / "files"))
    return url


def rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Returns every row of every table, read through the column types (decrypted)."""
    with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table))]
            for table in SQLModel.metadata.sorted_tables
        }


def stored_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated SQLite installation holding a submitted case with answers and photos."""
    url = use_folder(monkeypatch, tmp_path / "origin")
    assert main(["migrate"]) == 0
    engine = db.make_engine(url)
    store = FileStore(tmp_path / "origin" / "files")
    plant_case(engine, store, "BACKUP0701", phone="6281100000701", shared_photo=jpeg("kept"))
    yield engine
    engine.dispose()


def make_backup(dest: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    assert main(["backup", str(dest)]) == 0
    out = capsys.readouterr().out
    (archive,) = dest.glob("suara-backup-*.tar.gz")
    return archive, out


def test_backup_then_restore_into_an_empty_folder_gives_the_same_cases_answers_and_files(
    origin: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive, out = make_backup(tmp_path / "backups", capsys)
    assert "keys are NOT in this archive" in out
    assert "case: 1 rows" in out
    assert archive.stat().st_mode & 0o077 == 0
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert not any(name.endswith(".key") for name in names)

    url = use_folder(monkeypatch, tmp_path / "empty")
    assert main(["restore", str(archive)]) == 0
    said = capsys.readouterr().out
    assert "files: 4 restored" in said
    assert "case: 1 rows" in said

    restored = db.make_engine(url)
    try:
        assert rows(restored) == rows(origin)
        assert dump_database(restored) == dump_database(origin)
        with db.session(restored) as session:
            (case,) = session.exec(select(Case)).scalars().all()
            attachments = session.exec(select(Attachment)).scalars().all()
        assert case.answers["passport"] == "PASSPORT-BACKUP0701"
    finally:
        restored.dispose()
    before, after = tmp_path / "origin" / "files", tmp_path / "empty" / "files"
    assert stored_files(after) == stored_files(before)  # byte for byte, still encrypted
    photo = next(a for a in attachments if a.clean_path)
    assert FileStore(after).open(photo.path or "") == FileStore(before).open(photo.path or "")


def test_restore_refuses_a_folder_that_holds_data_unless_forced(
    origin: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive, _ = make_backup(tmp_path / "backups", capsys)
    assert main(["restore", str(archive)]) == 1  # the origin itself holds the case
    assert "holds data; use --force" in capsys.readouterr().out
    assert main(["restore", "--force", str(archive)]) == 0
    assert "kept the replaced database" in capsys.readouterr().out
    assert list((tmp_path / "origin").glob("suara.db.before-restore-*"))


def test_a_changed_byte_in_the_archive_restores_nothing(
    origin: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive, _ = make_backup(tmp_path / "backups", capsys)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            data = (source.extractfile(member) or io.BytesIO()).read()
            if member.name.startswith("files/") and member.name.endswith(".jpg"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))
    use_folder(monkeypatch, tmp_path / "empty")
    assert main(["restore", str(tampered)]) == 1
    assert "does not match its checksum" in capsys.readouterr().out
    assert not (tmp_path / "empty" / "suara.db").exists()
    assert not any(p.is_file() for p in (tmp_path / "empty").rglob("*"))


def test_a_backup_taken_while_rows_are_written_restores_a_consistent_copy(
    origin: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stop = threading.Event()

    def write() -> None:
        for number in range(2000):  # bounded, stops with the backup
            if stop.is_set():
                return
            with db.session(origin) as session:
                session.add(
                    InboundUpdate(
                        channel="telegram", external_id=f"u{number}", chat_id="42",
                        payload=b"{}", status="pending",
                    )
                )  # fmt: skip

    writer = threading.Thread(target=write)
    writer.start()
    try:
        archive, _ = make_backup(tmp_path / "backups", capsys)
    finally:
        stop.set()
        writer.join()
    url = use_folder(monkeypatch, tmp_path / "empty")
    assert main(["restore", str(archive)]) == 0  # counts and integrity checked on the way
    restored = db.make_engine(url)
    try:
        with db.session(restored) as session:
            copied = len(session.exec(select(InboundUpdate)).scalars().all())
        with db.session(origin) as session:
            written = len(session.exec(select(InboundUpdate)).scalars().all())
    finally:
        restored.dispose()
    assert 1 <= copied <= written


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_the_archive_holds_a_pg_dump_and_the_files(
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FILE_STORE", str(tmp_path / "files"))
    plant_case(engine, FileStore(tmp_path / "files"), "PGDUMP0702", phone="6281100000702")
    archive, out = make_backup(tmp_path / "backups", capsys)
    assert "keys are NOT in this archive" in out
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        dump = (tar.extractfile("database/suara.pgdump") or io.BytesIO()).read()
    assert sum(name.startswith("files/") for name in names) == 4
    (tmp_path / "suara.pgdump").write_bytes(dump)
    listing = subprocess.run(
        ["pg_restore", "--list", str(tmp_path / "suara.pgdump")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TABLE DATA" in listing
    assert " case " in listing
