"""The pure engine: (flows, state, input or timeout, context) -> (new state, replies, events)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flows import codeword
from flows import messages as msg
from flows.answering import answer
from flows.context import Context
from flows.control import (
    after_submit,
    ask_resume,
    begin,
    command_of,
    held,
    new_conversation,
    reprompt,
    run_command,
    take_resume,
)
from flows.editing import take_pick
from flows.parsers import PARSERS
from flows.registry import INTAKE, Registry
from flows.rights import ANY_TIME, run_right
from flows.shared import keep_contact, offer_place, take_place
from flows.sharing import start_share, take_share
from flows.state import Pending, State
from flows.steps import Ask, Choose, Collect, Finish
from flows.turn import Draft
from flows.vocabulary import (
    Command,
    Event,
    EventName,
    Flag,
    InputKind,
    Reply,
    Status,
    Text,
    Timeout,
    TimerKind,
    UserInput,
)

CODE_WORD_PENDING = (Pending.CODE_WORD_OFFER, Pending.CODE_WORD_NEW, Pending.CODE_WORD_CHECK)

QUIET_ANSWERS = {
    "safe_now": ("unsure", "unsafe"),
    "self_times": ("i_write_first",),
    "fam_times": ("i_write_first",),
}
"""Answers after which Suara never writes first (no reminders): the phone may be watched."""


@dataclass(frozen=True)
class Turn:
    """What one call of the engine decided."""

    state: State
    replies: tuple[Reply, ...]
    events: tuple[Event, ...]


def advance(
    state: State | None,
    event: UserInput | Timeout,
    context: Context | None = None,
    registry: Registry = INTAKE,
) -> Turn:
    """Returns the next state, the replies and the events for one input or timer."""
    seed = state or State(step_id=registry.start)
    draft = Draft(registry=registry, context=context or Context(), state=seed, at=event.at)
    if isinstance(event, Timeout):
        on_timeout(draft, event)
    elif _fresh(state) and _quick_exit(draft, event):
        draft.emit(EventName.CHAT_CLEAR_REQUESTED, step=seed.step_id)
    elif _fresh(state):
        new_conversation(draft, event)
    else:
        draft.code_word_set = event.code_word_set
        draft.pressed_on = event.pressed_on
        on_input(draft, event)
        draft.update(last_input_at=event.at)
        offer_code_word(draft)
    return _turn(draft)


def _turn(draft: Draft) -> Turn:
    return Turn(state=draft.state, replies=tuple(draft.replies), events=tuple(draft.events))


def _fresh(state: State | None) -> bool:
    """Returns whether nothing has started yet (no state, or only a quick exit so far)."""
    return state is None or state.started_at is None


def _quick_exit(draft: Draft, inp: UserInput) -> bool:
    found = command_of(draft, inp)
    return found is not None and found[0] is Command.CLEAR_CHAT


def ask_share(
    state: State,
    recipient: str,
    case_id: int,
    at: dt.datetime,
    context: Context | None = None,
    registry: Registry = INTAKE,
) -> Turn:
    """Returns the turn that asks whether a case may be shared with a named recipient."""
    draft = Draft(registry=registry, context=context or Context(), state=state, at=at)
    start_share(draft, recipient, case_id)
    return _turn(draft)


def offer_code_word(draft: Draft) -> None:
    """Offers a code word right after a report is sent, unless the reporter has one."""
    step = draft.step
    submitted = any(e.name is EventName.CASE_SUBMITTED for e in draft.events)
    if submitted and isinstance(step, Finish) and step.offer_code_word and not draft.code_word_set:
        codeword.offer(draft)


def on_input(draft: Draft, inp: UserInput) -> None:
    """Handles one thing the reporter did."""
    if inp.kind is InputKind.EDIT:
        edit_answer(draft, inp)
        return
    found = command_of(draft, inp)
    cmd = found[0] if found else None
    if cmd in ANY_TIME:
        assert cmd is not None
        run_right(draft, cmd, inp)
        return
    if draft.state.pending is Pending.SHARE_CONSENT and draft.state.share:
        take_share(draft, inp, cmd)
        return
    if draft.state.pending is Pending.PLACE and take_place(draft, inp):
        reprompt(draft)
        return
    if draft.state.pending in CODE_WORD_PENDING and codeword.take(draft, inp, cmd):
        return
    status = draft.state.status
    if shared_after_report(draft, inp):
        return
    if inp.case_held and cmd not in (Command.LANGUAGE, Command.HELP, Command.MENU):
        held(draft, inp)
        return
    if status is Status.SUBMITTED:
        if found and cmd in (Command.RESTART, Command.LANGUAGE, Command.HELP, Command.MENU):
            run_command(draft, *found)
        else:
            after_submit(draft, inp)
        return
    if status is not Status.ACTIVE:
        begin(draft, draft.state.locale, restarted=True)
        return
    if draft.state.pending is Pending.RESUME:
        take_resume(draft, inp)
    elif found and not _is_answer(draft, found[0]):
        run_command(draft, *found)
    elif is_idle(draft, inp.at):
        ask_resume(draft)
    elif draft.state.pending is Pending.EDIT_PICK:
        take_pick(draft, inp)
    elif not draft.state.prompted:
        reprompt_after_pause(draft)
    else:
        answer(draft, inp)


def shared_after_report(draft: Draft, inp: UserInput) -> bool:
    """Keeps a contact, or asks about a location, sent once the report is in; False otherwise."""
    if draft.state.status is not Status.SUBMITTED and not inp.case_held:
        return False
    if inp.kind is InputKind.CONTACT and inp.contact is not None:
        keep_contact(draft, inp)
        return True
    if inp.kind is InputKind.LOCATION and inp.location is not None:
        offer_place(draft, inp)
        return True
    return False


def _is_answer(draft: Draft, cmd: Command) -> bool:
    """Returns whether a typed 'done' is read as an answer here (it only ends lists and files)."""
    step = draft.step
    ends_something = isinstance(step, Collect) or (isinstance(step, Choose) and step.multi)
    return cmd is Command.DONE and not ends_something


def reprompt_after_pause(draft: Draft) -> None:
    """Shows the question that was held back while it was not safe to chat."""
    draft.update(prompted=True)
    draft.emit(EventName.CONVERSATION_RESUMED, step=draft.state.step_id)
    reprompt(draft)


def is_idle(draft: Draft, at: dt.datetime) -> bool:
    """Returns whether the reporter has been away long enough to ask about resuming."""
    last = draft.state.last_input_at
    if last is None or not draft.state.prompted or len(draft.state.history) < 2:
        return False
    return at - last >= draft.registry.flow_of[draft.state.step_id].timers.resume_after


def edit_answer(draft: Draft, inp: UserInput) -> None:
    """Updates the stored answer of an edited message, without asking anything again."""
    step_id = inp.edited_step
    step = draft.registry.steps.get(step_id or "")
    if not isinstance(step, Ask) or step_id not in draft.state.answers or not inp.text.strip():
        return
    old = draft.state.answers[step_id]
    value = dict(old) if isinstance(old, dict) else {}
    value["text"] = inp.text
    if step.parser is not None:
        value = reread(step, value, inp.at.date())
    draft.state = draft.state.with_answer(step.id, value)
    draft.emit(EventName.ANSWER_EDITED, step=step.id)


def reread(step: Ask, value: dict[str, object], today: dt.date) -> dict[str, object]:
    """Returns an edited typed answer read again; words that do not read plausibly get a flag.

    An edit asks nothing back, so what cannot be checked is kept only as written.
    """
    kept = {k: v for k, v in value.items() if k not in ("value", "flag", "lebaran")}
    parsed = PARSERS[step.parser or ""](str(value["text"]), today)
    if parsed is not None and (step.expects is None or step.expects.accepts(parsed, today)):
        return {**kept, "value": parsed}
    return {**kept, "flag": Flag.EDITED_UNCHECKED.value}


def wants_quiet(state: State) -> bool:
    """Returns whether the reporter said the phone may not be safe."""
    return any(state.answers.get(step) in answers for step, answers in QUIET_ANSWERS.items())


def on_timeout(draft: Draft, timeout: Timeout) -> None:
    """Sends the one inactivity reminder, or expires the conversation."""
    due = next_timer(draft.registry, draft.state)
    if due is None or due[0] is not timeout.kind or due[1] > timeout.at:
        return
    if timeout.kind is TimerKind.REMINDER:
        draft.update(reminded=True)
        draft.emit(EventName.REMINDER_SENT, step=draft.state.step_id)
        draft.say(Text(msg.REMINDER))
    else:
        draft.update(status=Status.EXPIRED, pending=None)
        draft.emit(EventName.CONVERSATION_EXPIRED, step=draft.state.step_id)


def next_timer(registry: Registry, state: State) -> tuple[TimerKind, dt.datetime] | None:
    """Returns which timer is due next for a conversation, and when; None when none is."""
    if state.status is not Status.ACTIVE or state.last_input_at is None:
        return None
    timers = registry.flow_of[state.step_id].timers
    if not state.reminded and not wants_quiet(state) and state.step_id != registry.start:
        return TimerKind.REMINDER, state.last_input_at + timers.reminder_after
    return TimerKind.EXPIRY, state.last_input_at + timers.expire_after
