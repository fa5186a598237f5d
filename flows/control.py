"""Global commands and conversation control: start, help, back, skip, language, person, resume."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flows import codeword
from flows import messages as msg
from flows.answering import finish_checklist, move_on, raise_urgency, skip_question
from flows.commands import command_of_button, parse_command
from flows.compiled import keyed
from flows.editing import cancel_pick
from flows.language import guess_language
from flows.parsers import match_option
from flows.state import Pending, State
from flows.steps import Ask, Choose, Collect, Review
from flows.turn import Draft, command, deadline, enter, prompt
from flows.vocabulary import (
    Button,
    Command,
    EventName,
    Fact,
    InputKind,
    Locale,
    Plain,
    Status,
    Text,
    UserInput,
)


def hinted_locale(hint: str | None) -> Locale | None:
    """Returns the locale a channel's language hint points to, if Suara speaks it."""
    prefix = (hint or "").lower()[:2]
    return {"en": Locale.EN, "id": Locale.ID, "in": Locale.ID}.get(prefix)


def _switch_hint(locale: Locale) -> Plain:
    return Plain(msg.SWITCH_TO_EN if locale is Locale.ID else msg.SWITCH_TO_ID)


def begin(
    draft: Draft, locale: Locale | None, *, offered: Locale | None = None, restarted: bool = False
) -> None:
    """Starts the intake from the top, skipping the language question when it is known.

    When it is not known, the question speaks `offered` (the language the reporter seems to
    write) first.
    """
    draft.state = State(
        step_id=draft.registry.start,
        locale=locale or offered or Locale.ID,
        started_at=draft.at,
        last_input_at=draft.at,
        answers={"language": locale.value} if locale else {},
    )
    if restarted:
        draft.emit(EventName.CONVERSATION_RESTARTED)
        draft.say(Text(msg.RESTARTED))
    else:
        draft.emit(EventName.CONVERSATION_STARTED, locale=locale.value if locale else None)
    if locale is None:
        enter(draft, draft.registry.start)
        return
    draft.update(history=("language",))
    draft.say(Text(msg.GREETING), _switch_hint(locale))
    enter(draft, "danger")


def first_language(inp: UserInput) -> tuple[Locale | None, Locale | None]:
    """Returns the language to use without asking, else the one to offer first (or neither).

    The phone's language counts unless the words written clearly point elsewhere: many
    workers keep an English phone and write Indonesian, yet "hello" alone proves nothing.
    """
    if inp.command is Command.LANGUAGE and inp.argument in ("id", "en"):
        return Locale(inp.argument), None
    text = inp.text if inp.kind is InputKind.TEXT else ""
    hinted = hinted_locale(inp.locale_hint)
    if hinted is None:
        return None, guess_language(text)
    if guess_language(text, margin=2) in (None, hinted):
        return hinted, None
    return None, guess_language(text, margin=2)


def new_conversation(draft: Draft, inp: UserInput) -> None:
    locale, offered = first_language(inp)
    begin(draft, locale, offered=offered)
    if inp.command is Command.START and inp.argument:
        draft.emit(EventName.REFERRAL_RECORDED, source=inp.argument)


def command_of(draft: Draft, inp: UserInput) -> tuple[Command, str | None] | None:
    """Returns the global command an input stands for, if any."""
    if inp.kind is InputKind.COMMAND and inp.command:
        return inp.command, inp.argument
    if inp.choice_id and (cmd := command_of_button(inp.choice_id)):
        return cmd, None
    if inp.kind is InputKind.TEXT and (found := parse_command(inp.text)):
        return found
    return None


def switch_language(draft: Draft, argument: str | None) -> None:
    """Switches language (to the one named, or the other one) and asks the question again."""
    if argument in ("id", "en"):
        locale = Locale(argument)
    else:
        locale = Locale.EN if draft.state.locale is Locale.ID else Locale.ID
    draft.update(locale=locale)
    draft.emit(EventName.LANGUAGE_CHOSEN, locale=locale.value)
    if draft.state.step_id == "language":
        draft.state = draft.state.with_answer("language", locale.value)
        draft.update(history=("language",))
        draft.say(Text(msg.GREETING), _switch_hint(locale))
        enter(draft, "danger")
        return
    draft.say(Text(msg.LANGUAGE_SWITCHED))
    reprompt(draft)


def reprompt(draft: Draft) -> None:
    """Asks the current question again (or shows the current list of answers to change)."""
    if codeword.needs_check(draft):
        codeword.ask_check(draft, then="resume")
    elif draft.state.pending is Pending.EDIT_PICK:
        cancel_pick(draft)
    elif draft.state.status is Status.ACTIVE:
        prompt(draft, draft.step)  # type: ignore[arg-type]


def go_back(draft: Draft) -> None:
    """Asks the previous question again."""
    history = tuple(h for h in draft.state.history if h != "language")
    if not history:
        draft.say(Text(msg.CANNOT_GO_BACK))
        reprompt(draft)
        return
    previous = history[-1]
    kept = draft.state.history[
        : len(draft.state.history) - 1 - draft.state.history[::-1].index(previous)
    ]
    draft.update(history=kept, pending=None, return_to=None, selection=())
    enter(draft, previous)


def skip(draft: Draft) -> None:
    """Skips the current question when it may be skipped."""
    step = draft.step
    if isinstance(step, Ask | Choose) and step.skippable:
        skip_question(draft, step)
    elif isinstance(step, Collect):
        done(draft)
    else:
        draft.say(Text(msg.CANNOT_SKIP))
        reprompt(draft)


def done(draft: Draft) -> None:
    """Ends a multiple choice or a file collection."""
    step = draft.step
    if isinstance(step, Choose) and step.multi:
        finish_checklist(draft, step)
    elif isinstance(step, Collect):
        if step.id not in draft.state.answers:
            draft.state = draft.state.with_answer(step.id, [])
        move_on(draft, step)
    else:
        reprompt(draft)


def hand_over(draft: Draft) -> None:
    """Records a request for a person and says by when one will answer."""
    draft.update(handover=True)
    draft.emit(EventName.HANDOVER_REQUESTED, step=draft.state.step_id)
    raise_urgency(draft, ("handover_requested",))
    sentence = msg.HANDOVER if draft.state.consented else msg.HANDOVER_NO_CONSENT
    draft.say(Text(sentence, {"deadline": deadline(draft)}))
    reprompt(draft)


def show_menu(draft: Draft) -> None:
    """Shows the global commands as buttons."""
    other = "English" if draft.state.locale is Locale.ID else "Bahasa Indonesia"
    data = (
        command(Command.MY_DATA, msg.BUTTON_MY_DATA),
        command(Command.CLEAR_CHAT, msg.BUTTON_CLEAR_CHAT),
    )
    buttons: tuple[Button, ...]
    if draft.state.status is not Status.ACTIVE:
        buttons = (
            command(Command.HELP, msg.BUTTON_HELP),
            command(Command.LANGUAGE, other),
            *data,
            command(Command.RESTART, msg.BUTTON_RESTART),
        )
    else:
        buttons = (
            command(Command.HELP, msg.BUTTON_HELP),
            command(Command.BACK, msg.BUTTON_BACK),
            command(Command.LANGUAGE, other),
            command(Command.HUMAN, msg.BUTTON_HUMAN),
            *data,
            command(Command.RESTART, msg.BUTTON_RESTART),
            command(Command.CANCEL, msg.BUTTON_CANCEL),
        )
    draft.say(Text(msg.MENU), buttons=buttons)


MOVES: Mapping[Command, Callable[[Draft], None]] = {
    Command.MENU: show_menu,
    Command.BACK: go_back,
    Command.HUMAN: hand_over,
    Command.SKIP: skip,
    Command.DONE: done,
}
"""The commands that are one move of the conversation, whatever was typed with them."""


def run_command(draft: Draft, cmd: Command, argument: str | None) -> None:
    """Carries out a global command."""
    move = MOVES.get(cmd)
    if move is not None:
        move(draft)
    elif cmd is Command.HELP:
        draft.say(Text(msg.HELP))
        reprompt(draft)
    elif cmd is Command.CANCEL:
        draft.update(status=Status.CANCELLED, pending=None)
        draft.emit(EventName.CONVERSATION_CANCELLED, step=draft.state.step_id)
        draft.say(Text(msg.CANCELLED))
    elif cmd is Command.RESTART:
        begin(draft, draft.state.locale, restarted=True)
    elif cmd is Command.LANGUAGE:
        switch_language(draft, argument)
    elif cmd is Command.START:
        if argument:
            draft.emit(EventName.REFERRAL_RECORDED, source=argument)
        ask_resume(draft)


def ask_resume(draft: Draft) -> None:
    """Asks whether to continue where the reporter stopped or to start again."""
    draft.update(pending=Pending.RESUME)
    draft.say(
        Text(msg.RESUME),
        buttons=(
            command(Command.START, msg.RESUME_CONTINUE),
            command(Command.RESTART, msg.RESUME_RESTART),
        ),
    )


def take_resume(draft: Draft, inp: UserInput) -> None:
    """Continues or starts again, as the reporter chose."""
    labels = draft.context.labels
    names = keyed(
        (
            ("continue", (*labels(msg.RESUME_CONTINUE), "lanjut", "ya", "yes")),
            ("restart", (*labels(msg.RESUME_RESTART), "ulang", "baru")),
        )
    )
    cmd = command_of_button(inp.choice_id or "")
    picked = {Command.START: "continue", Command.RESTART: "restart"}.get(cmd) if cmd else None
    picked = picked or match_option(inp.text, names)
    if picked == "restart":
        begin(draft, draft.state.locale, restarted=True)
    elif picked == "continue":
        draft.update(pending=None)
        draft.emit(EventName.CONVERSATION_RESUMED, step=draft.state.step_id)
        if inp.code_word_set and isinstance(draft.step, Review):
            codeword.ask_check(draft, then="resume")
        else:
            reprompt(draft)
    else:
        ask_resume(draft)


def follow_up(draft: Draft, inp: UserInput) -> None:
    """Emits a message sent to a submitted or held case, with its words (None when it has none).

    The runtime keeps the words as an encrypted note of the case; the timeline gets its id only.
    """
    media = inp.media.attachment_id if inp.media else None
    words = inp.text.strip() or None
    draft.emit(EventName.FOLLOW_UP_RECEIVED, kind=inp.kind.value, attachment_id=media, text=words)


def held(draft: Draft, inp: UserInput) -> None:
    """Passes a message to the caseworker who holds the case, without any questionnaire."""
    draft.update(pending=None)
    follow_up(draft, inp)
    draft.say(Text(msg.HELD, {"reference": Fact.CASE_REFERENCE}))


def after_submit(draft: Draft, inp: UserInput) -> None:
    """Adds a message sent after submitting to the case, and says so."""
    follow_up(draft, inp)
    draft.say(Text(msg.FOLLOW_UP, {"reference": Fact.CASE_REFERENCE}))
