"""SQLite writers of several processes take turns on a lock file, without SQLite's long sleeps."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from storage.db import make_engine
from storage.sqlite_locks import FileLock


def test_a_second_holder_waits_for_the_first_and_gets_the_lock_at_once(tmp_path: Path) -> None:
    path = tmp_path / "suara.db-writer"
    first, second = FileLock(path), FileLock(path)  # two open files: as two processes
    assert first.acquire(1)
    assert not second.acquire(0.05)
    got: list[float] = []
    waiter = threading.Thread(
        target=lambda: got.append(time.monotonic()) if second.acquire(5) else None
    )
    waiter.start()
    time.sleep(0.2)
    released = time.monotonic()
    first.release()
    waiter.join(5)
    assert got
    assert got[0] - released < 0.05  # looked again within a few milliseconds, not 100 ms later
    second.release()


def test_a_sqlite_file_engine_writes_under_the_lock_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    engine = make_engine(url)
    other = FileLock(tmp_path / "suara.db-writer")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        assert not other.acquire(0.02)  # held for the whole transaction
    assert other.acquire(1)  # and free after it
    other.release()
    engine.dispose()
