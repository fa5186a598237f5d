"""Hostile but authenticated webhook bodies: 400 for deep nesting, unreadable for a wrong type.

Deeply nested JSON is refused before any parser recurses into it; a field of the wrong type is
recorded, refused at translation as unreadable (never retried), and its reporter re-prompted.
No answer is a 5xx and nothing is logged with a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_graph import PHONE_NUMBER_ID, FakeGraph, Served
from fake_graph import TOKEN as GRAPH_TOKEN
from fakebot import FakeBotAPI, FakeServer
from sqlmodel import col, select
from tg_harness import Harness, webhook_settings
from wa_bodies import APP_SECRET, contact, envelope, meta_bytes, sign, text, value

from bot.settings import TelegramDriver
from storage import db
from storage.migrate import upgrade
from storage.models import InboundUpdate

DEEP = 1000


@pytest.fixture
def graph() -> Iterator[Served]:
    """Yields the fake Graph API on loopback."""
    served = Served(FakeGraph()).start()
    yield served
    served.stop()


@pytest.fixture
async def app(
    database_url: str, tmp_path: Path, graph: Served, driver: TelegramDriver
) -> AsyncIterator[Harness]:
    """Yields the app with both channels on, on the fake Bot API and the fake Graph API."""
    upgrade(database_url)
    api = FakeBotAPI()
    with FakeServer(api) as server:
        api.base_url = server.base_url
        extra: dict[str, Any] = {
            "whatsapp_access_token": GRAPH_TOKEN,
            "whatsapp_app_secret": APP_SECRET,
            "whatsapp_phone_number_id": PHONE_NUMBER_ID,
            "whatsapp_api_base_url": graph.api_base_url,
        }
        harness = Harness(webhook_settings(database_url, tmp_path, api, driver, **extra), api)
        await harness.start()
        yield harness
        await harness.stop()


async def post_whatsapp(harness: Harness, raw: bytes) -> httpx.Response:
    assert harness.client is not None
    headers = {"content-type": "application/json", "x-hub-signature-256": sign(raw)}
    return await harness.client.post("/webhooks/whatsapp", content=raw, headers=headers)


def inbox(harness: Harness) -> list[InboundUpdate]:
    with db.session(harness.core.engine) as session:
        return list(session.exec(select(InboundUpdate).order_by(col(InboundUpdate.id))))


async def settle(harness: Harness) -> None:
    await harness.settle()
    await harness.app.state.whatsapp.settle()  # type: ignore[union-attr]
    await harness.core.dispatcher.drain()


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert [
        r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR
    ] == []


async def test_bodies_nested_1000_deep_get_400_on_both_webhooks(
    app: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    deep = b'{"update_id": 5, "message": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    assert (await app.post(deep)).status_code == 400
    arrays = b'{"entry": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    assert (await post_whatsapp(app, arrays)).status_code == 400
    objects = b'{"a":' * DEEP + b"1" + b"}" * DEEP
    assert (await app.post(objects)).status_code == 400
    assert (await post_whatsapp(app, objects)).status_code == 400
    assert inbox(app) == []
    no_traceback(caplog)


@pytest.mark.parametrize(
    "change",
    [
        {"text": 12345},
        {"text": {"body": "an object where text belongs"}},
        {"text": None, "caption": ["a list where text belongs"], "photo": {"file_id": "x"}},
        {"entities": {"type": "bot_command"}},
    ],
    ids=["number", "object", "list", "object-for-list"],
)
async def test_a_telegram_field_of_the_wrong_type_is_unreadable_and_reprompted(
    app: Harness, change: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    reporter = app.reporter("en")
    assert (await app.post(reporter.build.command("/start"))).status_code == 200
    await settle(app)
    asked = [m["text"] for m in app.fake.sent(reporter.user_id)]
    update = reporter.build.text("placeholder")
    update["message"] = {k: v for k, v in update["message"].items() if k != "text"} | change
    assert (await app.post(update)).status_code == 200
    await settle(app)
    rows = inbox(app)
    assert (rows[-1].status, rows[-1].attempts, rows[-1].next_attempt_at) == ("unreadable", 1, None)
    again = [m["text"] for m in app.fake.sent(reporter.user_id)][len(asked) :]
    assert again
    assert asked[-1] in again
    assert await app.core.inbox.process_pending(grace_seconds=0) == 0  # never retried
    assert inbox(app)[-1].status == "unreadable"
    no_traceback(caplog)


@pytest.mark.parametrize(
    "field", [{"text": {"body": 12345}}, {"text": "a string where an object belongs"}]
)
async def test_a_whatsapp_field_of_the_wrong_type_is_unreadable_and_reprompted(
    app: Harness, graph: Served, field: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    phone = "6281234500"
    first = meta_bytes(envelope(value(contacts=[contact(phone)], messages=[text(phone, "halo")])))
    assert (await post_whatsapp(app, first)).status_code == 200
    await settle(app)
    asked = [sent.body for sent in graph.fake.to(phone)]
    bad = text(phone, "x") | field
    body = meta_bytes(envelope(value(contacts=[contact(phone)], messages=[bad])))
    assert (await post_whatsapp(app, body)).status_code == 200
    await settle(app)
    rows = inbox(app)
    assert (rows[-1].status, rows[-1].attempts, rows[-1].next_attempt_at) == ("unreadable", 1, None)
    again = [sent.body for sent in graph.fake.to(phone)][len(asked) :]
    assert again
    assert asked[-1] in again
    assert await app.core.inbox.process_pending(grace_seconds=0) == 0
    no_traceback(caplog)
