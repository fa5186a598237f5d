"""Helpers for the caseworker-group tests: the app behind the fake Bot API, offices with groups."""

from __future__ import annotations

import dataclasses
import itertools
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "telegram"))

from fakebot import FakeBotAPI, FakeServer  # noqa: E402
from tg_harness import Harness, webhook_settings  # noqa: E402

from bot.casework.desk import EscalationHook  # noqa: E402
from bot.casework.group_alerts import group_alerts  # noqa: E402
from bot.envelopes import Channel  # noqa: E402
from bot.settings import Settings, TelegramDriver  # noqa: E402
from escalation.delivery.signing import new_secret  # noqa: E402
from escalation.desk import Desk  # noqa: E402
from handlers.telegram.translate import TelegramTranslator  # noqa: E402

__all__ = ["FakeBotAPI", "FakeServer"]

SECRET = "group-Webhook_secret-0123456789"
KL_GROUP, JAKARTA_GROUP = -1001111111111, -1002222222222
OFFICES = f"""
[[office]]
id = "jakarta"
name = "Jakarta national secretariat"
telegram_group_id = "{JAKARTA_GROUP}"
group_locale = "en"

[[office]]
id = "kuala_lumpur"
name = "Kuala Lumpur representative"
telegram_group_id = "{KL_GROUP}"

[[office]]
id = "jember"
name = "Jember branch"
"""
_ids = itertools.count(int(time.time()) % 1_000_000 * 1000 + 500)


def settings_for(tmp_path: Path, fake: FakeBotAPI, driver: TelegramDriver, url: str) -> Settings:
    """Returns settings of an app with caseworker groups, one catch-all webhook, the fake API."""
    offices = tmp_path / "offices.toml"
    offices.write_text(OFFICES, encoding="utf-8")
    return webhook_settings(
        url,
        tmp_path,
        fake,
        driver,
        telegram_webhook_secret=SecretStr(SECRET),
        escalation_offices_file=offices,
        escalation_webhook_url="https://hooks.example.org/suara",
        escalation_webhook_secret=SecretStr(new_secret()),
    )


class GroupApp(Harness):
    """The Telegram test app (tests/telegram/tg_harness.py) with its desk's group alert channel."""

    @property
    def translator(self) -> TelegramTranslator:
        found = self.core.inbox.translators[Channel.TELEGRAM]
        assert isinstance(found, TelegramTranslator)
        return found

    def desk(self) -> Desk:
        """Returns the app's desk with the caseworker-group alert channel."""
        hook = next(h for h in self.core.runner.after_turn if isinstance(h, EscalationHook))
        channel = group_alerts(
            self.core.catalogs, hook.desk.directory, self.settings.escalation.offices_file
        )
        return dataclasses.replace(hook.desk, alerts=(channel,))

    async def press(self, user_id: int, data: str, shown: dict[str, Any]) -> None:
        """Posts a press of a button on a group message, as a caseworker in that group."""
        assert self.client is not None
        update = press_update(user_id, data, shown)
        response = await self.client.post(
            "/webhooks/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert response.status_code == 200
        await self.settle()


def group_message(fake: FakeBotAPI, chat_id: int, index: int = -1) -> dict[str, Any]:
    """Returns a message the bot sent to a group, as sendMessage returned it (a group chat)."""
    calls = [c for c in fake.of("sendMessage") if str(c.params["chat_id"]) == str(chat_id)]
    result: dict[str, Any] = dict(calls[index].result)
    result["chat"] = {"id": chat_id, "type": "supergroup", "title": "Caseworkers"}
    return result


def edited(fake: FakeBotAPI, chat_id: int) -> dict[str, Any]:
    """Returns the newest message the bot edited in a group, as editMessageText returned it."""
    calls = [c for c in fake.of("editMessageText") if str(c.params["chat_id"]) == str(chat_id)]
    result: dict[str, Any] = dict(calls[-1].result)
    result["chat"] = {"id": chat_id, "type": "supergroup", "title": "Caseworkers"}
    return result


def buttons(message: dict[str, Any]) -> list[str]:
    """Returns the callback_data of a message's buttons, in order."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [str(b["callback_data"]) for row in rows for b in row]


def press_update(user_id: int, data: str, shown: dict[str, Any]) -> dict[str, Any]:
    """Returns a callback_query update of a press by a group member."""
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": {"id": user_id, "is_bot": False, "first_name": "Member", "language_code": "id"},
            "message": shown,
            "chat_instance": "-4467823648239047113",
            "data": data,
        },
    }
