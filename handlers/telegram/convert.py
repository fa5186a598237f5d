"""Reads a library's validated Update (PTB or aiogram: both mirror the Bot API's field names)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any

from flows.vocabulary import MediaKind
from handlers.telegram.updates import (
    SERVICE_FIELDS,
    BadUpdate,
    ChatType,
    FileRef,
    Keyboard,
    KeyButton,
    SharedContact,
    TgCallback,
    TgMemberChange,
    TgMessage,
    TgUpdate,
    split_command,
)

MEDIA = (
    ("voice", MediaKind.VOICE, "audio/ogg"),
    ("audio", MediaKind.AUDIO, "audio/mpeg"),
    ("video", MediaKind.VIDEO, "video/mp4"),
    ("video_note", MediaKind.VIDEO, "video/mp4"),
    ("document", MediaKind.DOCUMENT, "application/octet-stream"),
)
"""Message fields holding one file, the kind Suara files them as, and the default mime type."""
NOT_READ = ("sticker", "animation", "game", "poll", "dice")
"""Message fields Suara cannot take as an answer, even with a caption (a GIF also carries a
document): the message is unsupported and the question is asked again."""


def from_update(update: Any) -> TgUpdate:
    """Returns Suara's view of one library Update object."""
    update_id = int(update.update_id)
    if update.message is not None:
        return TgUpdate(update_id, message=message(update.message, edited=False))
    if update.edited_message is not None:
        edited = message(update.edited_message, edited=True)
        return TgUpdate(update_id, message=edited, edited=True)
    if update.callback_query is not None:
        return TgUpdate(update_id, callback=callback(update.callback_query))
    if update.my_chat_member is not None:
        return TgUpdate(update_id, member=member(update.my_chat_member))
    return TgUpdate(update_id)


def chat_type(value: Any) -> ChatType:
    """Returns a chat's type (an unknown one counts as a group: never an intake)."""
    try:
        return ChatType(str(value))
    except ValueError:
        return ChatType.GROUP


def utc(value: Any) -> dt.datetime:
    """Returns a message date (a datetime, or aiogram's unix time for edit_date) in UTC."""
    if isinstance(value, int) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    if not isinstance(value, dt.datetime):
        raise BadUpdate("message without a date")
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def message(msg: Any, *, edited: bool) -> TgMessage:
    """Returns one message: its text, command, file, place or contact."""
    sender = msg.from_user
    unread = any(getattr(msg, f, None) is not None for f in NOT_READ)
    text = "" if unread else _text(msg.text) or _text(msg.caption)
    command = split_command(text) if _starts_with_command(msg) else None
    at = utc(msg.edit_date if edited and msg.edit_date else msg.date)
    found = None if unread else media(msg)
    place = None if unread else msg.location
    card = msg.contact
    understood = bool(text or found or place or card)
    return TgMessage(
        message_id=int(msg.message_id),
        chat_id=int(msg.chat.id),
        chat_type=chat_type(msg.chat.type),
        at=at,
        user_id=int(sender.id) if sender else None,
        language_code=sender.language_code if sender else None,
        text=text,
        command=command[0] if command else None,
        argument=command[1] if command else None,
        file=found,
        media_group_id=msg.media_group_id,
        location=(float(place.latitude), float(place.longitude)) if place else None,
        contact=SharedContact(str(card.phone_number), card.user_id) if card else None,
        service=not understood and any(getattr(msg, f, None) for f in SERVICE_FIELDS),
        unsupported=not understood,
    )


def _text(value: Any) -> str:
    """Returns a text field; PTB takes a number or an object there as it comes: BadUpdate."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadUpdate("a text field is not a string")
    return value


def _starts_with_command(msg: Any) -> bool:
    entities = msg.entities or ()
    return any(str(e.type) == "bot_command" and e.offset == 0 for e in entities)


def media(msg: Any) -> FileRef | None:
    """Returns the one file a message carries (a photo's largest size), if any."""
    if msg.photo:
        largest = max(msg.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return FileRef(
            MediaKind.PHOTO,
            largest.file_id,
            largest.file_unique_id,
            largest.file_size,
            "image/jpeg",
        )
    for field, kind, default_mime in MEDIA:
        item = getattr(msg, field, None)
        if item is None:
            continue
        mime = getattr(item, "mime_type", None) or _guess(item) or default_mime
        return FileRef(kind, item.file_id, item.file_unique_id, item.file_size, mime)
    return None


def _guess(item: Any) -> str | None:
    name = getattr(item, "file_name", None)
    return mimetypes.guess_type(name)[0] if name else None


def callback(query: Any) -> TgCallback:
    """Returns a button press, with the keyboard still shown on its message."""
    shown = query.message
    markup = getattr(shown, "reply_markup", None) if shown is not None else None
    rows: Keyboard = ()
    if markup is not None and getattr(markup, "inline_keyboard", None):
        rows = tuple(
            tuple(KeyButton(b.text, b.callback_data) for b in row if b.callback_data)
            for row in markup.inline_keyboard
        )
    return TgCallback(
        id=str(query.id),
        user_id=int(query.from_user.id),
        data=_text(query.data) or None,
        language_code=query.from_user.language_code,
        chat_id=int(shown.chat.id) if shown is not None else None,
        chat_type=chat_type(shown.chat.type) if shown is not None else None,
        message_id=int(shown.message_id) if shown is not None else None,
        keyboard=rows,
    )


def member(change: Any) -> TgMemberChange:
    """Returns a change of the bot's membership in a chat."""
    return TgMemberChange(
        chat_id=int(change.chat.id),
        chat_type=chat_type(change.chat.type),
        user_id=int(change.from_user.id),
        status=str(change.new_chat_member.status),
    )
