"""Property tests: any inputs never raise and always get a reply in the reporter's language."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.i18n import Catalogs, Renderer
from flows.context import Context
from flows.engine import advance, next_timer
from flows.registry import INTAKE
from flows.state import State, from_json, to_json
from flows.steps import Choose
from flows.vocabulary import (
    Command,
    EventName,
    Fact,
    InputKind,
    Locale,
    MediaKind,
    MediaRef,
    Status,
    Text,
    Timeout,
    TimerKind,
    UserInput,
)

CATALOGS = Catalogs()
CONTEXT = Context(aliases=CATALOGS.aliases())
START = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)

BUTTONS = (
    [
        f"{step.id}.{option.id}"
        for step in INTAKE.steps.values()
        if isinstance(step, Choose)
        for option in step.options
    ]
    + [f"cmd:{c.value}" for c in Command]
    + ["review.confirm", "review.edit", "edit.self_city"]
)
WORDS = [
    "ya",
    "tidak",
    "gak",
    "yes",
    "no",
    "1",
    "2",
    "3",
    "13",
    "1, 2",
    "selesai",
    "done",
    "kembali",
    "back",
    "batal",
    "mulai lagi",
    "english",
    "indonesia",
    "petugas",
    "lewati",
    "2,5jt",
    "bulan lalu",
    "Maret 2026",
    "tgl 5",
    "dipukul",
    "hp saya mati",
    "",
]

texts = st.one_of(
    st.sampled_from(WORDS), st.text(max_size=60), st.text(string.printable, max_size=30)
)
inputs = st.one_of(
    st.builds(lambda t: ("text", t), texts),
    st.builds(lambda b: ("press", b), st.sampled_from(BUTTONS)),
    st.builds(lambda k: ("media", k), st.sampled_from(list(MediaKind))),
    st.builds(lambda c: ("command", c), st.sampled_from(list(Command))),
    st.builds(lambda h: ("wait", h), st.integers(min_value=0, max_value=24 * 40)),
    st.builds(lambda k: ("timer", k), st.sampled_from(list(TimerKind))),
)


def to_event(kind: str, value: object, at: dt.datetime, n: int) -> UserInput | Timeout:
    """Returns the engine input one generated action stands for."""
    if kind == "text":
        return UserInput(kind=InputKind.TEXT, at=at, text=str(value))
    if kind == "press":
        return UserInput(kind=InputKind.CHOICE, at=at, choice_id=str(value))
    if kind == "media":
        return UserInput(kind=InputKind.MEDIA, at=at, media=MediaRef(str(n), MediaKind(str(value))))
    if kind == "command":
        return UserInput(kind=InputKind.COMMAND, at=at, command=Command(str(value)))
    return Timeout(kind=TimerKind(str(value)), at=at)


def untranslated(locale: Locale, text: Text) -> list[str]:
    """Returns every msgid in a reply (params included) with no translation in the locale."""
    missing = []
    if locale is Locale.ID and CATALOGS.gettext(locale, text.msgid) == text.msgid:
        missing.append(text.msgid)
    for value in text.params.values():
        nested = value if isinstance(value, tuple) else (value,)
        for item in nested:
            if isinstance(item, Text):
                missing += untranslated(locale, item)
    return missing


ALLOWED_SAME = {
    "Bahasa Indonesia",
    "English",
    "Malaysia",
    "Hong Kong",
    "Taiwan",
    "Menu",
    "{number}. {question}: {answer}",
    "Indramayu",
    "Kebumen",
    "Cilacap",
    "Wonosobo",
    "Jember",
    "Banyuwangi",
    "Lembata",
    "Hello. Which language do you want? / Halo. Mau pakai bahasa apa?",
    "Halo. Mau pakai bahasa apa? / Hello. Which language do you want?",
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hint=st.sampled_from([None, "id", "en-US", "ms", "zh-HK"]),
    actions=st.lists(inputs, max_size=40),
)
def test_random_inputs_never_raise_and_always_answer_in_the_reporters_language(
    hint: str | None, actions: list[tuple[str, object]]
) -> None:
    at = START
    turn = advance(
        None, UserInput(kind=InputKind.TEXT, at=at, text="halo", locale_hint=hint), CONTEXT
    )
    state: State = turn.state
    for n, (kind, value) in enumerate(actions):
        if kind == "wait":
            at += dt.timedelta(hours=int(str(value)))
            continue
        at += dt.timedelta(seconds=5)
        before = state
        turn = advance(state, to_event(kind, value, at, n), CONTEXT)
        state = turn.state
        assert from_json(to_json(state)) == state
        if kind != "timer" and before.status is Status.ACTIVE and before.pending is None:
            assert turn.replies or turn.events is not None
        if [e.name for e in turn.events] == [EventName.CHAT_CLEAR_REQUESTED]:
            # The quick exit says nothing (the executor clears the chat) and changes nothing else.
            assert not turn.replies
            assert replace(state, last_input_at=before.last_input_at) == before
        elif kind != "timer":
            assert turn.replies, f"no reply to {kind} {value!r} at {before.step_id}"
        renderer = Renderer(CATALOGS, state.locale, "Asia/Jakarta", {Fact.CASE_REFERENCE: "MC-1"})
        for reply in turn.replies:
            renderer.reply(reply)
            for line in reply.lines:
                if isinstance(line, Text):
                    assert not set(untranslated(state.locale, line)) - ALLOWED_SAME
        if state.status is Status.ACTIVE and state.last_input_at is not None:
            assert next_timer(INTAKE, state) is not None


@settings(max_examples=200, deadline=None)
@given(actions=st.lists(inputs, max_size=30))
def test_urgency_never_goes_down(actions: list[tuple[str, object]]) -> None:
    at = START
    state = advance(
        None, UserInput(kind=InputKind.TEXT, at=at, text="halo", locale_hint="id"), CONTEXT
    ).state
    for n, (kind, value) in enumerate(actions):
        if kind == "wait":
            continue
        at += dt.timedelta(seconds=5)
        before = state.urgency
        state = advance(state, to_event(kind, value, at, n), CONTEXT).state
        restarted = state.started_at != START and state.started_at == at
        if before is not None and state.urgency is not None and not restarted:
            assert state.urgency.rank <= before.rank
