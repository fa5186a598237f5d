"""Changing an answer from the read-back: pick one, answer it again, return to the review."""

from __future__ import annotations

from dataclasses import replace

from flows import messages as msg
from flows.compiled import keyed
from flows.parsers import match_option
from flows.state import Pending
from flows.summary import answered_questions
from flows.turn import MENU_BUTTON, Draft, button, enter, prompt
from flows.vocabulary import Text, UserInput

EDIT_PREFIX = "edit"


def pick_answer(draft: Draft) -> None:
    """Lists the answers that can be changed, as buttons and numbers."""
    questions = answered_questions(draft.registry, draft.state)
    buttons = tuple(button(EDIT_PREFIX, q.id, q.summary or q.prompt) for q in questions)
    draft.update(pending=Pending.EDIT_PICK)
    draft.say(Text(msg.EDIT_PICK), buttons=(*buttons, MENU_BUTTON))


def take_pick(draft: Draft, inp: UserInput) -> None:
    """Goes to the answer the reporter picked, to come back to the review afterwards."""
    questions = answered_questions(draft.registry, draft.state)
    picked = None
    if inp.choice_id and inp.choice_id.startswith(f"{EDIT_PREFIX}."):
        picked = inp.choice_id.removeprefix(f"{EDIT_PREFIX}.")
    elif inp.text:
        options = tuple((q.id, draft.context.labels(q.summary or q.prompt)) for q in questions)
        picked = match_option(inp.text, keyed(options))
    if picked not in {q.id for q in questions}:
        draft.say(Text(msg.NOT_UNDERSTOOD_CHOICE))
        pick_answer(draft)
        return
    review = draft.state.step_id
    history = tuple(h for h in draft.state.history if h != picked)
    draft.state = replace(draft.state, pending=None, return_to=review, history=history)
    enter(draft, str(picked))


def cancel_pick(draft: Draft) -> None:
    """Leaves the list of answers and shows the review again."""
    draft.update(pending=None)
    prompt(draft, draft.step)  # type: ignore[arg-type]
