"""Row-level purges for erasure and retention: each deletes or blanks one kind of row, in place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.escalation_models import CaseNote, Delivery, DeliveryAttempt, Escalation
from storage.models import Attachment, Conversation, InboundUpdate, OutboxMessage
from storage.safety_models import ChatMessage
from storage.whatsapp import WhatsAppContact, WhatsAppDelivery


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def purge_chat_rows(session: Session, conversation: Conversation) -> dict[str, int]:
    """Deletes a chat's inbox updates, outbox messages and message ids; returns counts."""
    channel, chat = conversation.channel, conversation.chat_id
    counts = {
        "inbound_update": _count(
            session.exec(
                delete(InboundUpdate).where(
                    col(InboundUpdate.channel) == channel, col(InboundUpdate.chat_id) == chat
                )
            )
        ),
        "chat_message": _count(
            session.exec(
                delete(ChatMessage).where(
                    col(ChatMessage.channel) == channel, col(ChatMessage.chat_id) == chat
                )
            )
        ),
    }
    mine = (col(OutboxMessage.channel) == channel) & (col(OutboxMessage.chat_id) == chat)
    mine = mine | (col(OutboxMessage.conversation_id) == conversation.id)
    session.exec(  # a row being sent now stays, emptied, so that its sender can settle it
        update(OutboxMessage)
        .where(mine, col(OutboxMessage.status) == "sending")
        .values(payload={"text": "", "locale": "id"})
        .execution_options(synchronize_session=False)
    )
    counts["outbox_message"] = _count(
        session.exec(delete(OutboxMessage).where(mine, col(OutboxMessage.status) != "sending"))
    )
    return counts


def purge_whatsapp_rows(session: Session, chat_id: str, *, contact: bool) -> int:
    """Deletes WhatsApp delivery reports of a chat (and its contact row); returns how many."""
    found = _count(
        session.exec(delete(WhatsAppDelivery).where(col(WhatsAppDelivery.chat_id) == chat_id))
    )
    if contact:
        found += _count(
            session.exec(delete(WhatsAppContact).where(col(WhatsAppContact.chat_id) == chat_id))
        )
    return found


def attachments_of(session: Session, case_id: int, conversation_id: int) -> list[Attachment]:
    """Returns the attachments of a case and of its conversation."""
    query = select(Attachment).where(
        (col(Attachment.case_id) == case_id) | (col(Attachment.conversation_id) == conversation_id)
    )
    return list(session.exec(query))


def path_still_used(session: Session, path: str, keep: set[int]) -> bool:
    """Returns whether an attachment outside `keep` still points at a stored file."""
    query = select(col(Attachment.id)).where(
        (col(Attachment.path) == path) | (col(Attachment.clean_path) == path),
        col(Attachment.id).not_in(keep),
    )
    return session.exec(query.limit(1)).first() is not None


def blank_attachment(row: Attachment, status: str) -> None:
    """Forgets where an attachment's files were and what they held, its caption and any shared
    contact or place (changes the row)."""
    row.path = row.clean_path = row.sha256 = row.clean_sha256 = row.external_ref = None
    row.caption = row.shared = None
    row.status = status


def purge_escalation_texts(session: Session, case_id: int) -> int:
    """Deletes a case's notes and blanks its escalation's texts and receivers' answers."""
    notes = _count(session.exec(delete(CaseNote).where(col(CaseNote.case_id) == case_id)))
    escalation = session.exec(select(Escalation).where(col(Escalation.case_id) == case_id)).first()
    if escalation is None:
        return notes
    escalation.resolution = None
    deliveries = select(col(Delivery.id)).where(col(Delivery.escalation_id) == escalation.id)
    session.exec(
        update(DeliveryAttempt)
        .where(col(DeliveryAttempt.delivery_id).in_(deliveries))
        .values(response_excerpt=None)
        .execution_options(synchronize_session=False)
    )
    return notes  # webhook payloads stay: thin by design (codes and the reference), replayable


def purge_chat_messages_before(session: Session, before: datetime) -> int:
    """Deletes recorded chat message ids older than a moment; returns how many."""
    return _count(session.exec(delete(ChatMessage).where(col(ChatMessage.at) < before)))
