"""The engine checks typed answers against what their step expects, and asks once when unsure."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.engine import Turn, advance
from flows.intake import SELF_REPORT
from flows.registry import FlowError, build
from flows.state import Pending, State, from_json, to_json
from flows.steps import Ask, DateWindow, Finish, Flow, MonthRange, NeedsCurrency
from flows.vocabulary import (
    CheckButton,
    EventName,
    Flag,
    InputKind,
    Plain,
    Status,
    Text,
    UserInput,
)

NOW = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)
MONTHS, AMOUNT, SINCE = "self_unpaid_months", "self_wage_amount", "self_since"
MONTHS_STEP = next(s for s in SELF_REPORT.steps if isinstance(s, Ask) and s.id == MONTHS)
assert isinstance(MONTHS_STEP, Ask)
STEP_RANGE = MONTHS_STEP.expects


def at(step_id: str, **answers: object) -> State:
    """Returns a conversation waiting at a step of the self report, with earlier answers."""
    return State(
        step_id=step_id,
        answers={"self_problem": ["GAJI"], **answers},
        history=("language", "danger", "self_problem"),
        prompted=True,
        started_at=NOW,
        last_input_at=NOW,
        consented=True,
    )


def send(state: State, text: str) -> Turn:
    return advance(state, UserInput(kind=InputKind.TEXT, at=NOW, text=text))


def press(state: State, button_id: str) -> Turn:
    return advance(state, UserInput(kind=InputKind.CHOICE, at=NOW, choice_id=button_id))


def msgids(turn: Turn) -> list[str]:
    return [line.msgid for reply in turn.replies for line in reply.lines if isinstance(line, Text)]


def button_ids(turn: Turn) -> list[str]:
    return [b.id for reply in turn.replies for b in reply.buttons]


def names(turn: Turn) -> list[EventName]:
    return [e.name for e in turn.events]


@pytest.mark.parametrize(
    ("text", "months"),
    [("3", 3), ("sejak Maret", 8), ("March 2025", 20), ("2 tahun", 24), ("a year and a half", 18)],
)
def test_plausible_months_are_stored_with_the_words(text: str, months: int) -> None:
    turn = send(at(MONTHS), text)
    assert turn.state.answers[MONTHS] == {"text": text, "value": months}
    assert turn.state.step_id == AMOUNT
    assert turn.state.pending is None


def test_a_count_outside_the_range_is_said_back_once_with_yes_and_no() -> None:
    turn = send(at(MONTHS), "2026")
    assert MONTHS not in turn.state.answers
    assert turn.state.pending is Pending.CONFIRM_ANSWER
    assert turn.replies[0].lines[0] == Text(
        "Did you mean {count} months?", {"count": Plain("2026")}
    )
    assert button_ids(turn) == [f"{MONTHS}.check_yes", f"{MONTHS}.check_no"]
    assert EventName.ANSWER_QUESTIONED in names(turn)
    assert EventName.ANSWER_RECORDED not in names(turn)


@pytest.mark.parametrize("insist", ["press yes", "ya", "2026", " 2026 "])
def test_insisting_keeps_the_words_flagged_and_no_number(insist: str) -> None:
    asked = send(at(MONTHS), "2026").state
    turn = (
        press(asked, f"{MONTHS}.{CheckButton.YES}")
        if insist == "press yes"
        else send(asked, insist)
    )
    assert turn.state.answers[MONTHS] == {"text": "2026", "flag": Flag.CONFIRMED_UNLIKELY.value}
    assert EventName.ANSWER_FLAGGED in names(turn)
    assert turn.state.step_id == AMOUNT
    assert turn.state.pending is None
    assert turn.state.unconfirmed is None


def test_no_asks_the_question_again_and_a_new_answer_is_read_afresh() -> None:
    asked = send(at(MONTHS), "300").state
    again = press(asked, f"{MONTHS}.{CheckButton.NO}")
    assert msgids(again) == [MONTHS_STEP.prompt]
    assert MONTHS not in again.state.answers
    fixed = send(again.state, "3")
    assert fixed.state.answers[MONTHS] == {"text": "3", "value": 3}
    other = send(again.state, "500")
    assert other.state.pending is Pending.CONFIRM_ANSWER
    assert other.state.unconfirmed == {"step": MONTHS, "text": "500", "value": 500}


def test_words_that_are_not_months_get_the_retry_with_skip() -> None:
    turn = send(at(MONTHS), "sejak 2025")
    assert msgids(turn) == ["Please type how many months. For example: 3 months."]
    assert button_ids(turn) == ["cmd:skip"]
    assert EventName.INPUT_NOT_UNDERSTOOD in names(turn)


def test_lebaran_without_a_year_asks_which_one() -> None:
    turn = send(at(MONTHS), "sejak lebaran")
    assert turn.state.pending is Pending.LEBARAN_YEAR
    assert button_ids(turn) == [f"{MONTHS}.lebaran_{year}" for year in (2026, 2025, 2024)]
    chosen = press(turn.state, f"{MONTHS}.lebaran_2024")
    assert chosen.state.answers[MONTHS] == {"text": "sejak lebaran", "value": 31, "lebaran": 2024}
    typed = send(turn.state, "2025")
    assert typed.state.answers[MONTHS]["value"] == 20
    assert send(turn.state, "kemarin").state.answers[MONTHS] == {
        "text": "sejak lebaran",
        "value": 8,
    }
    assert send(turn.state, "tahun lalu").state.answers[MONTHS]["value"] == 20
    assert send(turn.state, "3 bulan").state.answers[MONTHS] == {"text": "3 bulan", "value": 3}


def test_a_skip_during_a_re_ask_leaves_nothing_waiting() -> None:
    asked = send(at(MONTHS), "2026").state
    skipped = send(asked, "lewati")
    assert skipped.state.answers[MONTHS] is None
    assert skipped.state.step_id == AMOUNT
    later = send(skipped.state, "RM 1500")
    assert later.state.answers[AMOUNT]["value"] == {"value": "1500", "currency": "MYR"}


def test_what_is_waiting_survives_the_json_round_trip() -> None:
    asked = send(at(MONTHS), "2026").state
    assert from_json(to_json(asked)) == asked
    assert press(from_json(to_json(asked)), f"{MONTHS}.check_yes").state.answers[MONTHS]["flag"]


def test_an_amount_with_its_currency_is_kept_as_typed_beside_the_value() -> None:
    turn = send(at(AMOUNT, self_country="MY"), "1500 ringgit")
    assert turn.state.answers[AMOUNT] == {
        "text": "1500 ringgit",
        "value": {"value": "1500", "currency": "MYR"},
    }


def test_a_bare_amount_offers_the_country_currency_and_keeps_it_only_when_confirmed() -> None:
    asked = send(at(AMOUNT, self_country="TW"), "20000")
    assert asked.state.pending is Pending.CURRENCY
    assert AMOUNT not in asked.state.answers
    assert button_ids(asked) == [
        f"{AMOUNT}.check_yes",
        f"{AMOUNT}.currency_other",
        f"{AMOUNT}.currency_unknown",
    ]
    kept = send(asked.state, "ya")
    assert kept.state.answers[AMOUNT]["value"] == {"value": "20000", "currency": "TWD"}
    other = press(asked.state, f"{AMOUNT}.currency_other")
    assert f"{AMOUNT}.currency_IDR" in button_ids(other)
    assert press(other.state, f"{AMOUNT}.currency_IDR").state.answers[AMOUNT]["value"] == {
        "value": "20000",
        "currency": "IDR",
    }


def test_a_bare_amount_with_no_country_currency_gets_the_currency_buttons() -> None:
    asked = send(at(AMOUNT, self_country="ID_HOME"), "1500")
    assert msgids(asked) == ["You wrote “{text}”. Which currency is that?"]
    assert len(button_ids(asked)) == 8
    assert send(asked.state, "RM").state.answers[AMOUNT]["value"]["currency"] == "MYR"
    again = send(asked.state, "1600")
    assert again.state.pending is Pending.CURRENCY
    assert again.state.unconfirmed
    assert again.state.unconfirmed["number"] == "1600"
    whole = send(asked.state, "HK$ 1.600")
    assert whole.state.answers[AMOUNT]["value"] == {"value": "1600", "currency": "HKD"}


def test_a_currency_the_reporter_does_not_know_is_kept_as_written_and_flagged() -> None:
    asked = send(at(AMOUNT), "1500").state
    turn = press(asked, f"{AMOUNT}.{CheckButton.UNKNOWN_CURRENCY}")
    assert turn.state.answers[AMOUNT] == {"text": "1500", "flag": Flag.CURRENCY_UNKNOWN.value}
    assert send(asked, "tidak tahu").state.answers[AMOUNT]["flag"] == Flag.CURRENCY_UNKNOWN.value


def test_a_date_after_today_is_refused_and_an_old_one_asked_about() -> None:
    state = at(SINCE)
    future = send(state, "Desember 2026")
    assert msgids(future) == [
        "That date has not come yet. Please write when it happened, for example: March 2026."
    ]
    assert SINCE not in future.state.answers
    old = send(state, "Maret 1990")
    assert old.state.pending is Pending.CONFIRM_ANSWER
    assert msgids(old) == ["Did you mean {date}?"]
    assert press(old.state, f"{SINCE}.check_yes").state.answers[SINCE]["flag"]
    month = send(state, "Oktober 2025")
    assert month.state.answers[SINCE]["value"] == {"year": 2025, "month": 10, "day": None}


def _flow(step: Ask) -> Flow:
    end = Finish(id="end", text="Bye", status=Status.SUBMITTED)
    return Flow(id="f", title="F", start=step.id, steps=(step, end))


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        (Ask(id="q", prompt="P", next="end", parser="months"), "does not declare a MonthRange"),
        (
            Ask(id="q", prompt="P", next="end", parser="date", expects=MonthRange(0, 5)),
            "does not declare a DateWindow",
        ),
        (
            Ask(id="q", prompt="P", next="end", expects=DateWindow(5)),
            "reads no months, date or amount",
        ),
        (
            Ask(id="q", prompt="P", next="end", parser="amount", expects=NeedsCurrency("x", {})),
            "takes its currency from 'x'",
        ),
        (
            Ask(id="q", prompt="P", next="end", parser="months", expects=MonthRange(5, 2)),
            "empty or negative month range",
        ),
    ],
)
def test_the_registry_refuses_typed_steps_without_a_matching_expectation(
    step: Ask, problem: str
) -> None:
    with pytest.raises(FlowError, match=problem):
        build([_flow(step)], start="q")


texts = st.one_of(
    st.text(max_size=40),
    st.builds(
        " ".join,
        st.lists(
            st.sampled_from(
                [
                    "-",
                    "2026",
                    "300",
                    "120",
                    "121",
                    "3",
                    "tahun",
                    "bulan",
                    "setengah",
                    "sejak",
                    "Maret",
                    "2025",
                    "lebaran",
                    "since",
                    "a",
                    "year",
                    "and",
                    "half",
                    "1,5",
                    "ya",
                    "dua",
                    "puluh",
                    "ribu",
                    "juta",
                    "RM",
                    "1500",
                    "$",
                    "tidak",
                    "tahu",
                ]
            ),  # fmt: skip
            max_size=6,
        ),
    ),
)


@settings(max_examples=150, deadline=None)
@given(first=texts, second=texts)
def test_no_reply_stores_a_month_count_outside_the_step_range(first: str, second: str) -> None:
    assert isinstance(STEP_RANGE, MonthRange)
    state = send(at(MONTHS), first).state
    state = send(state, second).state
    state = press(state, f"{MONTHS}.{CheckButton.YES}").state
    stored = state.answers.get(MONTHS)
    if isinstance(stored, dict) and "value" in stored:
        assert STEP_RANGE.low <= stored["value"] <= STEP_RANGE.high
        assert isinstance(stored["value"], int)


@settings(max_examples=150, deadline=None)
@given(first=texts, second=texts, country=st.sampled_from(["MY", "HK", "ID_HOME", "OTHER"]))
def test_every_stored_amount_has_a_currency(first: str, second: str, country: str) -> None:
    state = send(at(AMOUNT, self_country=country), first).state
    state = send(state, second).state
    stored = state.answers.get(AMOUNT)
    if isinstance(stored, dict) and "value" in stored:
        assert stored["value"]["currency"]
        assert stored["text"] in (first, second)


@pytest.mark.parametrize(
    ("edited", "stored"),
    [
        ("2 tahun", {"text": "2 tahun", "value": 24}),
        ("2026", {"text": "2026", "flag": Flag.EDITED_UNCHECKED.value}),
        ("lama sekali", {"text": "lama sekali", "flag": Flag.EDITED_UNCHECKED.value}),
    ],
)
def test_an_edited_typed_answer_is_read_again_or_kept_flagged(
    edited: str, stored: dict[str, object]
) -> None:
    answered = send(at(MONTHS), "3").state
    edit = UserInput(kind=InputKind.EDIT, at=NOW, text=edited, edited_step=MONTHS)
    turn = advance(answered, edit)
    assert turn.state.answers[MONTHS] == stored
    assert turn.replies == ()


@pytest.mark.parametrize("parser", ["count", "age"])
def test_a_typed_step_cannot_read_a_number_without_declaring_what_is_plausible(
    parser: str,
) -> None:
    with pytest.raises(FlowError, match="no plausibility check"):
        build([_flow(Ask(id="q", prompt="P", next="end", parser=parser))], start="q")
