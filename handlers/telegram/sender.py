"""Renders outbox messages as Telegram messages: inline keyboards, 4096-unit parts, paced sends."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence

from bot.envelopes import CHOSEN_MARK, EDIT_MESSAGE_ID, OutButton, OutgoingMessage
from bot.runtime.sending import PartsDelivered, SendFailed
from bot.safety.quick_exit import CLEAR_CHAT, KIND, Direction
from flows.commands import COMMAND_PREFIX
from handlers.telegram.drivers import Driver
from handlers.telegram.ledger import TelegramLedger
from handlers.telegram.pacing import Pacer
from handlers.telegram.updates import Entity, Keyboard, KeyButton, TgError

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
"""Telegram's longest message text, in UTF-16 code units."""
CALLBACK_LIMIT = 64
"""Telegram's longest callback_data, in UTF-8 bytes."""
LABEL_LIMIT = 40
"""Longer button labels are cut (Telegram would cut them on a phone anyway)."""
PAIR_LIMIT = 18
"""Two buttons share a row when both labels are at most this long."""
REFERENCE = re.compile(r"\bMC-\d{4}-\d{6}\b")
"""A case reference: sent as a `code` entity, so that one tap copies it."""
PART_RETRIES = 3
"""How often a later part of a split message is retried in place after a 429; any other
failure re-queues the message, which then sends only the parts not yet delivered."""
DELETE_BATCH = 100
"""deleteMessages takes at most this many ids."""


def utf16_len(text: str) -> int:
    """Returns the length of text in UTF-16 code units (how Telegram counts)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Splits text into parts of at most `limit` UTF-16 units, at a line break or space if any."""
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        cut = _fits(rest, limit)
        breaks = [rest.rfind(mark, 0, cut) for mark in ("\n", " ")]
        good = next((b for b in breaks if b > limit // 2), cut)
        parts.append(rest[:good].rstrip())
        rest = rest[good:].lstrip("\n ")
    if rest or not parts:
        parts.append(rest)
    return parts


def _fits(text: str, limit: int) -> int:
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def reference_entities(text: str) -> list[Entity]:
    """Returns `code` entities over case references, with offsets in UTF-16 units."""
    return [
        Entity("code", utf16_len(text[: m.start()]), utf16_len(m.group()))
        for m in REFERENCE.finditer(text)
    ]


def keyboard(buttons: Sequence[OutButton]) -> Keyboard:
    """Lays buttons out as an inline keyboard: options first, commands last, 1-2 per row."""
    usable = [b for b in buttons if _fits_callback(b.id)]
    options = [b for b in usable if not b.id.startswith(COMMAND_PREFIX)]
    commands = [b for b in usable if b.id.startswith(COMMAND_PREFIX)]
    return _rows(options) + _rows(commands)


def _fits_callback(button_id: str) -> bool:
    size = len(button_id.encode("utf-8"))
    if 0 < size <= CALLBACK_LIMIT:
        return True
    log.warning("button id does not fit callback_data", extra={"bytes": size})
    return False


def _rows(buttons: Sequence[OutButton]) -> Keyboard:
    keys = [KeyButton(_short(b.label), b.id) for b in buttons]
    rows: list[tuple[KeyButton, ...]] = []
    index = 0
    while index < len(keys):
        pair = keys[index : index + 2]
        if len(pair) == 2 and all(_unmarked_len(k.label) <= PAIR_LIMIT for k in pair):
            rows.append(tuple(pair))
            index += 2
        else:
            rows.append((keys[index],))
            index += 1
    return tuple(rows)


def _unmarked_len(label: str) -> int:
    """Returns a label's length without a checklist tick, so ticking never moves the buttons."""
    return len(label.removeprefix(CHOSEN_MARK))


def _message_id(value: object) -> int | None:
    """Returns the Telegram message id an outbox row replaces (stored as a number or digits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1].rstrip() + "…"


def failure(error: TgError) -> SendFailed:
    """Returns how the dispatcher should treat a failed send."""
    if error.status == 429:
        return SendFailed(error.reason, retry_after=error.retry_after or 1.0)
    if error.status == 403:
        return SendFailed(error.reason, permanent=True, unreachable=True)
    if error.status == 400:
        return SendFailed(error.reason, permanent=True)
    return SendFailed(error.reason)


class TelegramSender:
    """Sends one outbox message as one or more Telegram messages, the keyboard on the last."""

    def __init__(self, driver: Driver, pacer: Pacer, ledger: TelegramLedger | None = None) -> None:
        self.driver, self.pacer, self.ledger = driver, pacer, ledger

    async def send(
        self, chat_id: str, message: OutgoingMessage, delivered: PartsDelivered | None = None
    ) -> str | None:
        """Sends the message (a quick exit deletes the chat's recent messages first)."""
        if message.extra.get(KIND) == CLEAR_CHAT:
            await self.clear(chat_id)
        keys = keyboard(message.buttons)
        text = message.text if message.text.strip() else ("…" if keys else "")
        if not text:
            return None
        edited = _message_id(message.extra.get(EDIT_MESSAGE_ID))
        if edited is not None and await self._edit(chat_id, edited, text, keys):
            return str(edited)
        parts = split_text(text)
        sent, start = 0, min(message.parts_sent, len(parts) - 1)
        for index in range(start, len(parts)):
            last = index == len(parts) - 1
            try:
                sent = await self._send_part(
                    chat_id, parts[index], keys if last else (), first=index == start
                )
            except SendFailed as failed:
                failed.parts_sent = index  # the parts before this one were delivered
                raise
            await self._remember(chat_id, [sent])
            if delivered is not None and not last:
                await delivered(index + 1)
        return str(sent)

    async def _remember(self, chat_id: str, ids: list[int]) -> None:
        if self.ledger is not None:
            now = dt.datetime.now(dt.UTC)
            await self.ledger.record(chat_id, ids, Direction.OUT, now)

    async def clear(self, chat_id: str) -> int:
        """Deletes the chat's messages under 48 hours old; returns how many ids were tried."""
        if self.ledger is None:
            return 0
        ids = await self.ledger.recent(chat_id, dt.datetime.now(dt.UTC))
        for start in range(0, len(ids), DELETE_BATCH):
            batch = ids[start : start + DELETE_BATCH]
            await self._delete_batch(int(chat_id), batch)
            await self.ledger.forget(chat_id, batch)
        log.info("quick exit done", extra={"ids": len(ids)})
        return len(ids)

    async def _delete_batch(self, chat_id: int, ids: list[int]) -> None:
        """Deletes a batch at once; when Telegram refuses it, one by one, skipping refusals."""
        try:
            await self.pacer.wait(str(chat_id))
            await self.driver.delete_messages(chat_id, ids)
            return
        except TgError as error:
            if error.status != 400:
                raise failure(error) from None
        for message_id in ids:
            try:
                await self.pacer.wait(str(chat_id))
                await self.driver.delete_message(chat_id, message_id)
            except TgError as error:
                if error.status != 400:
                    raise failure(error) from None

    async def _edit(self, chat_id: str, message_id: int, text: str, keys: Keyboard) -> bool:
        """Replaces an earlier message (one part only); False when it is gone or too old."""
        await self.pacer.wait(chat_id)
        text = split_text(text)[0]
        try:
            await self.driver.edit_text(
                int(chat_id), message_id, text, keyboard=keys, entities=reference_entities(text)
            )
        except TgError as error:
            if error.status == 400 and "not modified" in error.reason:
                return True
            if error.status == 400:
                return False  # deleted, or too old to edit: send it as a new message
            if error.status == 429:
                self.pacer.pause(chat_id, error.retry_after or 1.0)
            raise failure(error) from None
        return True

    async def _send_part(self, chat_id: str, text: str, keys: Keyboard, *, first: bool) -> int:
        for attempt in range(PART_RETRIES + 1):
            await self.pacer.wait(chat_id)
            try:
                return await self.driver.send_message(
                    int(chat_id), text, keyboard=keys, entities=reference_entities(text)
                )
            except TgError as error:
                if error.status == 429:
                    self.pacer.pause(chat_id, error.retry_after or 1.0)
                if first or error.status != 429 or attempt == PART_RETRIES:
                    raise failure(error) from None
        raise AssertionError("unreachable")
