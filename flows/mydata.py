"""Data-rights requests the reporter makes in chat, and the read-back of what they told us."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from flows import messages as msg
from flows.state import State
from flows.steps import Ask, Choose, Collect, Review
from flows.summary import summary_lines
from flows.turn import MENU_BUTTON, Draft, command, prompt
from flows.vocabulary import Button, Command, EventName, Status, Text

RIGHTS_DEADLINE = dt.timedelta(hours=72)
"""By when a data-rights request is answered (UU PDP: 3 x 24 hours)."""


class RequestKind(StrEnum):
    """What a data-rights request asks for; stored as DataRequest.kind (stable values)."""

    ACCESS = "access"
    CORRECT = "correct"
    DELETE = "delete"
    WITHDRAW = "withdraw"
    RESTRICT = "restrict"
    CODE_WORD_LOCKED = "code_word_locked"


def data_buttons() -> tuple[Button, ...]:
    """Returns the buttons for the data rights, then the menu."""
    return (
        command(Command.CORRECT, msg.BUTTON_CORRECT),
        command(Command.DELETE, msg.BUTTON_DELETE),
        command(Command.WITHDRAW, msg.BUTTON_WITHDRAW),
        command(Command.RESTRICT, msg.BUTTON_RESTRICT),
        command(Command.CODE_WORD, msg.BUTTON_CODE_WORD),
        MENU_BUTTON,
    )


def request(draft: Draft, kind: RequestKind) -> dt.datetime:
    """Records a data-rights request; returns by when it is answered."""
    draft.emit(EventName.DATA_REQUEST_MADE, kind=kind.value, step=draft.state.step_id)
    return draft.at + RIGHTS_DEADLINE


def stop(draft: Draft, kind: RequestKind) -> None:
    """Stops the conversation after a request that ends processing: no more questions."""
    if draft.state.status is Status.ACTIVE or draft.state.status is Status.SUBMITTED:
        draft.emit(EventName.CONVERSATION_STOPPED, step=draft.state.step_id, reason=kind.value)
    draft.update(status=Status.STOPPED, pending=None, then=None, return_to=None)


def carry_on(draft: Draft) -> None:
    """Asks the current question again when the intake is still going."""
    state: State = draft.state
    step = draft.step
    waiting = state.status is Status.ACTIVE and state.pending is None and state.prompted
    if waiting and isinstance(step, Choose | Ask | Collect | Review):
        prompt(draft, step)


def show_data(draft: Draft) -> None:
    """Reads back the answers, records an access request and offers the other rights."""
    deadline = request(draft, RequestKind.ACCESS)
    draft.emit(EventName.DATA_SHOWN, step=draft.state.step_id)
    lines = summary_lines(draft.registry, draft.state)
    if lines:
        draft.say(Text(msg.DATA_SHOWN), *lines)
    else:
        draft.say(Text(msg.DATA_NONE))
    draft.say(Text(msg.DATA_COPY, {"deadline": deadline}), buttons=data_buttons())
    carry_on(draft)
