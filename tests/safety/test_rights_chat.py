"""Data rights in chat (R-06): typed, slash and button forms, each a DataRequest due in 72 h."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from chat_rights_helpers import (
    OPENING,
    Chat,
    catalogs,
    conversation,
    make_runner,
    reporter,
    rows,
    submit_wage_report,
)
from sqlalchemy import Engine

from flows import messages as msg
from flows.commands import parse_command
from flows.consent import RECIPIENTS
from flows.mydata import RequestKind
from flows.vocabulary import Command, Locale
from storage import db, models
from storage.safety_models import DataRequest

TYPED = {
    "data saya": Command.MY_DATA,
    "My Data": Command.MY_DATA,
    "/mydata": Command.MY_DATA,
    "ubah": Command.CORRECT,
    "correct": Command.CORRECT,
    "hapus data saya": Command.DELETE,
    "delete my data": Command.DELETE,
    "/delete": Command.DELETE,
    "tarik persetujuan": Command.WITHDRAW,
    "withdraw consent": Command.WITHDRAW,
    "batasi": Command.RESTRICT,
    "restrict": Command.RESTRICT,
    "hapus chat": Command.CLEAR_CHAT,
    "clear chat": Command.CLEAR_CHAT,
    "HAPUS": Command.CLEAR_CHAT,
    "/clear": Command.CLEAR_CHAT,
    "/hapus": Command.CLEAR_CHAT,
    "stop": Command.CANCEL,
    "kata sandi": Command.CODE_WORD,
}


@pytest.mark.parametrize(("typed", "command"), TYPED.items())
def test_every_keyword_means_its_command(typed: str, command: Command) -> None:
    found = parse_command(typed)
    assert found is not None
    assert found[0] is command


@pytest.mark.parametrize(
    ("typed", "kind", "stops"),
    [
        ("hapus data saya", RequestKind.DELETE, True),
        ("/delete", RequestKind.DELETE, True),
        ("withdraw consent", RequestKind.WITHDRAW, True),
        ("batasi", RequestKind.RESTRICT, True),
        ("my data", RequestKind.ACCESS, False),
        ("correct", RequestKind.CORRECT, False),
    ],
)
def test_a_request_after_submitting_is_stored_due_in_72_hours(
    engine: Engine, typed: str, kind: RequestKind, stops: bool
) -> None:
    chat = Chat(make_runner(engine))
    submit_wage_report(chat)
    chat.press("code_word.no")
    replies = chat.send(typed)
    (request,) = rows(engine, DataRequest)
    case = rows(engine, models.Case)[0]
    assert request.kind == kind.value
    assert (request.channel, request.locale, request.case_id) == ("web", "en", case.id)
    assert request.status == "open"
    assert request.due_at == chat.at + dt.timedelta(hours=72)
    assert request.escalate_at == chat.at + dt.timedelta(hours=48)
    assert any("Tuesday 1 December" in r or "by " in r for r in replies)
    opened = [e for e in rows(engine, models.CaseEvent) if e.type == "data_request_opened"]
    assert opened[0].data == {"request_id": request.id, "kind": kind.value}
    row = conversation(engine)
    assert (row.status == "stopped") is stops
    restricted = reporter(engine).restricted_at is not None
    assert restricted is (kind in (RequestKind.WITHDRAW, RequestKind.RESTRICT))


def test_withdrawing_consent_stops_processing_and_reminders(engine: Engine) -> None:
    chat = Chat(make_runner(engine))
    chat.send("halo")
    chat.press(*OPENING)
    assert conversation(engine).next_timer_at is not None
    chat.send("tarik persetujuan")
    row = conversation(engine)
    assert row.status == "stopped"
    assert row.next_timer_at is None
    consents = rows(engine, models.Consent)
    assert [c.answer for c in consents] == ["given", "withdrawn"]
    assert consents[-1].purpose == "case_handling"
    (request,) = rows(engine, DataRequest)
    assert (request.kind, request.purpose) == ("withdraw", "case_handling")
    assert reporter(engine).restricted_at == chat.at


def test_rights_work_while_a_caseworker_holds_the_case(engine: Engine) -> None:
    chat = Chat(make_runner(engine))
    submit_wage_report(chat)
    chat.press("code_word.no")
    with db.session(engine) as session:
        case = session.get(models.Case, rows(engine, models.Case)[0].id)
        assert case is not None
        case.status = "claimed"
    chat.press("cmd:mydata")
    chat.press("cmd:delete")
    kinds = [r.kind for r in rows(engine, DataRequest)]
    assert kinds == ["access", "delete"]


def test_correcting_during_the_intake_lets_the_reporter_change_an_answer(engine: Engine) -> None:
    chat = Chat(make_runner(engine))
    chat.send("hello")
    chat.press(*OPENING)
    chat.send("Johor")
    picked = chat.send("correct")
    assert picked == ["Which answer do you want to change?"]
    assert rows(engine, DataRequest) == []


def test_the_menu_offers_my_data_and_clear_chat(engine: Engine) -> None:
    chat = Chat(make_runner(engine))
    chat.send("hello")
    chat.press("cmd:menu")
    last = rows(engine, models.OutboxMessage)[-1].payload
    ids = [b["id"] for b in last["buttons"]]
    assert {"cmd:mydata", "cmd:clear"} <= set(ids)


BANNED = re.compile(r"abuse|kekerasan|complaint|pengaduan|violence|trafficking", re.I)
NEW_TEXTS = [
    value
    for name, value in vars(msg).items()
    if name.startswith(("DATA_", "CORRECT_", "DELETE_", "WITHDRAW_", "RESTRICT_", "CODE_WORD_"))
    or name.startswith(("SHARE_", "BUTTON_"))
] + list(RECIPIENTS.values())


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("msgid", NEW_TEXTS)
def test_new_texts_are_short_and_neutral(msgid: str, locale: Locale) -> None:
    text = catalogs().gettext(locale, msgid)
    assert len(text) < 300
    assert not BANNED.search(text)
