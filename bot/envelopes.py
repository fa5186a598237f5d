"""Channel-neutral envelopes: one inbound event in, rendered messages out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from flows.vocabulary import Command, ContactRef, InputKind, MediaKind


class Channel(StrEnum):
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    WEB = "web"


@dataclass(frozen=True)
class StoredMedia:
    """A file already copied into Suara's file store (or refused as too large)."""

    kind: MediaKind
    mime_type: str
    size_bytes: int
    sha256: str | None = None
    path: str | None = None
    too_large: bool = False
    external_ref: str | None = None
    clean_path: str | None = None
    clean_sha256: str | None = None


@dataclass(frozen=True)
class InboundEvent:
    """One thing a reporter did on a channel, translated by a channel adapter."""

    channel: Channel
    chat_id: str
    user_id: str
    kind: InputKind
    at: dt.datetime
    text: str = ""
    choice_id: str | None = None
    command: Command | None = None
    argument: str | None = None
    media: StoredMedia | None = None
    location: tuple[float, float] | None = None
    contact: ContactRef | None = None
    locale_hint: str | None = None
    message_ref: str | None = None
    edited_ref: str | None = None
    media_group: str | None = None
    pressed_on: str | None = None
    """The channel's id of the message whose button was pressed, where it can change it."""


CHOSEN_MARK = "✓ "
"""Starts the label of a ticked option of a checklist."""
EDIT_MESSAGE_ID = "edit_message_id"
"""Payload key of an outbox message that replaces an earlier message of its chat, by channel id."""


class UnreadableUpdate(Exception):
    """A recorded update with a field of the wrong type: recorded as unreadable, never retried.

    `reply_to` is the reporter's chat, when one can be found: it is re-prompted with the current
    question (an unsupported input) in the turn that records the update as unreadable.
    """

    def __init__(self, reason: str, reply_to: InboundEvent | None = None) -> None:
        super().__init__(reason)
        self.reason, self.reply_to = reason, reply_to


@dataclass(frozen=True)
class OutButton:
    """A rendered button: what comes back when pressed, and what it says."""

    id: str
    label: str


@dataclass(frozen=True)
class OutgoingMessage:
    """A message rendered in the reporter's language, ready for any channel's sender."""

    text: str
    locale: str
    buttons: tuple[OutButton, ...] = ()
    multi: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    parts_sent: int = 0
    """Parts of this message a channel already took (from the outbox row): send only the rest."""

    def to_payload(self) -> dict[str, Any]:
        """Returns the JSON form stored in the outbox."""
        return {
            "text": self.text,
            "locale": self.locale,
            "buttons": [{"id": b.id, "label": b.label} for b in self.buttons],
            "multi": self.multi,
            **self.extra,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> OutgoingMessage:
        """Returns the message stored by `to_payload`."""
        known = {"text", "locale", "buttons", "multi"}
        return cls(
            text=str(payload["text"]),
            locale=str(payload.get("locale", "id")),
            buttons=tuple(OutButton(b["id"], b["label"]) for b in payload.get("buttons", [])),
            multi=bool(payload.get("multi", False)),
            extra={k: v for k, v in payload.items() if k not in known},
        )
