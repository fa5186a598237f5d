"""Telegram caseworker groups: neutral alerts, Acknowledge and Claim by registered caseworkers only,
through both drivers and the fake Bot API; the callback data and the link-telegram command."""

from __future__ import annotations

import argparse
import io
from typing import Any

from group_alert_helpers import (
    HAFIZ_TG,
    JAKARTA_GROUP,
    JEMBER_TG,
    KL_GROUP,
    NOOR_TG,
    STRANGER_TG,
    FakeBotAPI,
    GroupApp,
    buttons,
    edited,
    group_message,
    leaks,
    open_escalation,
    planted_case,
    register,
    state,
)
from settings_helpers import make_settings
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.casework.group_alerts import EDIT_KEY, GroupVerb, button_data, parse_press
from bot.cli import handoff as escalation_cli
from handlers.telegram.updates import ChatType, TgCallback
from storage import caseworkers, db
from storage.escalation_models import Caseworker
from storage.models import OutboxMessage


async def test_alert_press_and_double_claim(group_app: GroupApp, fake: FakeBotAPI) -> None:
    engine = group_app.core.engine
    people = register(engine)
    case = planted_case(engine)
    escalation = open_escalation(group_app, case)
    esc_id = escalation.id or 0
    await group_app.settle()

    assert fake.sent(JAKARTA_GROUP) == []
    posted = group_message(fake, KL_GROUP)
    text = posted["text"]
    assert case.reference in text
    assert "Kuala Lumpur representative" in text
    assert "P1, mendesak" in text
    assert "Paspor" in text
    assert "Perdagangan orang" in text
    ack, claim = button_data(GroupVerb.ACKNOWLEDGE, esc_id), button_data(GroupVerb.CLAIM, esc_id)
    assert buttons(posted) == [ack, claim]
    answered = len(fake.of("answerCallbackQuery"))

    await group_app.press(STRANGER_TG, claim, posted)
    await group_app.press(JEMBER_TG, claim, posted)
    assert len(fake.of("answerCallbackQuery")) == answered + 2
    only = "Hanya pendamping kasus yang terdaftar di kantor ini yang bisa menekan tombol ini."
    assert [c.params["text"] for c in fake.of("answerCallbackQuery")[-2:]] == [only, only]
    assert state(group_app, esc_id)[:2] == ("open", None)
    assert state(group_app, esc_id)[2] == []
    assert len(fake.sent(KL_GROUP)) == 1

    await group_app.press(HAFIZ_TG, ack, posted)
    status, holder, events = state(group_app, esc_id)
    assert (status, holder) == ("acknowledged", None)
    assert [(e.type, e.actor) for e in events] == [
        ("escalation_acknowledged", f"caseworker:{people['Hafiz']}")
    ]
    assert len(fake.sent(KL_GROUP)) == 1
    shown = edited(fake, KL_GROUP)
    assert shown["message_id"] == posted["message_id"]
    assert fake.of("answerCallbackQuery")[-1].params["text"] == "Anda sudah menerima kasus ini."
    assert "Diterima oleh Hafiz." in shown["text"]
    assert case.reference in shown["text"]
    assert buttons(shown) == [claim]

    await group_app.press(HAFIZ_TG, claim, shown)
    status, holder, events = state(group_app, esc_id)
    assert (status, holder) == ("claimed", people["Hafiz"])
    assert events[-1].type == "escalation_claimed"
    held = edited(fake, KL_GROUP)
    assert held["message_id"] == posted["message_id"]
    assert "Ditangani oleh Hafiz." in held["text"]
    assert buttons(held) == []
    with db.session(engine) as session:
        edits = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.chat_id) == str(KL_GROUP))
        ).all()
    assert [m.payload.get(EDIT_KEY) for m in edits] == [None] + [posted["message_id"]] * 2

    sent_before = len(fake.sent(KL_GROUP)) + len(fake.of("editMessageText"))
    await group_app.press(NOOR_TG, claim, posted)
    assert state(group_app, esc_id)[:2] == ("claimed", people["Hafiz"])
    assert len(fake.sent(KL_GROUP)) + len(fake.of("editMessageText")) == sent_before
    told = fake.of("answerCallbackQuery")[-1].params["text"]
    assert told == "Kasus ini sudah ditangani oleh Hafiz."
    assert len(fake.of("answerCallbackQuery")) == answered + 5
    again = TgCallback("q1", NOOR_TG, claim, None, KL_GROUP, ChatType.SUPERGROUP, 1)
    answer = group_app.translator.groups.apply(again)
    assert (answer.code, answer.changed) == ("held_by_other", False)
    assert answer.text == "Kasus ini sudah ditangani oleh Hafiz."
    stranger = TgCallback("q2", STRANGER_TG, claim, None, KL_GROUP, ChatType.SUPERGROUP, 1)
    assert group_app.translator.groups.apply(stranger).code == "unregistered"

    assert leaks(fake, "60123456789") == []


def test_callback_data_is_short_and_strict() -> None:
    data = button_data(GroupVerb.CLAIM, 2**62)
    assert len(data.encode()) <= 64
    assert parse_press(data) == (GroupVerb.CLAIM, 2**62)
    assert parse_press("cw:ack:12") == (GroupVerb.ACKNOWLEDGE, 12)
    for junk in (None, "", "cw:resolve:1", "cw:ack:", "cw:ack:1x", "cmd:menu", "cw:ack:1:2"):
        assert parse_press(junk) is None


def test_link_telegram_cli(engine: Engine, database_url: str) -> None:
    with db.session(engine) as session:
        who = caseworkers.create_caseworker(session=session, name="Hafiz", office="kuala_lumpur")
        other = caseworkers.create_caseworker(session=session, name="Noor", office="kuala_lumpur")
        system = caseworkers.system_caseworker(
            session=session, key="endpoint:x", name="x", office="jakarta"
        )
    settings = make_settings(database_url=database_url)

    def run(*words: str) -> tuple[int, str]:
        out = io.StringIO()
        args: dict[str, Any] = {"command": "caseworkers", "action": words[0], "unlink": False}
        if words[0] == "link-telegram":
            user = words[2] if len(words) > 2 else None
            args |= {"caseworker": int(words[1]), "telegram_user": user}
            args["unlink"] = "--unlink" in words
        code = escalation_cli.run(argparse.Namespace(**args), settings, out)
        return code, out.getvalue()

    assert run("link-telegram", str(who.id), "4242")[0] == 0
    assert run("link-telegram", str(who.id), "@hafiz")[0] == 2
    assert run("link-telegram", str(system.id), "4243")[0] == 1
    assert run("link-telegram", str(other.id), "4242")[0] == 0  # the id moves to Noor
    with db.session(engine) as session:
        found = caseworkers.caseworker_by_telegram(session=session, telegram_user_id="4242")
        assert found is not None
        assert found.id == other.id
        first = session.get(Caseworker, who.id)
        assert first is not None
        assert first.telegram_user_id is None
    code, listing = run("list")
    assert code == 0
    assert "Noor\ttelegram linked" in listing
    assert "Hafiz\tno telegram" in listing
    assert run("link-telegram", str(other.id), "--unlink")[0] == 0
    with db.session(engine) as session:
        assert caseworkers.caseworker_by_telegram(session=session, telegram_user_id="4242") is None
