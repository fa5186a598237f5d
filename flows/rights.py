"""Data rights and the quick exit, typed or pressed at any step, in any status (R-06, S-03)."""

from __future__ import annotations

from flows import codeword
from flows import messages as msg
from flows.consent import CONSENT_VERSIONS, Purpose
from flows.editing import pick_answer
from flows.mydata import RequestKind, carry_on, request, show_data, stop
from flows.state import Pending
from flows.summary import answered_questions
from flows.turn import Draft
from flows.vocabulary import Command, EventName, Status, Text, UserInput

ANY_TIME = frozenset(
    {
        Command.CLEAR_CHAT,
        Command.MY_DATA,
        Command.CORRECT,
        Command.DELETE,
        Command.WITHDRAW,
        Command.RESTRICT,
        Command.CODE_WORD,
    }
)
"""Commands that work at every step and status, even while a person holds the case."""

STOPPING = {
    Command.DELETE: (RequestKind.DELETE, msg.DELETE_SENT),
    Command.WITHDRAW: (RequestKind.WITHDRAW, msg.WITHDRAW_SENT),
    Command.RESTRICT: (RequestKind.RESTRICT, msg.RESTRICT_SENT),
}
"""Requests after which Suara asks nothing more and sends no reminders."""


def run_right(draft: Draft, cmd: Command, inp: UserInput) -> None:
    """Carries out a data-rights command or the quick exit."""
    if cmd is Command.CLEAR_CHAT:
        draft.emit(EventName.CHAT_CLEAR_REQUESTED, step=draft.state.step_id)
    elif cmd is Command.MY_DATA:
        if inp.code_word_set:
            codeword.ask_check(draft, then="data")
        else:
            show_data(draft)
    elif cmd is Command.CODE_WORD:
        if inp.code_word_set:
            codeword.ask_check(draft, then="change")
        else:
            codeword.ask_new(draft)
    elif cmd is Command.CORRECT:
        correct(draft)
    else:
        kind, sentence = STOPPING[cmd]
        if cmd is Command.WITHDRAW:
            withdraw_consent(draft)
        deadline = request(draft, kind)
        stop(draft, kind)
        draft.say(Text(sentence, {"deadline": deadline}))


def correct(draft: Draft) -> None:
    """Lets the reporter change an answer now, or asks a caseworker once it is sent."""
    state = draft.state
    if codeword.needs_check(draft):
        codeword.ask_check(draft, then="resume")
        return
    editable = state.status is Status.ACTIVE and state.pending is not Pending.RESUME
    if editable and state.prompted and answered_questions(draft.registry, state):
        pick_answer(draft)
        return
    deadline = request(draft, RequestKind.CORRECT)
    draft.say(Text(msg.CORRECT_SENT, {"deadline": deadline}))
    carry_on(draft)


def withdraw_consent(draft: Draft) -> None:
    """Records that the reporter withdrew consent to the handling of their case."""
    draft.update(consented=False)
    draft.emit(
        EventName.CONSENT_RECORDED,
        purpose=Purpose.CASE_HANDLING.value,
        answer="withdrawn",
        version=CONSENT_VERSIONS[Purpose.CASE_HANDLING],
    )
