"""Reporter reachability: a reporter who blocked the bot gets nothing more; their data stays."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.envelopes import Channel
from storage import db, models


def mark_unreachable(engine: Engine, channel: Channel, user_id: str) -> bool:
    """Marks a reporter unreachable and stops their timers; returns whether they were known."""
    with db.session(engine) as session:
        reporter = _reporter(session, channel, user_id)
        if reporter is None:
            return False
        if not reporter.unreachable:
            reporter.unreachable, reporter.unreachable_at = True, dt.datetime.now(dt.UTC)
        query = select(models.Conversation).where(
            col(models.Conversation.reporter_id) == reporter.id
        )
        for conversation in session.exec(query):
            conversation.next_timer_at, conversation.timer_kind = None, None
        return True


def mark_reachable(engine: Engine, channel: Channel, user_id: str) -> bool:
    """Clears the unreachable mark (the reporter unblocked the bot); returns whether it was set."""
    with db.session(engine) as session:
        reporter = _reporter(session, channel, user_id)
        if reporter is None or not reporter.unreachable:
            return False
        reporter.unreachable, reporter.unreachable_at = False, None
        return True


def _reporter(session: Session, channel: Channel, user_id: str) -> models.Reporter | None:
    query = select(models.Reporter).where(
        col(models.Reporter.channel) == channel.value,
        col(models.Reporter.channel_user_id) == user_id,
    )
    return session.exec(query).first()
