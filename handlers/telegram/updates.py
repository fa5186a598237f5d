"""Telegram updates and calls in Suara's own terms: what a driver parses, sends and raises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from flows.vocabulary import MediaKind

ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
"""The update types Suara asks Telegram for (channel posts and the rest are never sent)."""

SERVICE_FIELDS = (
    "pinned_message",
    "write_access_allowed",
    "users_shared",
    "chat_shared",
    "connected_website",
    "message_auto_delete_timer_changed",
    "chat_background_set",
    "proximity_alert_triggered",
    "new_chat_members",
    "left_chat_member",
    "new_chat_title",
    "new_chat_photo",
    "group_chat_created",
)
"""Service messages: nothing the reporter said, so nothing to answer (not even a re-prompt)."""


class BadUpdate(ValueError):
    """A body that is not a Telegram update Suara can read."""


class ChatType(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


@dataclass(frozen=True)
class FileRef:
    """A file Telegram holds for a message; downloaded with getFile before the turn."""

    kind: MediaKind
    file_id: str
    file_unique_id: str
    size: int | None
    mime_type: str


@dataclass(frozen=True)
class SharedContact:
    """A contact card: the phone number and, when it is a Telegram user, their id."""

    phone: str
    user_id: int | None


@dataclass(frozen=True)
class KeyButton:
    """One inline keyboard button: its label and the callback data it sends back."""

    label: str
    data: str


Keyboard = tuple[tuple[KeyButton, ...], ...]
"""Rows of inline buttons."""


@dataclass(frozen=True)
class Entity:
    """A message entity; offset and length count UTF-16 code units, as Telegram does."""

    type: str
    offset: int
    length: int


@dataclass(frozen=True)
class TgMessage:
    """A message (or an edited one) in a chat."""

    message_id: int
    chat_id: int
    chat_type: ChatType
    at: dt.datetime
    user_id: int | None = None
    language_code: str | None = None
    text: str = ""
    command: str | None = None
    argument: str | None = None
    file: FileRef | None = None
    media_group_id: str | None = None
    location: tuple[float, float] | None = None
    contact: SharedContact | None = None
    unsupported: bool = False
    service: bool = False


@dataclass(frozen=True)
class TgCallback:
    """An inline button press, with the keyboard it was pressed on (when still readable)."""

    id: str
    user_id: int
    data: str | None
    language_code: str | None = None
    chat_id: int | None = None
    chat_type: ChatType | None = None
    message_id: int | None = None
    keyboard: Keyboard = ()


@dataclass(frozen=True)
class TgMemberChange:
    """The bot's own membership in a chat changed (a reporter blocked or unblocked it)."""

    chat_id: int
    chat_type: ChatType
    user_id: int
    status: str


@dataclass(frozen=True)
class TgUpdate:
    """One update, validated by a driver's library; at most one part is set."""

    update_id: int
    message: TgMessage | None = None
    edited: bool = False
    callback: TgCallback | None = None
    member: TgMemberChange | None = None


class TgError(Exception):
    """A Bot API call failed; the reason never contains the token."""

    def __init__(
        self, reason: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason, self.status, self.retry_after = reason, status, retry_after


def redact(text: str, token: str) -> str:
    """Returns text with the bot token (and its secret half) blanked out."""
    if not token:
        return text
    text = text.replace(token, "<token>")
    secret = token.partition(":")[2]
    return text.replace(secret, "<token>") if len(secret) >= 8 else text


def split_command(text: str) -> tuple[str, str | None] | None:
    """Returns (command, argument) of a message that starts with a bot command, or None."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].casefold()
    if not name or not all(c.isalnum() or c == "_" for c in name):
        return None
    return name, rest.strip() or None
