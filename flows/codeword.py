"""The optional code word: offered after submitting, asked before answers are shown again.

The engine never sees the word: the runner checks or stores it and passes a CodeWord verdict.
"""

from __future__ import annotations

from flows import messages as msg
from flows.mydata import RequestKind, carry_on, request, show_data
from flows.parsers import parse_yes_no
from flows.state import Pending
from flows.steps import Provider, Review
from flows.turn import Draft, button, command, contacts_text, prompt
from flows.vocabulary import CodeWord, Command, EventName, InputKind, Text, UserInput

OFFER_STEP = "code_word"
AFTER_RIGHT = ("data", "resume", "change")
"""What a right code word leads to: the read-back, the resumed review, or a new word."""


def offer(draft: Draft) -> None:
    """Offers a code word once, after submitting, in the same message; it can be skipped."""
    draft.update(pending=Pending.CODE_WORD_OFFER)
    buttons = (
        button(OFFER_STEP, "yes", msg.BUTTON_YES),
        button(OFFER_STEP, "no", msg.BUTTON_NO_THANKS),
    )
    last = draft.replies.pop() if draft.replies and not draft.replies[-1].buttons else None
    lines = last.lines if last else ()
    draft.say(*lines, Text(msg.CODE_WORD_OFFER), buttons=buttons)


def ask_new(draft: Draft) -> None:
    """Asks for a new code word (the runner stores only its hash)."""
    draft.update(pending=Pending.CODE_WORD_NEW, then=None)
    draft.say(Text(msg.CODE_WORD_ASK_NEW), buttons=(command(Command.SKIP, msg.BUTTON_SKIP),))


def ask_check(draft: Draft, then: str) -> None:
    """Asks for the code word before showing answers or changing the word."""
    draft.update(pending=Pending.CODE_WORD_CHECK, then=then)
    draft.say(Text(msg.CODE_WORD_ASK))


def needs_check(draft: Draft) -> bool:
    """Returns whether answers are held back until the code word is given."""
    return draft.state.pending is Pending.CODE_WORD_CHECK and draft.state.then == "resume"


def take(draft: Draft, inp: UserInput, found: Command | None) -> bool:
    """Handles an input while a code-word question waits; False when it is not an answer."""
    pending = draft.state.pending
    if pending is Pending.CODE_WORD_OFFER:
        return _take_offer(draft, inp, found)
    if pending is Pending.CODE_WORD_NEW:
        return _take_new(draft, inp, found)
    return _take_check(draft, inp, found)


def _take_offer(draft: Draft, inp: UserInput, found: Command | None) -> bool:
    said = (inp.choice_id or "").removeprefix(f"{OFFER_STEP}.") if inp.choice_id else None
    said = said or (parse_yes_no(inp.text) if inp.kind is InputKind.TEXT else None)
    if said == "yes":
        ask_new(draft)
        return True
    draft.update(pending=None)
    if said == "no" or found is Command.SKIP:
        draft.say(Text(msg.CODE_WORD_SKIPPED))
        return True
    return False


def _take_new(draft: Draft, inp: UserInput, found: Command | None) -> bool:
    if inp.code_word is CodeWord.SAVED:
        draft.update(pending=None)
        draft.emit(EventName.CODE_WORD_SAVED)
        draft.say(Text(msg.CODE_WORD_SAVED))
        carry_on(draft)
    elif found is Command.SKIP or found is Command.CANCEL:
        draft.update(pending=None)
        draft.say(Text(msg.CODE_WORD_SKIPPED))
        carry_on(draft)
    elif found is not None:
        draft.update(pending=None)
        return False
    else:
        draft.say(Text(msg.CODE_WORD_INVALID), buttons=(command(Command.SKIP, msg.BUTTON_SKIP),))
    return True


def _take_check(draft: Draft, inp: UserInput, found: Command | None) -> bool:
    then = draft.state.then
    if inp.code_word is CodeWord.RIGHT:
        draft.update(pending=None, then=None)
        draft.emit(EventName.CODE_WORD_CHECKED, result="right")
        _after_right(draft, then)
        return True
    if inp.code_word in (CodeWord.WRONG, CodeWord.LOCKED):
        assert inp.code_word is not None
        draft.emit(EventName.CODE_WORD_CHECKED, result=inp.code_word.value)
        if inp.code_word is CodeWord.LOCKED:
            request(draft, RequestKind.CODE_WORD_LOCKED)
        if then != "resume":
            draft.update(pending=None, then=None)
        public_only(draft)
        return True
    if found is not None:
        if then != "resume":
            draft.update(pending=None, then=None)
        return False
    ask_check(draft, then or "data")
    return True


def public_only(draft: Draft) -> None:
    """Shows only the public help contacts: never whether a case exists."""
    contacts = contacts_text(draft, Provider.GENERAL_CONTACTS)
    draft.say(Text(msg.CODE_WORD_PUBLIC_ONLY, {"contacts": contacts}))


def _after_right(draft: Draft, then: str | None) -> None:
    if then == "change":
        ask_new(draft)
    elif then == "resume":
        step = draft.step
        if isinstance(step, Review):
            prompt(draft, step)
        else:
            carry_on(draft)
    else:
        show_data(draft)
