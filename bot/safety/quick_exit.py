"""Quick exit (S-03, S-04): `hapus chat` clears the Telegram chat; WhatsApp gets a how-to line.

The turn that asks for it queues one outbox row of kind "clear_chat" (same transaction). The
Telegram sender executes it: deletes every message id recorded for the chat in the last 48 hours
(the reporter's and the bot's, ChatLedger), skips those Telegram refuses, then sends one line on
how to delete this chat (only this chat: an empty history raises suspicion).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, delete
from sqlmodel import col, select

from bot.envelopes import Channel, OutgoingMessage
from bot.hooks import AfterTurn, SavedTurn
from bot.i18n import Catalogs
from bot.safety import texts
from flows.vocabulary import EventName, Locale
from storage import db, outbox
from storage.safety_models import ChatMessage

log = logging.getLogger(__name__)

DELETABLE = dt.timedelta(hours=48)
"""Telegram lets a bot delete messages of a private chat for 48 hours after they were sent."""
KIND = "kind"
CLEAR_CHAT = "clear_chat"
"""The outbox payload kind the Telegram sender executes instead of sending text."""

TELEGRAM_DONE = texts.TELEGRAM_CLEARED
WHATSAPP_HOW_TO = texts.WHATSAPP_HOW_TO_DELETE


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


def clear_payload(catalogs: Catalogs, channel: Channel, locale: Locale) -> dict[str, object]:
    """Returns the outbox payload a quick exit queues on a channel."""
    if channel is Channel.TELEGRAM:
        text = catalogs.gettext(locale, TELEGRAM_DONE)
        return OutgoingMessage(text, locale.value, extra={KIND: CLEAR_CHAT}).to_payload()
    return OutgoingMessage(catalogs.gettext(locale, WHATSAPP_HOW_TO), locale.value).to_payload()


def hook(catalogs: Catalogs) -> AfterTurn:
    """Returns the after-turn hook that queues a quick exit when the engine asked for one."""

    def after(saved: SavedTurn) -> None:
        if not any(e.name is EventName.CHAT_CLEAR_REQUESTED for e in saved.turn.events):
            return
        payload = clear_payload(catalogs, saved.channel, saved.turn.state.locale)
        outbox.enqueue_outbox(
            session=saved.session,
            conversation_id=saved.conversation.id,
            channel=saved.channel.value,
            chat_id=saved.conversation.chat_id,
            payloads=[payload],
        )
        log.info("quick exit queued", extra={"conversation_id": saved.conversation.id})

    return after


@dataclass(frozen=True)
class Noted:
    """Message ids of one chat to record, in one direction, seen at one time."""

    chat_id: str
    message_ids: tuple[int | str, ...]
    direction: Direction
    at: dt.datetime


class ChatLedger:
    """Remembers message ids of private chats for 48 h, so that a quick exit can delete them."""

    def __init__(self, engine: Engine, channel: Channel = Channel.TELEGRAM) -> None:
        self.engine, self.channel = engine, channel

    def record(
        self, chat_id: str, message_ids: Iterable[int | str], direction: Direction, at: dt.datetime
    ) -> None:
        """Records message ids (once each; repeats are ignored)."""
        self.record_all([Noted(str(chat_id), tuple(message_ids), direction, at)])

    def record_all(self, noted: Iterable[Noted]) -> None:
        """Records the message ids of several notes in one statement (repeats are ignored)."""
        rows = {
            (n.chat_id, str(i), n.direction.value): {
                "channel": self.channel.value,
                "chat_id": n.chat_id,
                "message_id": str(i),
                "direction": n.direction.value,
                "at": n.at,
            }
            for n in noted
            for i in n.message_ids
        }
        if not rows:
            return
        with db.session(self.engine) as session:
            # One statement, no read first: a repeat (or another process's record) is skipped.
            stmt = db.dialect_insert(session, ChatMessage).on_conflict_do_nothing(
                index_elements=["channel", "chat_id", "message_id", "direction"]
            )
            session.execute(stmt, [rows[key] for key in sorted(rows)])

    def recent(self, chat_id: str, now: dt.datetime) -> list[int]:
        """Returns the chat's recorded message ids under 48 hours old, oldest first."""
        query = select(ChatMessage).where(
            col(ChatMessage.channel) == self.channel.value,
            col(ChatMessage.chat_id) == str(chat_id),
            col(ChatMessage.at) > now - DELETABLE,
        )
        with db.session(self.engine) as session:
            found = {int(r.message_id) for r in session.exec(query) if r.message_id.isdigit()}
        return sorted(found)

    def forget(self, chat_id: str, message_ids: Iterable[int]) -> None:
        """Drops message ids a quick exit tried (deleted or refused: never tried again)."""
        ids = [str(i) for i in message_ids]
        if not ids:
            return
        with db.session(self.engine) as session:
            session.exec(
                delete(ChatMessage).where(
                    col(ChatMessage.channel) == self.channel.value,
                    col(ChatMessage.chat_id) == str(chat_id),
                    col(ChatMessage.message_id).in_(ids),
                )
            )
