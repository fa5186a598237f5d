"""Running it: long polling, the webhook commands, the token kept out of logs, rows, payloads."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest
from fakebot import TOKEN, FakeBotAPI
from settings_helpers import overridden
from sqlalchemy import text
from sqlmodel import SQLModel
from tg_harness import SECRET, Harness

from bot.cli import commands as cli
from bot.settings import Settings
from handlers.telegram import admin
from handlers.telegram.updates import ALLOWED_UPDATES, redact


async def eventually(check: Callable[[], bool], seconds: float = 15.0) -> None:
    """Waits until check() holds (background tasks run meanwhile)."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


async def test_long_polling_without_a_webhook_url(settings: Settings, fake: FakeBotAPI) -> None:
    polling = overridden(settings, telegram_webhook_url=None, telegram_poll_timeout=1)
    fake.webhook = {"url": "https://old.example.org/hook"}  # left over: polling removes it first
    harness = Harness(polling, fake)
    await harness.start(background=True)
    reporter = harness.reporter("en")
    update = reporter.build.command("/start")
    fake.updates.append(update)
    try:
        await eventually(lambda: len(fake.texts(reporter.user_id)) == 2)
        offset = str(update["update_id"] + 1)
        await eventually(
            lambda: any(c.params.get("offset") == offset for c in fake.of("getUpdates"))
        )
    finally:
        await harness.stop()
    methods = [c.method for c in fake.calls]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    first = fake.of("getUpdates")[0].params
    assert first["allowed_updates"] == list(ALLOWED_UPDATES)
    assert "offset" not in first
    assert fake.texts(reporter.user_id)[-1].startswith("Are you, or the person")

    await harness.start(background=True)  # a restart polls from the start: Telegram resends
    try:
        await eventually(lambda: len(fake.of("getUpdates")) >= 5)
    finally:
        await harness.stop()
    assert len(fake.texts(reporter.user_id)) == 2  # the resent update was a duplicate


def test_webhook_commands_set_show_and_delete(
    settings: Settings, fake: FakeBotAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert admin.main("set", settings) == 0
    assert fake.webhook["url"] == "https://suara.example.org/webhooks/telegram"
    assert fake.webhook["secret_token"] == SECRET
    assert fake.webhook["allowed_updates"] == list(ALLOWED_UPDATES)
    assert str(fake.webhook["max_connections"]) == "40"
    assert admin.main("info", settings) == 0
    assert admin.main("delete", settings) == 0
    assert fake.webhook == {}
    out = capsys.readouterr().out
    assert "webhook set: https://suara.example.org/webhooks/telegram" in out
    assert "pending_update_count: 0" in out
    assert "webhook deleted" in out
    assert TOKEN not in out
    assert SECRET not in out


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"telegram_webhook_url": None}, "set TELEGRAM_WEBHOOK_URL"),
        ({"telegram_webhook_url": "http://suara.example.org"}, "https"),
        ({"telegram_webhook_secret": None}, "TELEGRAM_WEBHOOK_SECRET"),
    ],
)
def test_set_webhook_refuses_missing_or_unsafe_settings(
    settings: Settings,
    fake: FakeBotAPI,
    capsys: pytest.CaptureFixture[str],
    changes: dict[str, object],
    complaint: str,
) -> None:
    assert admin.main("set", overridden(settings, **changes)) == 2
    assert complaint in capsys.readouterr().out
    assert fake.of("setWebhook") == []


def test_cli_runs_the_command_from_the_environment(
    settings: Settings,
    fake: FakeBotAPI,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
    monkeypatch.setenv("TELEGRAM_DRIVER", settings.telegram.driver.value)
    assert cli.main(["telegram-webhook", "info"]) == 0
    assert "url: " in capsys.readouterr().out
    assert [c.method for c in fake.calls] == ["getWebhookInfo"]


def test_redact_blanks_the_token_and_its_secret_half() -> None:
    secret_half = TOKEN.split(":")[1]
    assert redact(f"GET /file/bot{TOKEN}/x", TOKEN) == "GET /file/bot<token>/x"
    assert redact(f"key={secret_half}", TOKEN) == "key=<token>"


async def test_token_never_in_logs_rows_or_payloads(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reporter = harness.reporter("en")
    await reporter.command("/start")
    await reporter.press("danger.no")
    await reporter.send("document")  # getFile and a download URL holding the token
    harness.fake.fail("sendMessage", 400, "Bad Request: chat not found")
    harness.fake.fail("getFile", 500, "Internal Server Error", times=3)
    assert await reporter.send("photo") == []  # the download fails: the update stays pending
    await reporter.say("hello")  # its reply is refused with a 400
    secret_half = TOKEN.split(":")[1]
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "getFile" in logged or "telegram update failed" in logged
    assert TOKEN not in logged
    assert secret_half not in logged
    with harness.core.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"')):
                dumped = repr(tuple(row))
                assert secret_half not in dumped, table.name
    stored = [p.name for p in harness.settings.files.store.rglob("*") if p.is_file()]
    assert stored
    assert not any(secret_half in name for name in stored)
