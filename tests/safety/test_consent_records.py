"""Consent as records per purpose: case handling, sensitive data, contact later, share (R-02)."""

from __future__ import annotations

import datetime as dt

import pytest
from chat_rights_helpers import (
    OPENING,
    START,
    Chat,
    catalogs,
    conversation,
    make_runner,
    reporter,
    rows,
    submit_wage_report,
)
from sqlalchemy import Engine

from bot.i18n import Renderer
from bot.safety.consents import consent_state, request_share_consent
from flows.consent import CONSENT_VERSIONS, Purpose
from flows.engine import advance
from flows.state import Pending, from_json
from flows.vocabulary import InputKind, Locale, Text, UserInput
from storage import db, models


def test_each_purpose_is_its_own_versioned_record(engine: Engine) -> None:
    chat = Chat(make_runner(engine))
    submit_wage_report(chat)
    consents = rows(engine, models.Consent)
    by_purpose = {c.purpose: c for c in consents}
    assert set(by_purpose) == {"case_handling", "contact_later"}
    for consent in consents:
        assert consent.answer == "given"
        assert consent.text_version == CONSENT_VERSIONS[consent.purpose]
        assert (consent.locale, consent.channel, consent.actor) == ("en", "web", "self")
        assert consent.case_id is not None
    who = reporter(engine)
    assert who.safe_times == ["18:00-22:00"]
    assert who.utc_offset_minutes == 8 * 60
    with db.session(engine) as session:
        assert consent_state(session, who.id or 0, "contact_later") == "given"
        assert consent_state(session, who.id or 0, "sensitive_data") is None


def test_refusing_contact_later_keeps_no_safe_times(engine: Engine) -> None:
    chat = Chat(make_runner(engine))
    chat.send("hello")
    chat.press(*OPENING, "cmd:skip", "self_help.wages", "cmd:done", "self_problem.GAJI")
    chat.press("cmd:done", "cmd:skip", "cmd:skip", "cmd:skip", "cmd:skip")
    chat.press("self_contact.this_chat", "self_times.i_write_first")
    who = reporter(engine)
    assert who.safe_times == []
    with db.session(engine) as session:
        assert consent_state(session, who.id or 0, "contact_later") == "refused"
    assert conversation(engine).next_timer_at is not None  # expiry only, never a reminder
    assert conversation(engine).timer_kind == "expiry"


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_sensitive_questions_are_asked_only_with_their_own_consent(
    engine: Engine, answer: str
) -> None:
    chat = Chat(make_runner(engine))
    chat.send("hello")
    chat.press(*OPENING, "cmd:skip", "self_help.wages", "cmd:done", "self_problem.KEKERASAN")
    asked = chat.press("cmd:done")
    assert "health, safety or the police" in asked[0]
    after = chat.press(f"self_sensitive.{answer}")
    still_happening = "Is it still happening?" in after[0]
    assert still_happening is (answer == "yes")
    state = from_json(conversation(engine).state["engine"])
    assert "self_still_happening" not in state.answers
    who = reporter(engine).id or 0
    with db.session(engine) as session:
        got = consent_state(session, who, "sensitive_data")
    assert got == ("given" if answer == "yes" else "refused")


def test_latest_answer_wins_and_recipients_are_separate(engine: Engine) -> None:
    chat = Chat(make_runner(engine))
    submit_wage_report(chat)
    chat.send("withdraw consent")
    who = reporter(engine)
    with db.session(engine) as session:
        assert consent_state(session, who.id or 0, "case_handling") == "withdrawn"
        assert consent_state(session, who.id or 0, "share", "kbri") is None


@pytest.mark.parametrize(("hint", "word", "name"), [("id", "ya", "KBRI/KJRI"), ("en", "no", "")])
def test_share_consent_is_asked_in_the_reporters_language_and_recorded(
    engine: Engine, hint: str, word: str, name: str
) -> None:
    chat = Chat(make_runner(engine), hint=hint)
    submit_wage_report(chat)
    chat.press("code_word.no")
    case = rows(engine, models.Case)[0]
    with db.session(engine) as session:
        held = session.get(models.Case, case.id)
        assert held is not None
        held.status = "acknowledged"  # a person holds the case: the answer must still count
        request_share_consent(session, case.id, "kbri", START + dt.timedelta(days=1))
    question = rows(engine, models.OutboxMessage)[-1].payload
    assert name in question["text"]
    assert [b["id"] for b in question["buttons"]] == ["share.yes", "share.no"]
    assert len(question["text"]) < 300
    state = from_json(conversation(engine).state["engine"])
    assert state.pending is Pending.SHARE_CONSENT
    chat.at = START + dt.timedelta(days=1, minutes=5)
    chat.send(word)
    share = [c for c in rows(engine, models.Consent) if c.purpose == "share"]
    assert len(share) == 1
    assert (share[0].recipient, share[0].case_id) == ("kbri", case.id)
    expected = "given" if word == "ya" else "refused"
    assert share[0].answer == expected
    who = reporter(engine).id or 0
    with db.session(engine) as session:
        assert consent_state(session, who, "share", "kbri") == expected
        assert consent_state(session, who, "share", "police") is None
    events = [e.type for e in rows(engine, models.CaseEvent)]
    assert "share_consent_asked" in events


@pytest.mark.parametrize("locale", list(Locale))
def test_the_consent_screen_stays_within_six_short_lines(locale: Locale) -> None:
    turn = advance(None, UserInput(kind=InputKind.TEXT, at=START, text="hi", locale_hint=locale))
    for button in ("danger.no", "safe_now.safe", "role.worker"):
        pressed = UserInput(kind=InputKind.CHOICE, at=START, choice_id=button)
        turn = advance(turn.state, pressed)
    reply = turn.replies[-1]
    assert isinstance(reply.lines[0], Text)
    rendered = Renderer(catalogs(), locale, "Asia/Jakarta", {}).reply(reply)
    assert len(rendered.text.splitlines()) <= 6
    assert any(b.id == "consent.more" for b in reply.buttons)
    assert Purpose.CASE_HANDLING.value in CONSENT_VERSIONS
