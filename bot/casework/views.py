"""Read-only views for the demo pages: a chat's delivered messages, the cases filed so far."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from bot.envelopes import Channel
from bot.whatsapp import window_states
from storage import db, models


@dataclass(frozen=True)
class DeliveredMessage:
    """A message the chat has received, with its outbox id as a cursor."""

    id: int
    payload: dict[str, Any]


def delivered(engine: Engine, channel: Channel, chat_id: str, after: int) -> list[DeliveredMessage]:
    """Returns a chat's sent messages after a cursor, oldest first."""
    query = (
        select(models.OutboxMessage)
        .where(
            col(models.OutboxMessage.channel) == channel.value,
            col(models.OutboxMessage.chat_id) == chat_id,
            col(models.OutboxMessage.status) == "sent",
            col(models.OutboxMessage.id) > after,
        )
        .order_by(col(models.OutboxMessage.id))
    )
    with db.session(engine) as session:
        return [DeliveredMessage(r.id or 0, dict(r.payload)) for r in session.exec(query)]


def cases(engine: Engine, limit: int = 200) -> list[models.Case]:
    """Returns the newest cases first."""
    query = select(models.Case).order_by(col(models.Case.id).desc()).limit(limit)
    with db.session(engine) as session:
        return list(session.exec(query))


def case_with_timeline(
    engine: Engine, reference: str
) -> tuple[models.Case, list[models.CaseEvent], list[models.Attachment]] | None:
    """Returns one case with its audit timeline and evidence, or None."""
    with db.session(engine) as session:
        case = session.exec(
            select(models.Case).where(col(models.Case.reference) == reference)
        ).first()
        if case is None:
            return None
        events = session.exec(
            select(models.CaseEvent)
            .where(col(models.CaseEvent.case_id) == case.id)
            .order_by(col(models.CaseEvent.id))
        )
        files = session.exec(
            select(models.Attachment).where(col(models.Attachment.case_id) == case.id)
        )
        return case, list(events), list(files)


def whatsapp_windows(engine: Engine, cases: list[models.Case]) -> dict[int, str]:
    """Returns, per WhatsApp case id, whether a free-form reply can reach the reporter now."""
    return window_states(engine, cases)
