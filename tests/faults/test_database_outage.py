"""PostgreSQL behind a proxy that refuses, then goes silent: 503 in time, nothing lost or re-sent.

The web process runs in this test's event loop and its worker in a process of its own, both
connecting through the proxy; Telegram's and Meta's retries are played by posting a refused
update again until it is taken.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_graph import PHONE_NUMBER_ID, FakeGraph, Served
from fake_graph import TOKEN as GRAPH_TOKEN
from fakebot import TOKEN, FakeBotAPI, FakeServer
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from pg_proxy import Mode, PgProxy
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import col, select
from tg_harness import SECRET, Harness
from wa_bodies import APP_SECRET, contact, envelope, meta_bytes, sign, text, value

from bot.settings import Settings
from storage import db
from storage.migrate import upgrade
from storage.models import InboundUpdate, OutboxMessage

ANSWER_LIMIT = 2.0
"""The longest a webhook or /healthz may take to answer while the database is away."""
REPORTERS = 4


@pytest.fixture
async def proxy(database_url: str) -> AsyncIterator[PgProxy]:
    """Yields a proxy in front of the test's PostgreSQL server."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("the proxy stands in front of PostgreSQL")
    running = await PgProxy(url.host or "127.0.0.1", url.port or 5432).start()
    yield running
    await running.stop()


@pytest.fixture
def graph() -> Iterator[Served]:
    """Yields the fake Graph API on loopback."""
    served = Served(FakeGraph()).start()
    yield served
    served.stop()


def environment(url: str, tmp_path: Path, api: FakeBotAPI, graph: Served) -> dict[str, str]:
    """What both processes read their settings from: short timeouts, both channels."""
    return {
        "DATABASE_URL": url,
        "DATABASE_STATEMENT_TIMEOUT_SECONDS": "2",
        "DATABASE_WORKER_STATEMENT_TIMEOUT_SECONDS": "2",
        "FILE_STORE": str(tmp_path / "files"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_WEBHOOK_URL": "https://suara.example.org/webhooks/telegram",
        "TELEGRAM_CHAT_RATE": "1000",
        "TELEGRAM_CHAT_BURST": "1000",
        "TELEGRAM_OVERALL_RATE": "1000",
        "WHATSAPP_ACCESS_TOKEN": GRAPH_TOKEN,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_API_BASE_URL": graph.api_base_url,
        "WHATSAPP_PAIR_BURST": "1000",
        "ENCRYPTION_KEYS": ",".join(TEST_KEYS),
        "ENCRYPTION_ADDRESS_KEY": TEST_ADDRESS_KEY,
        "WORKER_PROCESS": "true",
        "WORKER_NICE": "0",
        "TIMER_TICK_SECONDS": "1",
        "ESCALATION_DISPATCH": "false",
        "RETENTION_ENABLED": "false",
    }


@pytest.fixture
async def app(
    database_url: str,
    proxy: PgProxy,
    tmp_path: Path,
    graph: Served,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[tuple[Harness, FakeBotAPI]]:
    """Yields the web process (and its worker) on the proxy, with both channels configured."""
    upgrade(database_url)
    through = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    api = FakeBotAPI()
    with FakeServer(api) as server:
        api.base_url = server.base_url
        env = environment(through.render_as_string(hide_password=False), tmp_path, api, graph)
        for name, setting in env.items():
            monkeypatch.setenv(name, setting)
        harness = Harness(Settings(), api)
        await harness.start(background=True)
        try:
            yield harness, api
        finally:
            proxy.set(Mode.FORWARD)
            await harness.stop()


async def timed(call: Any) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    response = await call
    return response, time.monotonic() - began


async def post_whatsapp(harness: Harness, raw: bytes) -> httpx.Response:
    assert harness.client is not None
    headers = {"content-type": "application/json", "x-hub-signature-256": sign(raw)}
    return await harness.client.post("/webhooks/whatsapp", content=raw, headers=headers)


async def until_taken(post: Any, limit: float = 30.0) -> httpx.Response:
    """Posts again, as the platforms do after a 503, until the update is taken."""
    deadline = time.monotonic() + limit
    while True:
        response = await post()
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        assert response.status_code == 503
        await asyncio.sleep(0.5)


async def replies(api: FakeBotAPI, user_ids: list[int], count: int, limit: float = 60) -> None:
    """Waits until every user has `count` messages from the bot."""
    deadline = time.monotonic() + limit
    while any(len(api.sent(user)) < count for user in user_ids):
        if time.monotonic() > deadline:
            found = {user: len(api.sent(user)) for user in user_ids}
            raise AssertionError(f"replies so far {found}, {count} each expected")
        await asyncio.sleep(0.05)


def sent_rows(direct: Engine) -> list[OutboxMessage]:
    """Returns the Telegram outbox, oldest first."""
    with db.session(direct) as session:
        query = select(OutboxMessage).where(OutboxMessage.channel == "telegram")
        return list(session.exec(query.order_by(col(OutboxMessage.id))))


async def settled(direct: Engine, limit: float = 60) -> None:
    """Waits until every recorded update is processed and every reply sent."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        done = set(statuses(direct)) == {"processed"}
        if done and all(row.status == "sent" for row in sent_rows(direct)):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not settled: {statuses(direct)}")


def statuses(direct: Engine) -> list[str]:
    """Returns the inbox rows' statuses, oldest first."""
    with db.session(direct) as session:
        rows = session.exec(select(InboundUpdate).order_by(col(InboundUpdate.id))).all()
        return [row.status for row in rows]


@pytest.mark.parametrize("outage", [Mode.REFUSE, Mode.SILENT])
async def test_an_outage_answers_503_in_time_and_loses_or_repeats_nothing(
    app: tuple[Harness, FakeBotAPI],
    proxy: PgProxy,
    outage: Mode,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    harness, api = app
    direct = db.make_engine(database_url)  # the test's own look, past the proxy
    people = [harness.reporter("en") for _ in range(REPORTERS)]
    users = [person.user_id for person in people]
    for person in people:
        assert (await harness.post(person.build.command("/start"))).status_code == 200
    await replies(api, users, 1)
    await settled(direct)
    for person in people:  # taken just before the outage: still processed afterwards
        assert (await harness.post(person.build.command("/start"))).status_code == 200

    before = {user: len(api.sent(user)) for user in users}
    proxy.set(outage)
    refused = [person.build.command("/start") for person in people]
    for update in refused:
        response, seconds = await timed(harness.post(update))
        assert response.status_code == 503
        assert seconds < ANSWER_LIMIT
        assert response.json() == {"status": "database unavailable"}
        assert int(response.headers["retry-after"]) > 0
    assert harness.client is not None
    health, seconds = await timed(harness.client.get("/healthz"))
    assert (health.status_code, health.json()) == (503, {"status": "database unavailable"})
    assert seconds < ANSWER_LIMIT
    wa_raw = meta_bytes(
        envelope(value(contacts=[contact("6281200")], messages=[text("6281200", "halo")]))
    )
    wa_answer, seconds = await timed(post_whatsapp(harness, wa_raw))
    assert wa_answer.status_code == 503
    assert seconds < ANSWER_LIMIT
    assert wa_answer.json() == {"status": "database unavailable"}

    proxy.set(Mode.FORWARD)
    for update in refused:
        assert (await until_taken(lambda u=update: harness.post(u))).status_code == 200
    assert (await until_taken(lambda: post_whatsapp(harness, wa_raw))).status_code == 200
    assert (await harness.client.get("/healthz")).status_code == 200

    await settled(direct)
    await asyncio.sleep(3)  # a message sent again would show up in this time
    sent = sent_rows(direct)
    assert all(row.status == "sent" for row in sent)
    assert len(api.sent()) == len(sent)  # each reply sent once, none again
    assert all(len(api.sent(user)) > before[user] for user in users)  # the refused were answered
    assert statuses(direct) == ["processed"] * (3 * REPORTERS + 1)
    assert os.environ["WORKER_PROCESS"] == "true"  # the worker process went through it too
    direct.dispose()
    said = [record.getMessage() for record in caplog.records]
    began = said.count("database unavailable: answering 503 until it returns")
    assert began == said.count("database available again")  # each outage: one line in, one out
    assert 1 <= began <= 2  # not one per request refused (six or more here)
    assert [record.getMessage() for record in caplog.records if record.exc_info] == []
