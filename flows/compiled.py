"""The flows compiled once into lookup tables, so a turn looks things up instead of searching."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from flows.parsers.choices import Choices, prepare
from flows.steps import Choose, Option, Step
from flows.vocabulary import Button, Text

Names = tuple[tuple[str, tuple[str, ...]], ...]
"""(option id, every word that names it) per option, in the order the question lists them."""


@dataclass(frozen=True)
class ChoiceTable:
    """One choice question made ready for turns: its options by id and their buttons."""

    step: Choose
    options: Mapping[str, Option]
    buttons: tuple[Button, ...]
    """A button per option, in the order the question lists them."""
    ticked: tuple[Button, ...]
    """The same buttons ticked, as a checklist shows a chosen option."""


@dataclass(frozen=True)
class Tables:
    """Every choice question of the flows by its step id."""

    choices: Mapping[str, ChoiceTable]

    def option(self, step: Choose, option_id: str) -> Option | None:
        """Returns the option of a choice question with this id, if it has one."""
        return self.choices[step.id].options.get(option_id)


def compile_steps(steps: Iterable[Step]) -> Tables:
    """Returns the lookup tables of the steps (which the registry has checked)."""
    choices = {step.id: _choice_table(step) for step in steps if isinstance(step, Choose)}
    return Tables(choices=choices)


def _choice_table(step: Choose) -> ChoiceTable:
    """Returns one choice question's table."""
    buttons = tuple(Button(id=f"{step.id}.{o.id}", label=Text(o.label)) for o in step.options)
    return ChoiceTable(
        step=step,
        options=_first_by_id(step.options),
        buttons=buttons,
        ticked=tuple(Button(id=b.id, label=b.label, chosen=True) for b in buttons),
    )


def _first_by_id(options: tuple[Option, ...]) -> dict[str, Option]:
    """Returns the options by id; of two with one id the first wins, as a search would find."""
    found: dict[str, Option] = {}
    for option in options:
        found.setdefault(option.id, option)
    return found


@lru_cache(maxsize=1024)
def keyed(names: Names) -> Choices:
    """Returns named options keyed for reading typed answers; the same names are keyed once.

    Names come from the flows and the catalogs, never from what a reporter typed, so the cache
    holds a bounded set of static words.
    """
    return prepare(names)
