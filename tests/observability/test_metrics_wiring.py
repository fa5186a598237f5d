"""/metrics: off by default, apart with METRICS_BIND, one scrape for web and worker processes."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import httpx
import pytest
from fakebot import TOKEN as BOT_TOKEN
from fakebot import FakeBotAPI, served_fake
from fastapi.testclient import TestClient
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from metrics_helpers import TOKEN, Samples, parse, shared_metrics, value
from settings_helpers import make_settings
from tg_harness import SECRET, Harness

from bot.settings import Settings
from handlers.app import create_app
from handlers.metrics import parse_bind
from storage.migrate import upgrade


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def two_processes(url: str, tmp_path: Path, fake: FakeBotAPI) -> dict[str, str]:
    """The environment of a webhook process and its worker process, /metrics on."""
    return {
        "DATABASE_URL": url,
        "FILE_STORE": str(tmp_path / "files"),
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_WEBHOOK_URL": "https://suara.example.org/webhooks/telegram",
        "ENCRYPTION_KEYS": ",".join(TEST_KEYS),
        "ENCRYPTION_ADDRESS_KEY": TEST_ADDRESS_KEY,
        "WORKER_PROCESS": "true",
        "WORKER_NICE": "0",
        "ESCALATION_DISPATCH": "false",
        "RETENTION_ENABLED": "false",
        "METRICS_TOKEN": TOKEN,
    }


def test_without_a_token_or_bind_address_there_is_no_metrics_route(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    app = create_app(make_settings(database_url=url, file_store=tmp_path / "f"), background=False)
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 404
        assert (
            client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
        )


@pytest.mark.asyncio
async def test_a_bind_address_serves_metrics_apart_and_not_on_the_main_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    port = free_port()
    settings = make_settings(
        database_url=url, file_store=tmp_path / "f", metrics_bind=f"127.0.0.1:{port}"
    )
    with shared_metrics(tmp_path / "metrics", monkeypatch):
        app = create_app(settings, background=False)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://suara.test") as main:
                assert (await main.get("/healthz")).status_code == 200
                assert (await main.get("/metrics")).status_code == 404
                assert (await main.request("BREW", "/healthz")).status_code == 405
            answer = await asyncio.to_thread(httpx.get, f"http://127.0.0.1:{port}/metrics")
        assert answer.status_code == 200
        samples = parse(answer.text)
        assert value(samples, "suara_queues_readable") == 1
        assert value(samples, "suara_timers_due") == 0
        latency = "suara_http_request_duration_seconds_count"
        assert value(samples, latency, route="/healthz", method="GET", status="2xx") == 1
        assert value(samples, latency, route="unmatched", method="GET", status="4xx") == 1
        assert value(samples, latency, route="/healthz", method="other", status="4xx") == 1
        assert not any(("method", "BREW") in labels for _, labels in samples)
        zero = ("suara_turns_total", frozenset({("channel", "whatsapp"), ("kind", "timer")}))
        assert samples[zero] == 0  # every channel's series exists before its first turn
    with pytest.raises(httpx.ConnectError):  # the listener stops with the app
        await asyncio.to_thread(httpx.get, f"http://127.0.0.1:{port}/metrics", timeout=2)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("127.0.0.1:9464", ("127.0.0.1", 9464)), ("[::1]:9100", ("::1", 9100))],
)
def test_bind_addresses_are_read(given: str, expected: tuple[str, int]) -> None:
    assert parse_bind(given) == expected


@pytest.mark.parametrize("given", ["9464", "localhost", "host:port"])
def test_a_bad_bind_address_is_named(given: str) -> None:
    with pytest.raises(ValueError, match="METRICS_BIND"):
        parse_bind(given)


@pytest.mark.asyncio
async def test_the_worker_process_counts_reach_the_web_process_scrape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    with served_fake() as fake, shared_metrics(tmp_path / "metrics", monkeypatch):
        for name, setting in two_processes(url, tmp_path, fake).items():
            monkeypatch.setenv(name, setting)
        harness = Harness(Settings(), fake)
        await harness.start(background=True)
        try:
            reporter = harness.reporter("en")
            assert (await harness.post(reporter.build.command("/start"))).status_code == 200
            samples = await scrape_until_turned(harness, fake, reporter.user_id)
        finally:
            await harness.stop()
    assert value(samples, "suara_turns_total", channel="telegram", kind="message") == 1
    assert value(samples, "suara_outbox_sent_total", channel="telegram") == len(
        fake.sent(reporter.user_id)
    )
    webhook = "suara_http_request_duration_seconds_count"
    assert value(samples, webhook, route="/webhooks/telegram", method="POST", status="2xx") == 1


async def scrape_until_turned(harness: Harness, fake: FakeBotAPI, user_id: int) -> Samples:
    """Scrapes the web process until the worker's turn and its replies show (15 s at most)."""
    assert harness.client is not None
    deadline = time.monotonic() + 15
    while True:
        answer = await harness.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        samples = parse(answer.text)
        sent = value(samples, "suara_outbox_sent_total", channel="telegram")
        if sent and sent == len(fake.sent(user_id)):
            return samples
        if time.monotonic() > deadline:
            raise AssertionError(answer.text)
        await asyncio.sleep(0.1)
