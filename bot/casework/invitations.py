"""A short invitation to a private chat, queued at most once per group chat and period."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.casework.notices import Notice, queue_notice
from bot.i18n import Catalogs
from storage import db, models


def invite_once(
    engine: Engine,
    catalogs: Catalogs,
    notice: Notice,
    every: dt.timedelta = dt.timedelta(days=1),
) -> int | None:
    """Queues the invitation unless the chat got a notice within `every`; returns its outbox id."""
    since = dt.datetime.now(dt.UTC) - every
    query = (
        select(models.OutboxMessage.id)
        .where(
            col(models.OutboxMessage.channel) == notice.channel.value,
            col(models.OutboxMessage.chat_id) == notice.chat_id,
            col(models.OutboxMessage.conversation_id).is_(None),
            col(models.OutboxMessage.created_at) >= since,
        )
        .limit(1)
    )
    with db.session(engine) as session:
        if session.exec(query).first() is not None:
            return None
    return queue_notice(engine, catalogs, notice)
