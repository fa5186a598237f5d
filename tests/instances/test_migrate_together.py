"""Two instances may migrate a fresh database at the same moment: both succeed, schema at head."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from schemas import fresh_schema
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import make_engine
from storage.migrate import MIGRATIONS, current

MIGRATE = "import sys; from storage.migrate import upgrade; upgrade(sys.argv[1])"
ROOT = Path(__file__).resolve().parents[2]


def migrate_together(url: str, count: int = 3) -> list[subprocess.CompletedProcess[str]]:
    """Runs `count` upgrades in processes of their own, started together; waits for each."""
    started = [
        subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", MIGRATE, url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    done = []
    for process in started:
        out, err = process.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def head() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_started_together_on_a_fresh_postgresql_schema_all_succeed() -> None:
    with fresh_schema() as url:
        results = migrate_together(url)
        assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-2000:] for r in results]
        assert current(url) == head()
        assert tables(url) == set(SQLModel.metadata.tables)


def test_migrations_started_together_on_a_fresh_sqlite_file_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    results = migrate_together(url)
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-2000:] for r in results]
    assert current(url) == head()
    assert tables(url) == set(SQLModel.metadata.tables)
