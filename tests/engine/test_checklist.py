"""A multiple choice is a checklist: presses and typed names tick and untick, Done keeps the set."""

from __future__ import annotations

import datetime as dt

from flows.engine import Turn, advance
from flows.registry import INTAKE
from flows.state import State
from flows.summary import summary_lines
from flows.vocabulary import Command, EventName, InputKind, Locale, Text, UserInput

NOW = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)


def at(step_id: str, selection: tuple[str, ...] = ()) -> State:
    """Returns a conversation waiting at a checklist."""
    return State(
        step_id=step_id,
        locale=Locale.EN,
        selection=selection,
        history=("language", "danger"),
        prompted=True,
        consented=True,
        started_at=NOW,
        last_input_at=NOW,
    )


def press(state: State, choice: str, on: str | None = "42") -> Turn:
    return advance(state, UserInput(InputKind.CHOICE, NOW, choice_id=choice, pressed_on=on))


def typed(state: State, text: str) -> Turn:
    return advance(state, UserInput(InputKind.TEXT, NOW, text=text))


def done(state: State, on: str | None = "42") -> Turn:
    return advance(state, UserInput(InputKind.COMMAND, NOW, command=Command.DONE, pressed_on=on))


def ticked(turn: Turn) -> list[str]:
    return [b.id for b in turn.replies[-1].buttons if b.chosen]


def test_a_press_ticks_and_a_second_press_unticks_in_place() -> None:
    first = press(at("self_help"), "self_help.wages")
    assert first.state.selection == ("wages",)
    assert len(first.replies) == 1
    assert first.replies[0].replaces == "42"
    assert ticked(first) == ["self_help.wages"]
    assert "cmd:done" in [b.id for b in first.replies[0].buttons]
    second = press(first.state, "self_help.wages")
    assert second.state.selection == ()
    assert ticked(second) == []
    assert second.replies[0].replaces == "42"
    assert second.state.step_id == "self_help"


def test_typed_numbers_and_labels_toggle_and_send_a_new_list() -> None:
    turn = typed(at("self_help"), "1, 4")
    assert turn.state.selection == ("go_home", "legal")
    assert turn.replies[0].replaces is None
    turn = typed(turn.state, "4")
    assert turn.state.selection == ("go_home",)
    assert typed(at("self_help"), "hello there").state.selection == ()


def test_done_stores_the_final_set_in_the_step_order_and_closes_the_message() -> None:
    turn = done(at("self_help", ("legal", "wages")))
    assert turn.state.answers["self_help"] == ["wages", "legal"]
    assert turn.state.step_id == "self_problem"
    closed, question = turn.replies
    assert closed.replaces == "42"
    assert closed.buttons == ()
    assert question.replaces is None
    assert EventName.ANSWER_RECORDED in [e.name for e in turn.events]


def test_an_empty_done_asks_again_or_skips_as_the_step_says() -> None:
    again = done(at("self_help"))
    assert again.state.step_id == "self_help"
    assert len(again.replies) == 1
    assert again.replies[0].replaces == "42"
    assert Text("Nothing is chosen yet. Choose at least one, then press Done.") in (
        again.replies[0].lines
    )
    skipped = done(at("fam_documents"), on=None)
    assert skipped.state.answers["fam_documents"] is None
    assert skipped.state.step_id != "fam_documents"
    assert all(r.replaces is None for r in skipped.replies)


def test_the_read_back_shows_the_chosen_labels() -> None:
    state = done(at("self_help", ("legal",))).state
    lines = summary_lines(INTAKE, state)
    shown = [line.params.get("answer") for line in lines]
    assert (Text("Legal help"),) in shown or Text("Legal help") in shown
