"""WORKER_PROCESS: the webhook process only records; a second process runs turns and sends."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from fakebot import TOKEN, FakeBotAPI
from fastapi import FastAPI
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from sqlmodel import select
from tg_harness import SECRET, Harness, Reporter

from bot.cli import commands as cli
from bot.settings import Settings, TelegramDriver
from handlers.app import core_of
from handlers.worker.link import WorkerLink
from storage import db
from storage.migrate import upgrade
from storage.models import InboundUpdate


def worker_env(
    url: str, tmp_path: Path, fake: FakeBotAPI, driver: TelegramDriver
) -> dict[str, str]:
    """The environment both processes read their settings from."""
    return {
        "DATABASE_URL": url,
        "FILE_STORE": str(tmp_path / "files"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_WEBHOOK_URL": "https://suara.example.org/webhooks/telegram",
        "TELEGRAM_DRIVER": driver.value,
        "TELEGRAM_CHAT_RATE": "1000",
        "TELEGRAM_CHAT_BURST": "1000",
        "TELEGRAM_OVERALL_RATE": "1000",
        "ENCRYPTION_KEYS": ",".join(TEST_KEYS),
        "ENCRYPTION_ADDRESS_KEY": TEST_ADDRESS_KEY,
        "WORKER_PROCESS": "true",
        "WORKER_NICE": "0",
        "ESCALATION_DISPATCH": "false",
        "RETENTION_ENABLED": "false",
    }


@pytest.fixture
async def intake(
    database_url: str,
    tmp_path: Path,
    fake: FakeBotAPI,
    driver: TelegramDriver,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Harness]:
    """Yields a started webhook process whose worker runs in a process of its own."""
    upgrade(database_url)
    for name, value in worker_env(database_url, tmp_path, fake, driver).items():
        monkeypatch.setenv(name, value)
    running = Harness(Settings(), fake)
    await running.start(background=True)
    yield running
    if running.app is not None:
        await running.stop()


def link_of(intake: Harness) -> WorkerLink:
    """Returns the running app's link to its worker process."""
    assert intake.app is not None
    link: WorkerLink | None = intake.app.state.worker
    assert link is not None
    assert link.process is not None
    return link


async def replies_to(fake: FakeBotAPI, user_id: int, count: int, limit: float = 60) -> list[str]:
    """Waits until the fake has sent `count` messages to the user; returns their texts."""
    deadline = time.monotonic() + limit
    while len(fake.sent(user_id)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(fake.sent(user_id))} of {count} replies arrived")
        await asyncio.sleep(0.05)
    return [str(m.get("text", "")) for m in fake.sent(user_id)]


async def started(intake: Harness, fake: FakeBotAPI) -> Reporter:
    """Returns a reporter who sent /start and got the worker's first reply."""
    reporter = intake.reporter("en")
    assert (await intake.post(reporter.build.command("/start"))).status_code == 200
    await replies_to(fake, reporter.user_id, 1)
    return reporter


@pytest.mark.asyncio
async def test_the_worker_process_answers_what_the_webhook_process_recorded(
    intake: Harness, fake: FakeBotAPI
) -> None:
    reporter = intake.reporter("en")
    response = await intake.post(reporter.build.command("/start"))
    assert response.status_code == 200
    assert not intake.processor.tasks  # nothing runs here: the worker takes it
    first = await replies_to(fake, reporter.user_id, 1)
    assert first[0]
    assert intake.core.inbox.hand_off is not None
    worker = link_of(intake).process
    assert worker is not None
    assert worker.pid != os.getpid()


@pytest.mark.asyncio
async def test_updates_of_one_chat_are_answered_in_the_order_they_came(
    intake: Harness, fake: FakeBotAPI
) -> None:
    reporter = await started(intake, fake)
    before = len(fake.sent(reporter.user_id))
    for text in ("/help", "/start"):
        assert (await intake.post(reporter.build.command(text))).status_code == 200
    await replies_to(fake, reporter.user_id, before + 2)
    for _ in range(200):  # the last row is marked a moment after its first reply may go out
        with db.session(intake.core.engine) as session:
            rows = session.exec(select(InboundUpdate).order_by(InboundUpdate.id)).all()
            statuses, stamps = [r.status for r in rows], [r.processed_at for r in rows]
        if statuses == ["processed"] * 3:
            break
        await asyncio.sleep(0.05)
    assert statuses == ["processed"] * 3
    assert stamps == sorted(stamps)  # type: ignore[type-var]


@pytest.mark.asyncio
async def test_a_killed_worker_is_started_again_and_loses_nothing(
    intake: Harness, fake: FakeBotAPI
) -> None:
    link = link_of(intake)
    first = link.process
    assert first is not None
    first.kill()
    await first.wait()
    reporter = intake.reporter("id")
    assert (await intake.post(reporter.build.command("/start"))).status_code == 200
    await replies_to(fake, reporter.user_id, 1)
    assert link.process is not first


@pytest.mark.asyncio
async def test_stopping_the_webhook_process_stops_its_worker(intake: Harness) -> None:
    process = link_of(intake).process
    assert process is not None
    await intake.stop()
    assert process.returncode is not None


@pytest.mark.parametrize(("given", "expected"), [(None, True), ("false", False)])
def test_serve_runs_a_worker_process_unless_told_not_to(
    given: str | None, expected: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[FastAPI] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_: served.append(app))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'suara.db'}")
    monkeypatch.setenv("ENCRYPTION_KEYS", ",".join(TEST_KEYS))
    monkeypatch.setenv("ENCRYPTION_ADDRESS_KEY", TEST_ADDRESS_KEY)
    monkeypatch.setenv("WORKER_PROCESS", "restored-after-the-test")
    monkeypatch.delenv("WORKER_PROCESS")
    if given is not None:
        monkeypatch.setenv("WORKER_PROCESS", given)
    cli.serve("127.0.0.1", 8000, demo=False)
    assert len(served) == 1
    assert core_of(served[0]).settings.worker.process is expected
    assert (served[0].state.worker is not None) is expected  # a link only where a worker runs


@pytest.mark.asyncio
async def test_a_stop_signal_to_both_processes_is_not_taken_for_a_crash(
    intake: Harness, fake: FakeBotAPI
) -> None:
    await started(intake, fake)  # the worker is up and working
    link = link_of(intake)
    worker = link.process
    assert worker is not None
    worker.terminate()  # what a service manager sends to every process of the service
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(worker.wait()), timeout=1.0)
    assert link.process is worker  # still running: the web process stops it when it stops
    await intake.stop()
    assert worker.returncode is not None
