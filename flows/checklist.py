"""A multiple choice read as a checklist: each press or typed name ticks or unticks an option."""

from __future__ import annotations

from flows import messages as msg
from flows.compiled import keyed
from flows.parsers import match_options
from flows.parsers.choices import Choices
from flows.steps import Choose, Option
from flows.turn import Draft, checklist
from flows.vocabulary import EventName, Text, UserInput


def option_names(draft: Draft, step: Choose) -> Choices:
    """Returns each option's id with the words that name it (labels in every language, aliases)."""
    labels = draft.context.labels
    return keyed(tuple((o.id, (*labels(o.label), *o.aliases)) for o in step.options))


def pressed_option(draft: Draft, step: Choose, choice_id: str | None) -> Option | None:
    """Returns the option of this step a pressed button names, if any."""
    if choice_id is None:
        return None
    prefix, _, option_id = choice_id.rpartition(".")
    if prefix and prefix != step.id:
        return None
    return draft.registry.tables.option(step, option_id)


def toggled(selection: tuple[str, ...], named: list[str]) -> tuple[str, ...]:
    """Returns the selection with each named option ticked, or unticked when it was ticked."""
    kept = tuple(option_id for option_id in selection if option_id not in named)
    added = tuple(option_id for option_id in named if option_id not in selection)
    return kept + added


def answer_checklist(draft: Draft, step: Choose, inp: UserInput) -> None:
    """Ticks or unticks the pressed option, or the typed numbers and labels, and shows the list.

    A press shows the list in place of the message pressed; typed words get it as a new message.
    """
    pressed = pressed_option(draft, step, inp.choice_id)
    text = inp.text.strip()
    typed = match_options(text, option_names(draft, step)) if text and not pressed else None
    named = [pressed.id] if pressed else typed
    if not named:
        draft.emit(EventName.INPUT_NOT_UNDERSTOOD, step=step.id)
        checklist(draft, step, Text(msg.NOT_UNDERSTOOD_CHOICE))
        return
    draft.update(selection=toggled(draft.state.selection, named))
    checklist(draft, step, replaces=draft.pressed_on if pressed else None)
