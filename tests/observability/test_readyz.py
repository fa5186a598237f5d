"""/readyz: 200 with each check when ready; 503 naming what fails, within 2 s, no traceback."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from settings_helpers import make_settings

from bot.observability import process_name
from bot.observability.readiness import HEARTBEAT_TERM
from bot.settings import Settings
from handlers.app import create_app
from storage import db, leases
from storage.migrate import migrations_at_head, upgrade

CHECKS = ["database", "migrations", "worker_heartbeat", "dispatcher_lease"]


@asynccontextmanager
async def running(settings: Settings, *, background: bool) -> AsyncIterator[httpx.AsyncClient]:
    """Runs an app's startup and yields a client speaking to it over ASGI."""
    app = create_app(settings, background=background)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://suara.test") as client:
            yield client


def sqlite_settings(tmp_path: Path, *, migrated: bool = True) -> Settings:
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    if migrated:
        upgrade(url)
    return make_settings(database_url=url, file_store=tmp_path / "files")


async def ready_within(client: httpx.AsyncClient, seconds: float) -> httpx.Response:
    """Asks /readyz until it answers 200 (the heartbeat and the lease come a moment after start)."""
    deadline = time.monotonic() + seconds
    while True:
        answer = await client.get("/readyz")
        if answer.status_code == 200 or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.1)


def migrated(database_url: str, tmp_path: Path) -> Settings:
    upgrade(database_url)
    return make_settings(database_url=database_url, file_store=tmp_path / "files")


@pytest.mark.asyncio
async def test_ready_when_the_background_work_runs(database_url: str, tmp_path: Path) -> None:
    async with running(migrated(database_url, tmp_path), background=True) as client:
        answer = await ready_within(client, 10)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ready"
    assert body["failing"] == []
    assert list(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["detail"] == "at head"


@pytest.mark.asyncio
async def test_not_ready_without_a_worker_heartbeat_or_a_dispatcher(
    database_url: str, tmp_path: Path
) -> None:
    async with running(migrated(database_url, tmp_path), background=False) as client:
        answer = await client.get("/readyz")
        health = await client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    if database_url.startswith("sqlite"):  # one dispatcher holds a lease there
        assert body["failing"] == ["worker_heartbeat", "dispatcher_lease"]
    else:
        assert body["failing"] == ["worker_heartbeat"]
    assert body["checks"]["database"]["ok"] is True
    assert "Traceback" not in answer.text
    assert health.status_code == 200  # alive, only not ready


@pytest.mark.asyncio
async def test_a_stale_heartbeat_is_not_ready(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    engine = db.make_engine(settings.database.url)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=3 * HEARTBEAT_TERM)
    with db.session(engine) as session:
        leases.beat(session=session, owner=process_name(), now=long_ago, seconds=HEARTBEAT_TERM)
    engine.dispose()
    async with running(settings, background=False) as client:
        answer = await client.get("/readyz")
    assert answer.status_code == 503
    detail = answer.json()["checks"]["worker_heartbeat"]
    assert detail["ok"] is False
    assert detail["detail"].startswith("last beat")


@pytest.mark.asyncio
async def test_not_ready_while_migrations_are_behind(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path, migrated=False)
    assert migrations_at_head(settings.database.url) is False
    async with running(settings, background=False) as client:
        answer = await client.get("/readyz")
    assert answer.status_code == 503
    assert "migrations" in answer.json()["failing"]
    upgrade(settings.database.url)
    assert migrations_at_head(settings.database.url) is True


class SilentDatabase:
    """A TCP server that accepts connections and never says a word (a hung database)."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port: int = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()


@pytest.fixture
def silent() -> Iterator[SilentDatabase]:
    server = SilentDatabase()
    yield server
    server.close()


def refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: connections to it are refused


@pytest.mark.asyncio
@pytest.mark.parametrize("database", ["silent", "refusing"])
async def test_a_silent_or_refusing_database_is_503_within_two_seconds(
    tmp_path: Path, silent: SilentDatabase, database: str
) -> None:
    port = silent.port if database == "silent" else refused_port()
    settings = make_settings(
        database_url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/test",
        file_store=tmp_path / "files",
    )
    async with running(settings, background=False) as client:
        answers: list[Any] = []
        for _ in range(2):  # the second ask waits on the first run, it starts no new one
            started = time.monotonic()
            answers.append((await client.get("/readyz"), time.monotonic() - started))
    for answer, took in answers:
        assert answer.status_code == 503
        assert took < 2.0
        assert answer.json()["checks"]["database"]["ok"] is False
        assert "Traceback" not in answer.text
