"""One recorded WhatsApp message into one inbound event; media copied into Suara's store first.

Also where the 24-hour window opens (every message a reporter sends) and where delivery statuses
are applied. The reporter's language is never guessed from the phone number's country code.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
from typing import Any

from bot.core import Core
from bot.envelopes import Channel, InboundEvent, StoredMedia, UnreadableUpdate
from bot.whatsapp import chats as wa_book
from flows.vocabulary import ContactRef, InputKind, MediaKind
from handlers.whatsapp.client import GraphClient, GraphError, GraphUnavailable
from handlers.whatsapp.payloads import moment
from handlers.whatsapp.window import WindowBook

log = logging.getLogger(__name__)

MEDIA_KINDS = {
    "image": MediaKind.PHOTO,
    "video": MediaKind.VIDEO,
    "document": MediaKind.DOCUMENT,
    "audio": MediaKind.AUDIO,
    "voice": MediaKind.VOICE,  # the on-premises API's own type for voice notes
}
TEXT_FIELDS = {"text": "body", "button": "text"}
"""Where a message type carries the reporter's words."""
TYPED = frozenset({*TEXT_FIELDS, "interactive", "location", *MEDIA_KINDS})
"""Message types whose part must be an object."""
SILENT = frozenset({"request_welcome", "ephemeral"})
"""Message types the reporter did not send as a message: no turn, no reply. Every other type
Suara cannot read (a sticker, a reaction, an order, a system notice, a type of tomorrow) asks
the current question again."""


class Translator:
    """The channel's Translator: recorded bytes in, an event for the engine (or None) out."""

    def __init__(
        self, core: Core, client: GraphClient, windows: WindowBook, *, mark_read: bool = False
    ) -> None:
        self.core, self.client, self.windows, self.mark_read = core, client, windows, mark_read

    async def __call__(self, payload: bytes) -> InboundEvent | None:
        """Returns the event of one recorded message; statuses are applied and give None."""
        record = json.loads(payload)
        if record.get("type") == "status":
            await self._status(record)
            return None
        return await self._message(record)

    async def _message(self, record: dict[str, Any]) -> InboundEvent | None:
        message: dict[str, Any] = record["message"]
        at = moment(message.get("timestamp"))
        seen = await self._seen(record, at)
        self.windows.opened(seen.chat_id, seen.window_until)
        if seen.released:
            self.core.dispatcher.wake()
        kind = str(message.get("type") or "unsupported")
        if kind in SILENT or _reaction_removed(kind, message):
            return None
        if self.mark_read:
            await self._mark_read(str(message["id"]))
        base: dict[str, Any] = {
            "channel": Channel.WHATSAPP,
            "chat_id": seen.chat_id,
            "user_id": seen.chat_id,
            "at": at,
            "message_ref": str(message["id"]),
            "locale_hint": None,
        }
        return await self._event(kind, message, base)

    async def _seen(self, record: dict[str, Any], at: dt.datetime) -> wa_book.Seen:
        """Returns the sender's chat and window: as recorded or remembered, else opened now."""
        if record.get("chat_id") and record.get("window_until"):  # resolved when recorded
            until = dt.datetime.fromisoformat(record["window_until"])
            return wa_book.Seen(record["chat_id"], until, 0)
        sender, memo = (record.get("wa_id"), record.get("user_id")), self.windows.memo
        if memo is not None and (known := memo.open_window(sender, at)):
            return wa_book.Seen(*known, 0)  # opened by an earlier message: nothing can be held
        seen = await asyncio.to_thread(
            wa_book.note_inbound, self.core.engine, wa_id=sender[0], bsuid=sender[1], at=at
        )
        if memo is not None:
            memo.learn(sender, seen.chat_id, seen.window_until)
        return seen

    async def _event(
        self, kind: str, message: dict[str, Any], base: dict[str, Any]
    ) -> InboundEvent:
        found = message.get(kind)
        if (kind in TYPED and not isinstance(found, dict)) or _wrong_text(kind, found):
            reprompt = InboundEvent(kind=InputKind.UNSUPPORTED, **base)
            raise UnreadableUpdate(f"{kind} of the wrong type", reprompt)
        body: dict[str, Any] = found if isinstance(found, dict) else {}
        if kind == "text" and isinstance(body.get("body"), str):
            return InboundEvent(kind=InputKind.TEXT, text=body["body"], **base)
        if kind == "interactive" and (choice := _choice_id(body)):
            return InboundEvent(kind=InputKind.CHOICE, choice_id=choice, **base)
        if kind == "button" and isinstance(body.get("text"), str):
            return InboundEvent(kind=InputKind.TEXT, text=body["text"], **base)
        if kind in MEDIA_KINDS and isinstance(body.get("id"), str):
            media = await self._download(kind, body)
            if media is not None:
                caption = str(body.get("caption") or "")
                return InboundEvent(kind=InputKind.MEDIA, media=media, text=caption, **base)
        if kind == "location" and (place := _place(body)):
            return InboundEvent(kind=InputKind.LOCATION, location=place, **base)
        if kind == "contacts" and (phone := _shared_phone(message.get("contacts"))):
            contact = ContactRef(phone=phone, is_own=False)  # a card is always a third party's
            return InboundEvent(kind=InputKind.CONTACT, contact=contact, **base)
        return InboundEvent(kind=InputKind.UNSUPPORTED, **base)

    async def _download(self, kind: str, body: dict[str, Any]) -> StoredMedia | None:
        """Copies a file into the store at once (media ids expire); None when it cannot be had."""
        media_kind = MEDIA_KINDS[kind]
        if kind == "audio" and body.get("voice") is True:
            media_kind = MediaKind.VOICE
        files, media_id = self.core.files, str(body["id"])
        for attempt in range(2):
            try:
                info = await self.client.media_info(media_id)
                mime = str(body.get("mime_type") or info.mime_type)
                if info.file_size is not None and info.file_size > files.max_bytes:
                    return files.too_large(
                        info.file_size, kind=media_kind, mime_type=mime, external_ref=media_id
                    )
                data = await self.client.download(info, files.max_bytes)
            except GraphUnavailable:
                if attempt == 0:
                    await asyncio.sleep(1.0)
                    continue
                log.warning("media download failed: WhatsApp unreachable")
                return None
            except GraphError as error:
                log.warning("media download refused", extra={"status": error.status})
                return None
            if data is None:
                size = files.max_bytes + 1
                return files.too_large(size, kind=media_kind, mime_type=mime, external_ref=media_id)
            if not hash_matches(data, body.get("sha256") or info.sha256):
                log.warning("media hash differs from WhatsApp's", extra={"kind": media_kind.value})
            return await asyncio.to_thread(
                files.save, data, kind=media_kind, mime_type=mime, external_ref=media_id
            )
        return None

    async def _status(self, record: dict[str, Any]) -> None:
        errors = record.get("errors") or [{}]
        report = wa_book.StatusReport(
            wamid=str(record["id"]),
            status=str(record["status"]),
            at=moment(record.get("timestamp")),
            chat_id=record.get("recipient_id") or record.get("recipient_user_id"),
            error_code=errors[0].get("code"),
            error_title=errors[0].get("title"),
        )
        queued = await asyncio.to_thread(wa_book.apply_status, self.core.engine, report)
        if report.error_code == 131047 and report.chat_id:
            self.windows.forget(report.chat_id)
        if queued:
            self.core.dispatcher.wake()

    async def _mark_read(self, message_id: str) -> None:
        try:
            await self.client.mark_read(message_id)
        except (GraphError, GraphUnavailable):
            log.info("read receipt not sent")


def _reaction_removed(kind: str, message: dict[str, Any]) -> bool:
    """Tells whether a reaction takes an earlier one back (an empty emoji): nothing to answer."""
    reaction = message.get("reaction")
    return kind == "reaction" and isinstance(reaction, dict) and not reaction.get("emoji")


def _wrong_text(kind: str, found: Any) -> bool:
    """Tells whether a text or a button's text is there but not a string."""
    field = TEXT_FIELDS.get(kind)
    return field is not None and isinstance(found, dict) and not isinstance(found.get(field), str)


def hash_matches(data: bytes, expected: Any) -> bool:
    """Returns whether WhatsApp's sha256 (base64 or hex) is the file's; True when none given."""
    if not isinstance(expected, str) or not expected:
        return True
    digest = hashlib.sha256(data).digest()
    if expected.lower() == digest.hex():
        return True
    try:
        return base64.b64decode(expected, validate=True) == digest
    except (binascii.Error, ValueError):
        return False


def _choice_id(body: dict[str, Any]) -> str | None:
    """Returns the id of a tapped reply button or list row (never its title)."""
    reply = body.get(str(body.get("type")))
    if body.get("type") in ("button_reply", "list_reply") and isinstance(reply, dict):
        choice = reply.get("id")
        return choice if isinstance(choice, str) and choice else None
    return None


def _place(body: dict[str, Any]) -> tuple[float, float] | None:
    try:
        latitude, longitude = float(body["latitude"]), float(body["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return latitude, longitude
    return None


def _shared_phone(cards: Any) -> str | None:
    """Returns the first phone number of a shared contact card."""
    for card in cards if isinstance(cards, list) else []:
        for phone in card.get("phones", []) if isinstance(card, dict) else []:
            number = phone.get("phone") or phone.get("wa_id") if isinstance(phone, dict) else None
            if isinstance(number, str) and number.strip():
                return number.strip()[:64]
    return None
