"""The step vocabulary: what a flow is made of, what goes in and what comes out of a turn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias


def N_(message: str) -> str:
    """Marks an English sentence as a message id for Babel; returns it unchanged."""
    return message


class Locale(StrEnum):
    ID = "id"
    EN = "en"


class InputKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    MEDIA = "media"
    LOCATION = "location"
    CONTACT = "contact"
    COMMAND = "command"
    EDIT = "edit"
    UNSUPPORTED = "unsupported"


class Command(StrEnum):
    START = "start"
    HELP = "help"
    BACK = "back"
    CANCEL = "cancel"
    RESTART = "restart"
    LANGUAGE = "language"
    HUMAN = "human"
    SKIP = "skip"
    DONE = "done"
    MENU = "menu"
    CLEAR_CHAT = "clear"
    MY_DATA = "mydata"
    CORRECT = "correct"
    DELETE = "delete"
    WITHDRAW = "withdraw"
    RESTRICT = "restrict"
    CODE_WORD = "codeword"


class MediaKind(StrEnum):
    PHOTO = "photo"
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"


class TimerKind(StrEnum):
    REMINDER = "reminder"
    EXPIRY = "expiry"


class Status(StrEnum):
    """Where a conversation stands."""

    ACTIVE = "active"
    SUBMITTED = "submitted"
    STOPPED = "stopped"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Urgency(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"

    @property
    def rank(self) -> int:
        """Returns 0 for the most urgent level, 3 for the least."""
        return int(self.value[1])


class EventName(StrEnum):
    CONVERSATION_STARTED = "conversation_started"
    LANGUAGE_CHOSEN = "language_chosen"
    ANSWER_RECORDED = "answer_recorded"
    ANSWER_EDITED = "answer_edited"
    ANSWER_QUESTIONED = "answer_questioned"
    ANSWER_FLAGGED = "answer_flagged"
    EVIDENCE_ADDED = "evidence_added"
    CONSENT_RECORDED = "consent_recorded"
    URGENCY_RAISED = "urgency_raised"
    REFERRAL_RECORDED = "referral_recorded"
    HANDOVER_REQUESTED = "handover_requested"
    EMERGENCY_OPENED = "emergency_opened"
    CASE_SUBMITTED = "case_submitted"
    CONVERSATION_STOPPED = "conversation_stopped"
    CONVERSATION_CANCELLED = "conversation_cancelled"
    CONVERSATION_RESTARTED = "conversation_restarted"
    CONVERSATION_RESUMED = "conversation_resumed"
    CONVERSATION_EXPIRED = "conversation_expired"
    REMINDER_SENT = "reminder_sent"
    INPUT_NOT_UNDERSTOOD = "input_not_understood"
    FOLLOW_UP_RECEIVED = "follow_up_received"
    CONTACT_SHARED = "contact_shared"
    LOCATION_SHARED = "location_shared"
    CHAT_CLEAR_REQUESTED = "chat_clear_requested"
    DATA_REQUEST_MADE = "data_request_made"
    DATA_SHOWN = "data_shown"
    CODE_WORD_SAVED = "code_word_saved"
    CODE_WORD_CHECKED = "code_word_checked"
    SHARE_CONSENT_ASKED = "share_consent_asked"


class CheckButton(StrEnum):
    """The buttons of a re-ask; the id is `<step id>.<value>`, a code or year after `_`."""

    YES = "check_yes"
    NO = "check_no"
    CURRENCY = "currency"
    OTHER_CURRENCY = "currency_other"
    UNKNOWN_CURRENCY = "currency_unknown"
    LEBARAN = "lebaran"


class Flag(StrEnum):
    """Why an answer is kept only as written, for the caseworker to check."""

    CONFIRMED_UNLIKELY = "confirmed_unlikely"
    CURRENCY_UNKNOWN = "currency_unknown"
    EDITED_UNCHECKED = "edited_unchecked"
    """The message was edited afterwards into words that do not read as a plausible answer."""


class CodeWord(StrEnum):
    """What the runner found when the reporter typed a code word (the engine never sees it)."""

    SAVED = "saved"
    INVALID = "invalid"
    RIGHT = "right"
    WRONG = "wrong"
    LOCKED = "locked"


class Fact(StrEnum):
    """A value only the runner knows when it renders a reply (after it saved the turn)."""

    CASE_REFERENCE = "case_reference"


# ---------------------------------------------------------------- what goes in


@dataclass(frozen=True)
class MediaRef:
    """A file the runner already stored; the engine only sees its id and kind."""

    attachment_id: str
    kind: MediaKind
    too_large: bool = False
    caption: str = ""
    """Words sent with the file: kept with it, read only for danger words, never as an answer."""


@dataclass(frozen=True)
class ContactRef:
    """A shared phone contact; `is_own` is true when it is the reporter's own number."""

    phone: str
    is_own: bool


@dataclass(frozen=True)
class UserInput:
    """One channel-neutral thing the reporter did, at a moment in UTC."""

    kind: InputKind
    at: dt.datetime
    text: str = ""
    choice_id: str | None = None
    command: Command | None = None
    argument: str | None = None
    media: MediaRef | None = None
    location: tuple[float, float] | None = None
    contact: ContactRef | None = None
    edited_step: str | None = None
    locale_hint: str | None = None
    media_group: str | None = None
    case_held: bool = False
    """A person holds the reporter's case: messages go to them, not to the questionnaire."""
    code_word_set: bool = False
    """The reporter chose a code word: Suara asks for it before it shows case details."""
    code_word: CodeWord | None = None
    """The runner's verdict on a typed code word; the word itself is blanked from `text`."""
    pressed_on: str | None = None
    """The message whose button was pressed, when the channel can change that message."""


@dataclass(frozen=True)
class Timeout:
    """A timer the runner fired for this conversation."""

    kind: TimerKind
    at: dt.datetime


# ---------------------------------------------------------------- what comes out


@dataclass(frozen=True)
class Money:
    """An amount of money as the reporter gave it."""

    value: Decimal
    currency: str


@dataclass(frozen=True)
class PartialDate:
    """A date the reporter gave, as precise as they gave it."""

    year: int
    month: int | None = None
    day: int | None = None


@dataclass(frozen=True)
class Plain:
    """Text shown as written (a reporter's own words, a phone number), never translated."""

    value: str


Scalar: TypeAlias = "str | int | Decimal | dt.datetime | Money | PartialDate | Plain | Fact"
ParamValue: TypeAlias = "Scalar | Text | tuple[Text, ...]"
"""What a placeholder may hold; the renderer formats each kind for the reader's locale."""


@dataclass(frozen=True)
class Text:
    """A translatable sentence (its English msgid) and its named placeholders."""

    msgid: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Button:
    """An option the reporter can press or type; `id` is what comes back."""

    id: str
    label: Text
    chosen: bool = False
    """The option is ticked in a checklist (the renderer marks its label)."""


@dataclass(frozen=True)
class Reply:
    """One outgoing message: lines of text and, optionally, buttons."""

    lines: tuple[Text | Plain, ...]
    buttons: tuple[Button, ...] = ()
    multi: bool = False
    replaces: str | None = None
    """An earlier message this one takes the place of (a channel that cannot change it sends)."""


@dataclass(frozen=True)
class Event:
    """Something that happened in a turn, for the runner to persist and act on."""

    name: EventName
    data: Mapping[str, object] = field(default_factory=dict)
