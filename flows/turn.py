"""One turn in the making (state, replies, events) and moving between steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flows import messages as msg
from flows.commands import command_button
from flows.context import Context
from flows.registry import Registry
from flows.state import State
from flows.steps import (
    Ask,
    ByAnswer,
    Choose,
    Collect,
    Finish,
    Inform,
    Option,
    Provider,
    Review,
    Step,
    Target,
    When,
)
from flows.summary import summary_lines
from flows.triage import respond_by
from flows.vocabulary import (
    Button,
    Command,
    Event,
    EventName,
    Fact,
    Plain,
    Reply,
    Status,
    Text,
    Urgency,
)


@dataclass
class Draft:
    """A turn being built; only the engine holds one, and only for one call."""

    registry: Registry
    context: Context
    state: State
    at: dt.datetime
    code_word_set: bool = False
    pressed_on: str | None = None
    """The message whose button the reporter pressed, if the channel can change it."""
    replies: list[Reply] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def say(
        self,
        *lines: Text | Plain,
        buttons: tuple[Button, ...] = (),
        multi: bool = False,
        replaces: str | None = None,
    ) -> None:
        """Adds one reply (in place of an earlier message when `replaces` names one)."""
        self.replies.append(Reply(lines=lines, buttons=buttons, multi=multi, replaces=replaces))

    def emit(self, name: EventName, **data: object) -> None:
        """Adds one event."""
        self.events.append(Event(name=name, data=data))

    def update(self, **changes: object) -> None:
        """Replaces fields of the state."""
        self.state = self.state.replaced(**changes)

    @property
    def step(self) -> Step:
        """Returns the step the conversation is at."""
        return self.registry.step(self.state.step_id)


def resolve(target: Target, state: State) -> str:
    """Returns the step id a target leads to, given the answers so far."""
    if isinstance(target, ByAnswer):
        return target.targets.get(str(state.answers.get(target.step)), target.default)
    return target


def applies(when: When | None, state: State) -> bool:
    """Returns whether a step's condition holds (true when it has none)."""
    if when is None:
        return True
    answer = state.answers.get(when.step)
    chosen = answer if isinstance(answer, list) else [answer]
    return any(c in when.any_of for c in chosen)


SENSITIVE_CONSENT_STEPS = ("self_sensitive",)


def refused_sensitive(step: Step, state: State) -> bool:
    """Returns whether a step records specific data the reporter did not agree to give."""
    if not getattr(step, "sensitive", False):
        return False
    return any(state.answers.get(s) == "no" for s in SENSITIVE_CONSENT_STEPS)


def button(step_id: str, option_id: str, label: str) -> Button:
    """Returns the button for one option of a step."""
    return Button(id=f"{step_id}.{option_id}", label=Text(label))


def command(cmd: Command, label: str) -> Button:
    """Returns the button for a global command."""
    return Button(id=command_button(cmd), label=Text(label))


MENU_BUTTON = command(Command.MENU, msg.BUTTON_MENU)


def prompt(draft: Draft, step: Choose | Ask | Collect | Review) -> None:
    """Shows a question with its buttons."""
    if isinstance(step, Choose) and step.multi:
        checklist(draft, step)
    elif isinstance(step, Choose):
        buttons = _option_buttons(draft, step)
        if step.skippable:
            buttons += (command(Command.SKIP, msg.BUTTON_SKIP),)
        draft.say(Text(step.prompt), buttons=(*buttons, MENU_BUTTON))
    elif isinstance(step, Ask):
        skip = (command(Command.SKIP, msg.BUTTON_SKIP),) if step.skippable else ()
        draft.say(Text(step.prompt), buttons=(*skip, MENU_BUTTON))
    elif isinstance(step, Collect):
        draft.say(
            Text(step.prompt),
            buttons=(command(Command.DONE, msg.BUTTON_DONE), MENU_BUTTON),
        )
    else:
        lines = summary_lines(draft.registry, draft.state)
        buttons = (
            button(step.id, "confirm", msg.BUTTON_CONFIRM),
            button(step.id, "edit", msg.BUTTON_EDIT),
            MENU_BUTTON,
        )
        draft.say(Text(step.prompt), *lines, Text(step.question), buttons=buttons)


def checklist(
    draft: Draft, step: Choose, note: Text | None = None, *, replaces: str | None = None
) -> None:
    """Shows a multiple choice with the chosen options ticked, what is chosen, and Done."""
    chosen = draft.state.selection
    table = draft.registry.tables.choices[step.id]
    options = tuple(
        ticked if o.id in chosen else plain
        for o, plain, ticked in zip(step.options, table.buttons, table.ticked, strict=True)
    )
    commands = [command(Command.DONE, msg.BUTTON_DONE)]
    if step.skippable:
        commands.append(command(Command.SKIP, msg.BUTTON_SKIP))
    lines = [Text(step.prompt)]
    if chosen:
        lines.append(Text(msg.MULTI_SELECTED, {"chosen": chosen_labels(step, chosen)}))
    if note is not None:
        lines.append(note)
    buttons = (*options, *commands, MENU_BUTTON)
    draft.say(*lines, buttons=buttons, multi=True, replaces=replaces)


def chosen_labels(step: Choose, chosen: tuple[str, ...] | list[str]) -> tuple[Text, ...]:
    """Returns the labels of the chosen options, in the order the step lists them."""
    return tuple(Text(o.label) for o in step.options if o.id in chosen)


def _option_buttons(draft: Draft, step: Choose) -> tuple[Button, ...]:
    """Returns a question's option buttons, from its table unless the order changes per turn."""
    if step.sets_locale:
        return tuple(button(step.id, o.id, o.label) for o in _ordered(draft, step))
    return draft.registry.tables.choices[step.id].buttons


def _ordered(draft: Draft, step: Choose) -> tuple[Option, ...]:
    """Returns a step's options; the language question offers the conversation's language first."""
    if not step.sets_locale:
        return step.options
    first = draft.state.locale.value
    return tuple(sorted(step.options, key=lambda option: option.id != first))


def contacts_text(draft: Draft, provider: Provider) -> Plain:
    """Returns the help numbers a message lists, one per line."""
    country = None
    if provider is Provider.COUNTRY_CONTACTS:
        country = str(draft.state.answers.get("emergency_country"))
    found = draft.context.contacts_for(country) or draft.context.contacts_for(None)
    locale = draft.state.locale.value
    return Plain("\n".join(f"{c.name_in(locale)}: {c.number}" for c in found))


def deadline(draft: Draft) -> dt.datetime:
    """Returns by when a person should answer, from the urgency so far."""
    return respond_by(draft.state.urgency or Urgency.P3, draft.at)


def enter(draft: Draft, step_id: str) -> None:
    """Moves to a step and shows it, passing through messages and steps that do not apply."""
    for _ in range(len(draft.registry.steps)):
        step = draft.registry.step(step_id)
        if not applies(step.when, draft.state) or refused_sensitive(step, draft.state):
            assert not isinstance(step, Finish)
            assert step.next is not None
            step_id = resolve(step.next, draft.state)
            continue
        if isinstance(step, Finish):
            finish(draft, step)
            return
        if isinstance(step, Inform):
            show(draft, step)
            step_id = resolve(step.next, draft.state)
            if step.pause:
                draft.update(step_id=step_id, prompted=False)
                return
            continue
        draft.update(step_id=step.id, prompted=True, selection=_kept_selection(draft, step))
        prompt(draft, step)
        return
    raise RuntimeError("a flow loops without asking anything")


def _kept_selection(draft: Draft, step: Step) -> tuple[str, ...]:
    """Returns the ticks a checklist starts with: its stored answer when it is asked again."""
    stored = draft.state.answers.get(step.id)
    if isinstance(step, Choose) and step.multi and isinstance(stored, list):
        return tuple(str(option_id) for option_id in stored)
    return ()


def show(draft: Draft, step: Inform) -> None:
    """Shows a message step and emits its event."""
    params = {"contacts": contacts_text(draft, step.provider)} if step.provider else {}
    draft.say(Text(step.text, params))
    if step.emits:
        draft.emit(step.emits, step=step.id)


def finish(draft: Draft, step: Finish) -> None:
    """Ends the conversation, saying what happens next."""
    params: dict[str, object] = {
        "reference": Fact.CASE_REFERENCE,
        "deadline": deadline(draft),
    }
    if step.provider:
        params["contacts"] = contacts_text(draft, step.provider)
    used = {k: v for k, v in params.items() if "{" + k + "}" in step.text}
    draft.say(Text(step.text, used))  # type: ignore[arg-type]
    draft.update(step_id=step.id, status=step.status, prompted=True)
    if step.status is Status.SUBMITTED:
        draft.emit(EventName.CASE_SUBMITTED, step=step.id, urgency=str(draft.state.urgency))
    else:
        draft.emit(EventName.CONVERSATION_STOPPED, step=step.id)
