"""Messages outside any conversation (a group invitation, a channel notice), queued like replies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bot.envelopes import Channel
from bot.i18n import Catalogs
from flows.vocabulary import Locale
from storage import db, outbox


@dataclass(frozen=True)
class Notice:
    """One sentence (its msgid) for a chat with no conversation, in the chat's language."""

    channel: Channel
    chat_id: str
    msgid: str
    locale: Locale


def queue_notice(engine: Engine, catalogs: Catalogs, notice: Notice) -> int:
    """Queues one translated sentence for a chat with no conversation; returns the outbox id."""
    payload: dict[str, Any] = {
        "text": catalogs.gettext(notice.locale, notice.msgid),
        "locale": notice.locale.value,
        "buttons": [],
    }
    with db.session(engine) as session:
        rows = outbox.enqueue_outbox(
            session=session,
            conversation_id=None,
            channel=notice.channel.value,
            chat_id=notice.chat_id,
            payloads=[payload],
        )
        return rows[0].id or 0
