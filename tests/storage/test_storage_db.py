"""Engine settings, sessions, UTC datetimes and the NUL-character rule."""

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import StatementError
from sqlmodel import select

from storage.db import is_postgres, make_engine, normalise_url, session
from storage.errors import NulCharacterError
from storage.models import Reporter


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:p@db:5432/suara",
        "postgresql://u:p@db:5432/suara",
        "postgresql+psycopg://u:p@db:5432/suara",
    ],
)
def test_normalise_url_rewrites_postgres_spellings_to_psycopg(url: str) -> None:
    assert normalise_url(url).drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url", ["mysql://u@db/x", "postgresql+asyncpg://u@db/x"])
def test_normalise_url_refuses_other_backends_and_drivers(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        normalise_url(url)


def test_sqlite_engine_creates_parent_folder_and_applies_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'suara.db'}")
    try:
        with engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
        assert pragmas == {
            "journal_mode": "wal",
            "synchronous": 2,
            "foreign_keys": 1,
            "busy_timeout": 10000,
        }
        assert (tmp_path / "nested" / "dir").is_dir()
        assert not is_postgres(engine)
    finally:
        engine.dispose()


def test_sqlite_transactions_begin_immediate(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'suara.db'}")
    statements: list[str] = []
    try:
        with engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.set_trace_callback(statements.append)
            with connection.begin():
                connection.execute(text("SELECT 1"))
        assert statements[:2] == ["BEGIN IMMEDIATE", "SELECT 1"]
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_shared_by_the_engine() -> None:
    engine = make_engine("sqlite://")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 0
    finally:
        engine.dispose()


def test_session_commits_on_success_and_rolls_back_on_error(engine: Engine) -> None:
    with session(engine) as db:
        db.add(Reporter(channel="web", channel_user_id="kept"))
    with pytest.raises(RuntimeError):
        _add_reporter(engine, "dropped", fail=True)
    with session(engine) as db:
        ids = set(db.exec(select(Reporter.channel_user_id)))
    assert ids == {"kept"}


def test_utc_datetimes_round_trip_as_aware_utc(engine: Engine) -> None:
    jakarta = timezone(timedelta(hours=7))
    moment = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=jakarta)
    with session(engine) as db:
        row = Reporter(channel="web", channel_user_id="tz", wa_window_until=moment)
        db.add(row)
    with session(engine) as db:
        if is_postgres(engine):
            db.connection().exec_driver_sql("SET TIME ZONE 'Asia/Jakarta'")
        stored = db.get(Reporter, row.id)
        assert stored is not None
        assert stored.wa_window_until == moment
        assert stored.wa_window_until is not None
        assert stored.wa_window_until.tzinfo is UTC
        assert stored.wa_window_until.hour == 1
        assert stored.created_at.tzinfo is UTC


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        _add_reporter(engine, "naive", unreachable_at=datetime(2026, 1, 1))


def test_nul_in_text_is_refused_on_every_database(engine: Engine) -> None:
    with pytest.raises(NulCharacterError), session(engine) as db:
        db.add(Reporter(channel="web", channel_user_id="u1", referral="poster\x00a"))
    with session(engine) as db:
        assert db.exec(select(Reporter)).all() == []


def _add_reporter(
    engine: Engine, user_id: str, *, fail: bool = False, unreachable_at: datetime | None = None
) -> None:
    """Insert a web reporter in its own transaction, optionally failing after the flush."""
    with session(engine) as db:
        db.add(Reporter(channel="web", channel_user_id=user_id, unreachable_at=unreachable_at))
        db.flush()
        if fail:
            raise RuntimeError


def test_database_errors_never_echo_parameters(engine: Engine) -> None:
    with pytest.raises(StatementError) as error:
        _add_reporter(engine, "Siti Aminah", unreachable_at=datetime(2026, 1, 1))
    assert "Siti Aminah" not in str(error.value)


def test_sqlite_writers_of_one_process_take_turns_in_arrival_order(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fifo.db'}")
    order: list[str] = []
    first_in = threading.Event()

    def write(name: str, hold: float) -> None:
        with engine.begin() as connection:
            order.append(f"{name} in")
            first_in.set()
            time.sleep(hold)
            connection.exec_driver_sql("SELECT 1")
            order.append(f"{name} out")

    try:
        holder = threading.Thread(target=write, args=("a", 0.3))
        holder.start()
        first_in.wait()
        waiters = []
        for name in ("b", "c", "d"):
            waiter = threading.Thread(target=write, args=(name, 0.0))
            waiter.start()
            waiters.append(waiter)
            time.sleep(0.05)  # arrive in this order
        began = time.perf_counter()
        for thread in (holder, *waiters):
            thread.join()
        assert time.perf_counter() - began < 1.0
        assert order == ["a in", "a out", "b in", "b out", "c in", "c out", "d in", "d out"]
    finally:
        engine.dispose()


def test_a_failed_or_abandoned_sqlite_transaction_hands_its_turn_on(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fifo.db'}")
    try:
        with pytest.raises(ZeroDivisionError), engine.begin():
            1 / 0  # noqa: B018 - rolled back
        abandoned = engine.connect()
        abandoned.exec_driver_sql("SELECT 1")  # begins, never commits
        abandoned.close()  # the pool's reset rolls it back
        done = threading.Event()

        def write() -> None:
            with engine.begin() as connection:
                connection.exec_driver_sql("SELECT 1")
            done.set()

        threading.Thread(target=write).start()
        assert done.wait(2.0), "a later writer got its turn at once"
    finally:
        engine.dispose()
