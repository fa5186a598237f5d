"""Telegram caseworker groups: neutral alerts, Acknowledge and Claim by registered caseworkers only,
one post per level, through both drivers and the fake Bot API."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from esc_helpers import make_case
from group_alert_helpers import (
    JAKARTA_GROUP,
    KL_GROUP,
    FakeBotAPI,
    FakeServer,
    GroupApp,
    buttons,
    edited,
    group_message,
    settings_for,
)
from settings_helpers import make_settings
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.casework.group_alerts import EDIT_KEY, GroupVerb, button_data, parse_press
from bot.cli import handoff as escalation_cli
from bot.settings import TelegramDriver
from escalation import deadlines, service
from handlers.telegram.updates import ChatType, TgCallback
from storage import caseworkers, db
from storage.escalation_models import Caseworker, Escalation
from storage.migrate import upgrade
from storage.models import Case, CaseEvent, OutboxMessage

NAME, PHONE, STORY = "Siti Rahayu", "+60123456789", "my employer keeps my passport"
HAFIZ_TG, NOOR_TG, STRANGER_TG, JEMBER_TG = 9001, 9002, 9003, 9004


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    api = FakeBotAPI()
    with FakeServer(api) as server:
        api.base_url = server.base_url
        yield api


@pytest.fixture(params=[TelegramDriver.PTB, TelegramDriver.AIOGRAM], ids=lambda d: d.value)
def driver(request: pytest.FixtureRequest) -> TelegramDriver:
    value: TelegramDriver = request.param
    return value


@pytest.fixture
async def group_app(
    tmp_path: Path, fake: FakeBotAPI, driver: TelegramDriver, database_url: str
) -> AsyncIterator[GroupApp]:
    upgrade(database_url)
    running = GroupApp(settings_for(tmp_path, fake, driver, database_url), fake)
    await running.start()
    yield running
    await running.stop()


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
    with db.session(app.core.engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        found = service.open_or_update(
            session, app.desk(), row, "case_submitted", dt.datetime.now(dt.UTC)
        )
        assert found is not None
        return found


def state(app: GroupApp, escalation_id: int) -> tuple[str, int | None, list[CaseEvent]]:
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


def every_call(fake: FakeBotAPI) -> str:
    return json.dumps([c.params for c in fake.calls], ensure_ascii=False)


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

    everything = every_call(fake)
    for secret in (NAME, PHONE, STORY, "60123456789"):
        assert secret not in everything


async def test_each_level_posts_once(group_app: GroupApp, fake: FakeBotAPI) -> None:
    engine = group_app.core.engine
    case = planted_case(engine, urgency="P0", copies=("jakarta", "jember"))
    escalation = open_escalation(group_app, case)
    desk = group_app.desk()
    later = dt.datetime.now(dt.UTC)
    for _ in range(2):  # office -> supervisor -> jakarta -> operator
        later += dt.timedelta(hours=1)
        for _ in range(2):  # a second sweep at the same moment finds nothing overdue
            with db.session(engine) as session:
                deadlines.sweep(session, desk, later)
    await group_app.settle()
    kl, jakarta = fake.texts(KL_GROUP), fake.texts(JAKARTA_GROUP)
    assert len(kl) == 2
    assert kl[0].startswith(f"Kasus baru {case.reference}")
    assert "naik ke tingkat ini" in kl[1]
    assert "atasan atau petugas jaga" in kl[1]
    assert len(jakarta) == 2  # copied on the new case, then alerted at its own level
    assert jakarta[0].startswith(f"New case {case.reference}")
    assert "Level: office." in jakarta[0]
    assert jakarta[1].startswith(f"Nobody acknowledged case {case.reference}")
    assert "Level: Jakarta." in jakarta[1]
    with db.session(engine) as session:
        row = session.get(Escalation, escalation.id)
        assert row is not None
        assert row.level == 2
        deadlines.sweep(session, desk, later + dt.timedelta(hours=1))
    await group_app.settle()
    assert len(fake.texts(JAKARTA_GROUP)) == 3
    assert "Level: operator." in fake.texts(JAKARTA_GROUP)[-1]
    for secret in (NAME, PHONE, STORY):
        assert secret not in every_call(fake)


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


async def test_a_case_that_becomes_more_urgent_is_posted_again(
    group_app: GroupApp, fake: FakeBotAPI
) -> None:
    engine = group_app.core.engine
    case = planted_case(engine, urgency="P2")
    open_escalation(group_app, case)
    await group_app.settle()
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        row.urgency = "P0"
        service.open_or_update(session, group_app.desk(), row, "urgent", dt.datetime.now(dt.UTC))
    await group_app.settle()
    kl = fake.texts(KL_GROUP)
    assert len(kl) == 2
    assert kl[1].startswith(f"Kasus {case.reference} menjadi lebih mendesak.")
    assert "P0" in kl[1]
    with db.session(engine) as session:  # the same urgency again: nothing new in the group
        row = session.get(Case, case.id)
        assert row is not None
        service.open_or_update(session, group_app.desk(), row, "urgent", dt.datetime.now(dt.UTC))
    await group_app.settle()
    assert len(fake.texts(KL_GROUP)) == 2
    for secret in (NAME, PHONE, STORY):
        assert secret not in every_call(fake)
