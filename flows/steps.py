"""Step types a flow is declared with: questions, messages, reviews and endings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from flows.vocabulary import EventName, Status


@dataclass(frozen=True)
class ByAnswer:
    """Chooses the next step from an earlier answer (a choice id), with a default."""

    step: str
    targets: Mapping[str, str]
    default: str


Target = str | ByAnswer


@dataclass(frozen=True)
class When:
    """Asks a step only when an earlier choice answer contains one of `any_of`."""

    step: str
    any_of: tuple[str, ...]


class Provider(StrEnum):
    """Named sources of extra lines a message shows (filled by the engine from its context)."""

    GENERAL_CONTACTS = "general_contacts"
    COUNTRY_CONTACTS = "country_contacts"


@dataclass(frozen=True)
class Option:
    """One button of a choice: its id, its label and what choosing it does."""

    id: str
    label: str
    next: Target | None = None
    aliases: tuple[str, ...] = ()
    """Other words people type for this option (any language, as typed; never shown)."""
    triggers: tuple[str, ...] = ()
    consent: tuple[str, str] | None = None
    emits: EventName | None = None


@dataclass(frozen=True)
class Choose:
    """Asks a question answered by one option (or several when `multi`)."""

    id: str
    prompt: str
    options: tuple[Option, ...]
    next: Target | None = None
    summary: str | None = None
    multi: bool = False
    skippable: bool = False
    other: tuple[str, str] | None = None
    """(option id, question id): typed text that matches no option answers that question."""
    when: When | None = None
    sets_locale: bool = False
    yes_no: Mapping[str, str] = field(default_factory=dict)
    """Which option a typed yes, no or unsure picks (default: options with those ids)."""
    sensitive: bool = False
    """Records specific data (health, sexual violence, a criminal case): asked only with consent."""


@dataclass(frozen=True)
class MonthRange:
    """A count of months is plausible from `low` to `high`; outside it the engine asks once."""

    low: int
    high: int

    def accepts(self, parsed: object, today: dt.date) -> bool:
        """Returns whether a parsed count of months is plausible here."""
        return isinstance(parsed, int) and self.low <= parsed <= self.high


@dataclass(frozen=True)
class DateWindow:
    """A date is plausible from `years_back` years ago up to today, never after it."""

    years_back: int

    def accepts(self, parsed: object, today: dt.date) -> bool:
        """Returns whether a parsed date is recent enough (the date parser refuses the future)."""
        year = parsed.get("year") if isinstance(parsed, dict) else None
        return isinstance(year, int) and year >= today.year - self.years_back


@dataclass(frozen=True)
class NeedsCurrency:
    """An amount is kept only with its currency; `by_country` offers one, confirmed first.

    `country_step` is the question whose answer (a country code) picks the offer.
    """

    country_step: str
    by_country: Mapping[str, str]

    def accepts(self, parsed: object, today: dt.date) -> bool:
        """Returns whether a parsed amount names its currency."""
        return isinstance(parsed, dict) and bool(parsed.get("currency"))


Expectation = MonthRange | DateWindow | NeedsCurrency
"""What a plausible typed answer is, declared on the step and checked by the engine."""


@dataclass(frozen=True)
class Ask:
    """Asks for typed text (voice notes and photos welcome); `parser` names how to read it."""

    id: str
    prompt: str
    next: Target
    summary: str | None = None
    parser: str | None = None
    skippable: bool = False
    when: When | None = None
    retry: str | None = None
    sensitive: bool = False
    expects: Expectation | None = None
    """What a plausible answer is; every step with a parser declares one."""


@dataclass(frozen=True)
class Collect:
    """Collects any number of files until the reporter says they are done."""

    id: str
    prompt: str
    next: Target
    summary: str | None = None
    when: When | None = None


@dataclass(frozen=True)
class Inform:
    """Shows a message without waiting; `pause` waits for any message before the next step."""

    id: str
    text: str
    next: Target
    provider: Provider | None = None
    emits: EventName | None = None
    pause: bool = False
    when: When | None = None


@dataclass(frozen=True)
class Review:
    """Reads the answers back and asks the reporter to confirm or edit them."""

    id: str
    prompt: str
    question: str
    next: Target
    when: When | None = None


@dataclass(frozen=True)
class Finish:
    """Ends the conversation with a status and a closing message."""

    id: str
    text: str
    status: Status
    provider: Provider | None = None
    when: When | None = None
    offer_code_word: bool = False
    """After this ending, offer the reporter a code word (once, skippable)."""


Step = Choose | Ask | Collect | Inform | Review | Finish
Question = Choose | Ask | Collect
STEP_KINDS: Mapping[str, type[Step]] = {
    "choose": Choose,
    "ask": Ask,
    "collect": Collect,
    "inform": Inform,
    "review": Review,
    "finish": Finish,
}
"""The `kind` a flow data file gives each step type."""
EXPECTATION_KINDS: Mapping[str, type[Expectation]] = {
    "month_range": MonthRange,
    "date_window": DateWindow,
    "needs_currency": NeedsCurrency,
}
"""The `kind` a flow data file gives each plausibility check of a typed answer."""


def targets(target: Target | None) -> tuple[str, ...]:
    """Returns every step id a target may lead to."""
    if target is None:
        return ()
    if isinstance(target, ByAnswer):
        return (*target.targets.values(), target.default)
    return (target,)


def successors(step: Step) -> Iterator[str]:
    """Yields the ids of every step that may follow this one."""
    if isinstance(step, Finish):
        return
    yield from targets(step.next)
    if isinstance(step, Choose):
        for option in step.options:
            yield from targets(option.next)


@dataclass(frozen=True)
class Timers:
    """Inactivity rules declared on a flow; the runner only fires them."""

    resume_after: dt.timedelta = dt.timedelta(hours=6)
    reminder_after: dt.timedelta = dt.timedelta(hours=23)
    """Inside WhatsApp's 24-hour window, so a reminder can be a plain message, not a template."""
    expire_after: dt.timedelta = dt.timedelta(days=30)


@dataclass(frozen=True)
class Flow:
    """A named group of steps, one per file, read top to bottom like a questionnaire."""

    id: str
    title: str
    start: str
    steps: tuple[Step, ...]
    timers: Timers = field(default_factory=Timers)
