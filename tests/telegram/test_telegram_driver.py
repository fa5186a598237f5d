"""The one driver over either library: the same Bot API calls and the same errors from both."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakebot import TOKEN, FakeBotAPI
from pydantic import SecretStr
from settings_helpers import make_settings

from bot.settings import TelegramDriver
from handlers.telegram.drivers import Driver, make_driver
from handlers.telegram.updates import Entity, KeyButton, TgError

CHAT = 555000111


@pytest.fixture
async def client(fake: FakeBotAPI, driver: TelegramDriver) -> AsyncIterator[Driver]:
    settings = make_settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=fake.base_url,
        telegram_driver=driver,
    )
    made = make_driver(settings)
    yield made
    await made.close()


async def test_send_message_carries_the_keyboard_and_entities(
    client: Driver, fake: FakeBotAPI
) -> None:
    keys = ((KeyButton("Ya", "yes"), KeyButton("Tidak", "no")),)
    sent = await client.send_message(
        CHAT, "Kasus MC-2026-000123", keyboard=keys, entities=[Entity("code", 6, 14)]
    )
    params = fake.sent(CHAT)[0]
    assert sent > 0
    assert params["entities"] == [{"type": "code", "offset": 6, "length": 14}]
    assert params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Ya", "callback_data": "yes"}, {"text": "Tidak", "callback_data": "no"}]
        ]
    }


async def test_an_empty_keyboard_removes_the_shown_one(client: Driver, fake: FakeBotAPI) -> None:
    await client.edit_keyboard(CHAT, 7, ())
    assert "reply_markup" not in fake.of("editMessageReplyMarkup")[0].params


@pytest.mark.parametrize(
    ("status", "description", "retry_after", "expected_status", "expected_retry"),
    [
        (429, "Too Many Requests: retry after 7", 7, 429, 7.0),
        (403, "Forbidden: bot was blocked by the user", None, 403, None),
        (400, "Bad Request: chat not found", None, 400, None),
        (500, "Internal Server Error", None, None, None),
    ],
)
async def test_refusals_become_the_same_tg_error_from_both_libraries(
    client: Driver,
    fake: FakeBotAPI,
    status: int,
    description: str,
    retry_after: int | None,
    expected_status: int | None,
    expected_retry: float | None,
) -> None:
    fake.fail("sendMessage", status, description, retry_after=retry_after)
    with pytest.raises(TgError) as raised:
        await client.send_message(CHAT, "Halo")
    assert (raised.value.status, raised.value.retry_after) == (expected_status, expected_retry)
    assert raised.value.reason.startswith("sendMessage: ")


async def test_an_error_text_never_carries_the_token(client: Driver, fake: FakeBotAPI) -> None:
    fake.fail("deleteMessage", 400, f"Bad Request: no bot{TOKEN} here")
    with pytest.raises(TgError) as raised:
        await client.delete_message(CHAT, 7)
    assert TOKEN not in raised.value.reason
    assert TOKEN.partition(":")[2] not in raised.value.reason
