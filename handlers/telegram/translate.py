"""Turns one recorded Telegram update into one inbound event; files are fetched before the turn."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.casework.invitations import invite_once
from bot.casework.notices import Notice
from bot.core import Core
from bot.envelopes import Channel, InboundEvent, StoredMedia, UnreadableUpdate
from bot.safety.quick_exit import Direction
from bot.safety.reachability import mark_reachable, mark_unreachable
from flows.commands import COMMAND_PREFIX
from flows.vocabulary import N_, Command, ContactRef, InputKind, Locale
from handlers.telegram.drivers import Driver
from handlers.telegram.group_callbacks import GroupPresses
from handlers.telegram.ledger import TelegramLedger
from handlers.telegram.processing import peek
from handlers.telegram.updates import (
    BadUpdate,
    ChatType,
    FileRef,
    Keyboard,
    TgCallback,
    TgError,
    TgMemberChange,
    TgMessage,
)

log = logging.getLogger(__name__)

GROUP_INVITATION = N_("To report safely, please write to me in a private chat, not in a group.")
"""Queued for a group that writes to the bot: reports are taken only in a private chat."""

COMMANDS: Mapping[str, tuple[Command, str | None]] = {
    **{c.value: (c, None) for c in Command},
    "bantuan": (Command.HELP, None),
    "batal": (Command.CANCEL, None),
    "hapus": (Command.CLEAR_CHAT, None),
    "bahasa": (Command.LANGUAGE, None),
    "english": (Command.LANGUAGE, "en"),
    "inggris": (Command.LANGUAGE, "en"),
    "indonesia": (Command.LANGUAGE, "id"),
    "indonesian": (Command.LANGUAGE, "id"),
}
"""Slash commands (as in BotFather's list, plus Indonesian ones) and the engine's command."""

LANGUAGES = {"en": "en", "english": "en", "inggris": "en", "id": "id", "in": "id"}
LANGUAGES |= {"indonesia": "id", "indonesian": "id", "bahasa": "id"}
DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""A /start payload as t.me links carry it; anything else is dropped, never taken as an answer."""
DOWNLOAD_TRIES = 3


@dataclass(eq=False)
class TelegramTranslator:
    """The Telegram channel's translator for the inbox (see bot.runtime.inbox.Translator)."""

    core: Core
    driver: Driver
    ledger: TelegramLedger | None = None
    groups: GroupPresses | None = field(default=None, init=False, repr=False)
    """Built on the first press in a group (it loads the offices file)."""

    async def __call__(self, payload: bytes) -> InboundEvent | None:
        """Returns the event an update stands for, or None when the engine has nothing to do."""
        try:
            update = self.driver.parse(payload)
        except BadUpdate as error:
            raise unreadable(payload, str(error)) from None
        if update.member is not None:
            await asyncio.to_thread(self.membership, update.member)
            return None
        if update.callback is not None:
            return await self.pressed(update.callback)
        message = update.message
        if message is None:
            return unknown_kind(payload)
        if message.service:
            return None
        if message.chat_type is not ChatType.PRIVATE:
            await asyncio.to_thread(self.invite, message)
            return None
        if self.ledger is not None:
            chat, at = str(message.chat_id), message.at  # kept for a quick exit (48 hours)
            await self.ledger.record(chat, [message.message_id], Direction.IN, at)
        if update.edited:
            return self.event(message, InputKind.EDIT, text=message.text, message_ref=None)
        return await self.said(message)

    def event(self, message: TgMessage, kind: InputKind, **fields: Any) -> InboundEvent:
        """Returns an event of a private chat's message."""
        values: dict[str, Any] = {
            "channel": Channel.TELEGRAM,
            "chat_id": str(message.chat_id),
            "user_id": str(message.user_id or message.chat_id),
            "kind": kind,
            "at": message.at,
            "locale_hint": message.language_code,
            "message_ref": str(message.message_id),
            "edited_ref": str(message.message_id) if kind is InputKind.EDIT else None,
            "media_group": message.media_group_id,
        }
        return InboundEvent(**(values | fields))

    async def said(self, message: TgMessage) -> InboundEvent:
        """Returns the event of a new message: command, file, place, contact, text or other."""
        if message.command is not None:
            found = command(message.command, message.argument)
            if found is None:
                return self.event(message, InputKind.UNSUPPORTED)
            return self.event(message, InputKind.COMMAND, command=found[0], argument=found[1])
        if message.file is not None:
            media = await self.fetch(message.file)
            return self.event(message, InputKind.MEDIA, media=media, text=message.text)
        if message.location is not None:
            return self.event(message, InputKind.LOCATION, location=message.location)
        if message.contact is not None:
            own = message.contact.user_id is not None and message.contact.user_id == message.user_id
            contact = ContactRef(phone=message.contact.phone, is_own=own)
            return self.event(message, InputKind.CONTACT, contact=contact)
        if message.text:
            return self.event(message, InputKind.TEXT, text=message.text)
        return self.event(message, InputKind.UNSUPPORTED)

    async def fetch(self, file: FileRef) -> StoredMedia:
        """Copies a file into Suara's file store (or records it as too large)."""
        store = self.core.files
        common: dict[str, Any] = {
            "kind": file.kind,
            "mime_type": file.mime_type,
            "external_ref": file.file_unique_id,
        }
        if file.size is not None and file.size > store.max_bytes:
            return store.too_large(file.size, **common)
        data = await self.download(file.file_id, store.max_bytes)
        if data is None:
            return store.too_large(max(file.size or 0, store.max_bytes + 1), **common)
        return await asyncio.to_thread(store.save, data, **common)

    async def download(self, file_id: str, max_bytes: int) -> bytes | None:
        """Downloads a file, trying again after a network failure."""
        for attempt in range(1, DOWNLOAD_TRIES + 1):
            try:
                return await self.driver.download(file_id, max_bytes)
            except TgError as error:
                if error.status in (400, 403) or attempt == DOWNLOAD_TRIES:
                    raise
                await asyncio.sleep(error.retry_after or 0.5 * attempt)
        raise AssertionError("unreachable")

    async def pressed(self, press: TgCallback) -> InboundEvent | None:
        """Answers a button press, retires its keyboard and returns the choice."""
        if press.chat_type not in (None, ChatType.PRIVATE):
            await self.group_press(press)
            return None
        await self.settle(press)  # before the turn: once the turn commits, it is never redone
        if press.data is None or press.chat_type not in (None, ChatType.PRIVATE):
            return None
        return InboundEvent(
            channel=Channel.TELEGRAM,
            chat_id=str(press.chat_id or press.user_id),
            user_id=str(press.user_id),
            kind=InputKind.CHOICE,
            at=dt.datetime.now(dt.UTC),
            choice_id=press.data,
            locale_hint=press.language_code,
            pressed_on=str(press.message_id) if press.message_id is not None else None,
        )

    async def group_press(self, press: TgCallback) -> None:
        """Hands a press in a group (a caseworker group's Acknowledge or Claim) to its handler."""
        if self.groups is None:
            self.groups = GroupPresses(self.core, self.driver)
        await self.groups.handle(press)

    async def settle(self, press: TgCallback) -> None:
        """Calls answerCallbackQuery, then removes the keyboard unless the turn redraws it."""
        calls = [self.driver.answer_callback(press.id)]
        retire = press.keyboard and not redrawn(press.keyboard, press.data)
        if retire and press.chat_id is not None and press.message_id is not None:
            calls.append(self.driver.edit_keyboard(press.chat_id, press.message_id, ()))
        for outcome in await asyncio.gather(*calls, return_exceptions=True):
            if isinstance(outcome, TgError):
                log.warning("button press not settled", extra={"reason": outcome.reason})
            elif isinstance(outcome, Exception):
                log.error("button press not settled", exc_info=outcome)

    def membership(self, change: TgMemberChange) -> None:
        """Marks a reporter who blocked the bot unreachable (and reachable again on unblock)."""
        if change.chat_type is not ChatType.PRIVATE:
            return
        if change.status == "kicked":
            mark_unreachable(self.core.engine, Channel.TELEGRAM, str(change.user_id))
        elif change.status == "member":
            mark_reachable(self.core.engine, Channel.TELEGRAM, str(change.user_id))

    def invite(self, message: TgMessage) -> None:
        """Invites a group to a private chat, at most once a day; nothing else goes to groups."""
        locale = Locale.EN if (message.language_code or "").startswith("en") else Locale.ID
        notice = Notice(Channel.TELEGRAM, str(message.chat_id), GROUP_INVITATION, locale)
        queued = invite_once(self.core.engine, self.core.catalogs, notice)
        if queued is not None:
            self.core.dispatcher.wake()


def unreadable(payload: bytes, reason: str) -> UnreadableUpdate:
    """Returns the refusal of an update no library reads, naming its private chat if it has one."""
    return UnreadableUpdate(reason, reply_to=unknown_kind(payload))


def unknown_kind(payload: bytes) -> InboundEvent | None:
    """Returns an unsupported input for the private chat of an update Suara cannot read.

    Private chats have positive ids (groups and channels negative), so a readable positive chat id
    is a reporter to re-prompt even when the rest of the update is not readable, or of a kind
    (a reaction, a future update type) no driver turns into a message.
    """
    chat = peek(payload).chat_id or private_chat(payload)
    if chat is None or not chat.isdigit():
        return None
    return InboundEvent(
        channel=Channel.TELEGRAM,
        chat_id=chat,
        user_id=chat,
        kind=InputKind.UNSUPPORTED,
        at=dt.datetime.now(dt.UTC),
    )


def private_chat(payload: bytes) -> str | None:
    """Returns the chat id of any top-level part of an update that names a private chat."""
    data = json.loads(payload)
    for part in data.values() if isinstance(data, dict) else ():
        chat = part.get("chat") if isinstance(part, dict) else None
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        private = isinstance(chat, dict) and chat.get("type", "private") == "private"
        if isinstance(chat_id, int) and not isinstance(chat_id, bool) and chat_id > 0 and private:
            return str(chat_id)
    return None


def command(name: str, argument: str | None) -> tuple[Command, str | None] | None:
    """Returns the engine command of a slash command, with a checked argument."""
    found = COMMANDS.get(name)
    if found is None:
        return None
    cmd, fixed = found
    if cmd is Command.START:
        return cmd, argument if argument and DEEP_LINK.match(argument) else None
    if cmd is Command.LANGUAGE:
        return cmd, fixed or LANGUAGES.get((argument or "").casefold())
    return cmd, None


DONE_DATA = f"{COMMAND_PREFIX}{Command.DONE.value}"


def redrawn(keys: Keyboard, pressed: str | None) -> bool:
    """Returns whether a press is on a checklist (its options and Done), which the turn redraws.

    The engine ticks the option in place of this message, or replaces it with the final choice,
    so retiring the keyboard here would only make it flicker.
    """
    data = [k.data for row in keys for k in row]
    options = [d for d in data if not d.startswith(COMMAND_PREFIX)]
    checklist = DONE_DATA in data and bool(options)
    return checklist and pressed is not None and (pressed == DONE_DATA or pressed in options)
