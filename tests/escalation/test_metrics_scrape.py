"""/metrics after a Telegram report whose escalation receiver fails: figures match what happened."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from esc_receiver import Receiver
from fakebot import FakeBotAPI
from metrics_helpers import TOKEN, Samples, parse, shared_metrics, value
from pydantic import SecretStr
from sqlmodel import col, func, select
from tg_harness import Harness, Reporter, webhook_settings

from bot.settings import TelegramDriver
from escalation.delivery.dispatcher import Dispatcher
from storage import db
from storage.escalation_models import Delivery
from storage.migrate import upgrade
from storage.models import Case, InboundUpdate, OutboxMessage

Start = Callable[..., Receiver]
STORY = "ZZSTORY my employer ZZBOSS keeps my passport"


@pytest.fixture
async def app(
    tmp_path: Path,
    fake: FakeBotAPI,
    database_url: str,
    receivers: Start,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[tuple[Harness, Receiver]]:
    """Yields the Telegram app with /metrics on, its one escalation receiver answering 500."""
    receiver = receivers("500")
    upgrade(database_url)
    settings = webhook_settings(
        database_url,
        tmp_path,
        fake,
        TelegramDriver.PTB,
        escalation_offices_file=tmp_path / "none.toml",
        escalation_webhook_url=receiver.url,
        escalation_webhook_secret=SecretStr(receiver.secret),
        allow_private_webhook_targets=True,
        metrics_token=SecretStr(TOKEN),
    )
    with shared_metrics(tmp_path / "metrics", monkeypatch):
        running = Harness(settings, fake)
        await running.start()
        yield running, receiver
        await running.stop()


async def file_report(reporter: Reporter) -> int:
    """Files a whole report from Hong Kong; returns how many updates it posted."""
    steps = 0

    async def press(*data: str) -> None:
        nonlocal steps
        for one in data:
            await reporter.press(one)
            steps += 1

    async def say(*texts: str) -> None:
        nonlocal steps
        for text in texts:
            await reporter.say(text)
            steps += 1

    await reporter.command("/start")
    steps += 1
    await press("danger.no", "safe_now.safe", "role.worker", "consent.agree", "self_country.HK")
    await say("Mong Kok")
    await press("self_help.wages", "cmd:done", "self_problem.GAJI", "cmd:done")
    await say("3", "HK$ 9,000", STORY, "Siti ZZNAME")
    await press("self_contact.this_chat", "self_times.any", "self_regency.Jember")
    await press("cmd:skip", "cmd:skip")
    await say("PT Maju Jaya", "Maret 2026")
    await press("cmd:done", "review.confirm")
    return steps


async def scrape(harness: Harness, token: str | None = TOKEN) -> tuple[int, str]:
    assert harness.client is not None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = await harness.client.get("/metrics", headers=headers)
    return answer.status_code, answer.text


@pytest.mark.asyncio
async def test_the_scrape_matches_the_conversation_and_the_failing_receiver(
    app: tuple[Harness, Receiver], fake: FakeBotAPI
) -> None:
    harness, receiver = app
    reporter = harness.reporter("en")
    posted = await file_report(reporter)
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.fail("sendMessage", 400, "Bad Request: message is too long")
    await reporter.command("/help")  # its reply is throttled once, then refused
    posted += 1
    await asyncio.sleep(1.1)  # the retry the 429 asked for
    await harness.settle()
    dispatcher: Dispatcher = harness.app.state.handoff.dispatcher  # type: ignore[union-attr]
    await dispatcher.drain()
    assert receiver.requests  # the receiver was tried, and answered 500

    status, body = await scrape(harness)
    assert status == 200
    samples: Samples = parse(body)
    with db.session(harness.core.engine) as session:
        turns = session.exec(
            select(func.count()).where(col(InboundUpdate.status) == "processed")
        ).one()
        sent = session.exec(select(func.count()).where(col(OutboxMessage.status) == "sent")).one()
        failed = session.exec(
            select(func.count()).where(col(OutboxMessage.status) == "failed")
        ).one()
        delivery = session.exec(select(Delivery)).one()
        reference = session.exec(select(Case.reference)).one()

    assert turns == posted
    assert value(samples, "suara_turns_total", channel="telegram", kind="message") == posted
    assert value(samples, "suara_outbox_sent_total", channel="telegram") == sent > 20
    assert value(samples, "suara_channel_throttled_total", channel="telegram") == 1
    assert value(samples, "suara_channel_send_errors_total", channel="telegram") == 1 == failed
    assert value(samples, "suara_outbox_messages", channel="telegram", status="sent") == 0
    assert value(samples, "suara_outbox_messages", channel="telegram", status="failed") == 1
    assert value(samples, "suara_outbox_messages", channel="telegram", status="pending") == 0
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert value(samples, "suara_escalation_deliveries", state="pending") == 1
    assert value(samples, "suara_escalation_deliveries", state="dead") == 0
    assert value(samples, "suara_escalation_deliveries_retrying") == 1
    assert value(samples, "suara_inbox_pending", channel="telegram") == 0
    assert value(samples, "suara_queues_readable") == 1
    requests = value(
        samples,
        "suara_http_request_duration_seconds_count",
        route="/webhooks/telegram",
        method="POST",
        status="2xx",
    )
    assert requests == posted
    for private in (str(reporter.user_id), reference, "ZZSTORY", "ZZBOSS", "ZZNAME"):
        assert private not in body


@pytest.mark.asyncio
@pytest.mark.parametrize("token", [None, "wrong-token", TOKEN[:-1]])
async def test_metrics_refuse_a_missing_or_wrong_token(
    app: tuple[Harness, Receiver], token: str | None
) -> None:
    status, body = await scrape(app[0], token)
    assert status == 401
    assert "suara_" not in body
