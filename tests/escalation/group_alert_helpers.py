"""Helpers for the caseworker-group tests: the app behind the fake Bot API, offices with groups."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import time
from pathlib import Path
from typing import Any

from esc_helpers import make_case
from fakebot import FakeBotAPI
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import col, select
from tg_harness import Harness, webhook_settings

from bot.casework.desk import EscalationHook
from bot.casework.group_alerts import group_alerts
from bot.envelopes import Channel
from bot.settings import Settings, TelegramDriver
from escalation import service
from escalation.delivery.signing import new_secret
from escalation.desk import Desk
from handlers.telegram.translate import TelegramTranslator
from storage import caseworkers, db
from storage.escalation_models import Escalation
from storage.models import Case, CaseEvent

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
NAME, PHONE, STORY = "Siti Rahayu", "+60123456789", "my employer keeps my passport"
HAFIZ_TG, NOOR_TG, STRANGER_TG, JEMBER_TG = 9001, 9002, 9003, 9004
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


def planted_case(
    engine: Engine, lead: str = "kuala_lumpur", urgency: str = "P1", copies: tuple[str, ...] = ()
) -> Case:
    """A case whose answers hold a name, a phone number and free text."""
    categories = ("DOKUMEN", "TPPO")
    case = make_case(engine, lead=lead, urgency=urgency, categories=categories, copies=copies)
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        row.answers = {"self_name": NAME, "self_phone": PHONE, "self_story": STORY}
        session.add(row)
    return case


def register(engine: Engine) -> dict[str, int]:
    """Two Kuala Lumpur caseworkers and a Jember one, linked to Telegram users."""
    ids = {}
    with db.session(engine) as session:
        for name, office, user in (
            ("Hafiz", "kuala_lumpur", HAFIZ_TG),
            ("Noor", "kuala_lumpur", NOOR_TG),
            ("Dewi", "jember", JEMBER_TG),
        ):
            who = caseworkers.create_caseworker(session=session, name=name, office=office)
            linked = caseworkers.link_telegram(
                session=session, caseworker_id=who.id or 0, telegram_user_id=str(user)
            )
            assert linked is not None
            ids[name] = who.id or 0
    return ids


def open_escalation(app: GroupApp, case: Case) -> Escalation:
    """Opens the case's escalation through the app's desk (with its group alerts)."""
    with db.session(app.core.engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        found = service.open_or_update(
            session, app.desk(), row, "case_submitted", dt.datetime.now(dt.UTC)
        )
        assert found is not None
        return found


def state(app: GroupApp, escalation_id: int) -> tuple[str, int | None, list[CaseEvent]]:
    """Returns an escalation's status, its holder and the caseworkers' events on its case."""
    with db.session(app.core.engine) as session:
        row = session.get(Escalation, escalation_id)
        assert row is not None
        events = session.exec(
            select(CaseEvent)
            .where(col(CaseEvent.case_id) == row.case_id)
            .where(col(CaseEvent.actor).startswith("caseworker:"))
            .order_by(col(CaseEvent.id))
        ).all()
        return row.status, row.claimed_by, list(events)


def leaks(fake: FakeBotAPI, *more: str) -> list[str]:
    """Returns the planted name, phone and story (and `more`) found in any Bot API call."""
    everything = json.dumps([c.params for c in fake.calls], ensure_ascii=False)
    return [secret for secret in (NAME, PHONE, STORY, *more) if secret in everything]
