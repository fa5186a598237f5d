"""The compiled lookup tables give what searching the loaded flows gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.compiled import compile_steps, keyed
from flows.parsers import match_option, match_options, normalise
from flows.parsers import text as text_module
from flows.parsers.choices import prepare
from flows.registry import INTAKE
from flows.state import Pending, State
from flows.steps import Choose, Option
from flows.turn import button
from flows.vocabulary import Locale, Status

CHOICES = [step for step in INTAKE.steps.values() if isinstance(step, Choose)]


def test_every_choice_question_of_the_intake_has_a_table() -> None:
    assert set(INTAKE.tables.choices) == {step.id for step in CHOICES}


@pytest.mark.parametrize("step", CHOICES, ids=lambda step: step.id)
def test_table_finds_each_option_as_the_loaded_step_lists_it(step: Choose) -> None:
    table = INTAKE.tables.choices[step.id]
    assert table.step is step
    for option in step.options:
        assert INTAKE.tables.option(step, option.id) is option
    assert INTAKE.tables.option(step, "no-such-option") is None
    assert table.buttons == tuple(button(step.id, o.id, o.label) for o in step.options)
    assert table.ticked == tuple(dataclasses.replace(b, chosen=True) for b in table.buttons)


def test_table_of_two_options_with_one_id_finds_the_first() -> None:
    first, second = Option("x", "First"), Option("x", "Second")
    step = Choose(id="q", prompt="Q?", options=(first, second), next="end")
    assert compile_steps([step]).option(step, "x") is first


@pytest.mark.parametrize("step", CHOICES, ids=lambda step: step.id)
def test_keyed_names_read_every_label_as_the_raw_names_do(step: Choose) -> None:
    raw = [(o.id, [o.label, *o.aliases]) for o in step.options]
    names = keyed(tuple((o.id, (o.label, *o.aliases)) for o in step.options))
    assert names == prepare(raw)
    for option in step.options:
        for typed in (option.label, *option.aliases, option.label[:5], f"1, {option.label}"):
            assert match_option(typed, names) == match_option(typed, raw)
            assert match_options(typed, names) == match_options(typed, raw)


def test_keyed_names_are_keyed_once() -> None:
    names = (("a", ("Gaji tidak dibayar",)), ("b", ("Paspor ditahan",)))
    assert keyed(names) is keyed(tuple((i, tuple(w)) for i, w in names))


def test_state_replaced_equals_dataclasses_replace() -> None:
    state = State(step_id="danger", answers={"language": "en"}, history=("language",))
    changes = {"step_id": "role", "locale": Locale.EN, "pending": Pending.RESUME}
    changes |= {"status": Status.SUBMITTED, "last_input_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}
    replaced = state.replaced(**changes)
    assert replaced == dataclasses.replace(state, **changes)  # type: ignore[arg-type]
    assert replaced.answers is state.answers
    assert state.step_id == "danger"


def test_state_replaced_refuses_an_unknown_field() -> None:
    with pytest.raises(TypeError, match="stepid"):
        State(step_id="danger").replaced(stepid="role")


def _reference_once(text: str) -> str:
    """One pass of normalising, character by character, as it was first written."""
    quotes = str.maketrans(dict.fromkeys("\u2018\u2019\u201b\u02bc\u00b4`\uff07", "'"))
    drop, blank = {"Mn", "Mc", "Me", "Cf", "Co", "Cn", "Cs"}, {"Cc", "Zs", "Zl", "Zp", "So", "Sk"}
    decomposed = unicodedata.normalize("NFKD", text.translate(quotes)).casefold()
    cleaned = "".join(
        "" if unicodedata.category(c) in drop else " " if unicodedata.category(c) in blank else c
        for c in decomposed
    )
    folded = text_module._ELONGATION.sub(r"\1", unicodedata.normalize("NFKC", cleaned))
    return text_module._strip_edges(text_module._SPACE.sub(" ", folded))


def _reference(text: str) -> str:
    once = _reference_once(text)
    twice = _reference_once(once)
    return once if once == twice else _reference_once(twice)


@given(st.text(max_size=30) | st.text(st.characters(max_codepoint=127), max_size=30))
def test_normalise_cleans_text_as_the_character_by_character_reading(text: str) -> None:
    assert normalise(text) == _reference(text)


@pytest.mark.parametrize("text", ["Hallo\tKAK`s a^b !!", "Gajiii  belum\x00dibayar", "Café 👍 ok"])
def test_normalise_of_chat_text_matches_the_character_by_character_reading(text: str) -> None:
    assert normalise(text) == _reference(text)
