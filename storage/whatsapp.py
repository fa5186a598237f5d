"""WhatsApp rows: who a chat is (phone wa_id and/or BSUID), templates sent, delivery statuses.

A chat keeps the id it was first seen with, so a reporter who later hides their number behind a
username (business-scoped user id only) stays in the same conversation. Statuses arrive in any
order: each one fills its own timestamp and the row's status only moves forward.
"""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, update
from sqlmodel import Field, Session, col, or_, select

from storage.crypto import SealedText
from storage.db import dialect_insert
from storage.models import OutboxMessage, Reporter, _Row, _utc, _utc_now

STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "played": 3, "failed": 4}
"""How far a message got; a later webhook never moves a row back (failed is final)."""

HELD = "outside_window"
"""The outbox error of a message held back because the 24-hour window was closed."""

RELEASED = "outside_window:released"
"""The outbox error of a held message queued again after the reporter wrote back."""


class WhatsAppContact(_Row, table=True):
    """One WhatsApp chat: its stable id, the phone and business-scoped ids seen for it."""

    __tablename__ = "whatsapp_contact"

    chat_id: str = Field(unique=True, sa_type=SealedText)
    wa_id: str | None = Field(default=None, index=True, sa_type=SealedText)
    bsuid: str | None = Field(default=None, unique=True, sa_type=SealedText)
    template_sent_at: datetime | None = _utc()
    updated_at: datetime = _utc_now(on_update=True)


class WhatsAppDelivery(_Row, table=True):
    """What WhatsApp reported about one message Suara sent (keyed by its wamid)."""

    __tablename__ = "whatsapp_delivery"

    wamid: str = Field(unique=True)
    chat_id: str | None = Field(default=None, sa_type=SealedText)
    status: str = "accepted"
    sent_at: datetime | None = _utc()
    delivered_at: datetime | None = _utc()
    read_at: datetime | None = _utc()
    failed_at: datetime | None = _utc()
    error_code: int | None = None
    error_title: str | None = None
    updated_at: datetime = _utc_now(on_update=True)


def resolve_chat(*, session: Session, wa_id: str | None, bsuid: str | None) -> WhatsAppContact:
    """Return the chat of a sender, creating it (keyed by wa_id, else BSUID) on first sight."""
    if not wa_id and not bsuid:
        raise ValueError("a WhatsApp sender needs a wa_id or a business-scoped user id")
    found = _find_contact(session, wa_id, bsuid)
    if found is None:
        stmt = (
            dialect_insert(session, WhatsAppContact)
            .values(chat_id=new_chat_id(wa_id, bsuid), wa_id=wa_id, bsuid=bsuid)
            .on_conflict_do_nothing()
        )
        session.exec(stmt)
        found = _find_contact(session, wa_id, bsuid)
        assert found is not None, "inserted or found by a concurrent writer"
    if _learns(found, wa_id, bsuid):
        found.wa_id, found.bsuid = found.wa_id or wa_id, found.bsuid or bsuid
        session.add(found)
        session.flush()
    return found


def new_chat_id(wa_id: str | None, bsuid: str | None) -> str:
    """The id a sender's chat gets when first seen: its phone wa_id, else its BSUID."""
    return wa_id or bsuid or ""


def _learns(found: WhatsAppContact, wa_id: str | None, bsuid: str | None) -> bool:
    """Whether a sender brings an id its chat has not recorded yet."""
    return bool((wa_id and not found.wa_id) or (bsuid and not found.bsuid))


def _find_contact(session: Session, wa_id: str | None, bsuid: str | None) -> WhatsAppContact | None:
    """Find a chat by BSUID first (stable), then by phone wa_id."""
    rows = list(session.exec(select(WhatsAppContact).where(_matching({wa_id}, {bsuid}))))
    return _best(rows, wa_id, bsuid)


def _matching(wa_ids: Collection[str | None], bsuids: Collection[str | None]) -> Any:
    """The condition for the chats of any of these phone ids or business-scoped ids."""
    phones, scoped = [w for w in wa_ids if w], [b for b in bsuids if b]
    clauses = [col(WhatsAppContact.bsuid).in_(scoped)] if scoped else []
    if phones:
        clauses += [col(WhatsAppContact.wa_id).in_(phones)]
        clauses += [col(WhatsAppContact.chat_id).in_(phones)]
    return or_(*clauses)


def _best(
    rows: Sequence[WhatsAppContact], wa_id: str | None, bsuid: str | None
) -> WhatsAppContact | None:
    """The chat a sender belongs to: the one with its BSUID, else the first with its phone."""
    by_bsuid = [r for r in rows if bsuid and r.bsuid == bsuid]
    by_phone = [r for r in rows if wa_id and wa_id in (r.wa_id, r.chat_id)]
    ranked = by_bsuid or sorted(by_phone, key=lambda r: r.id or 0)
    return ranked[0] if ranked else None


Sender = tuple[str | None, str | None]
"""A message's sender as WhatsApp names it: (phone wa_id, business-scoped user id)."""


def chats_seen(
    *, session: Session, senders: Collection[Sender]
) -> dict[Sender, tuple[str, datetime | None]]:
    """Return, in one query, the chat and recorded window end of each sender seen before.

    A sender whose chat lacks one of its ids gets no window: `resolve_chat` must record that id.
    """
    if not any(w or b for w, b in senders):
        return {}
    reporter = and_(
        col(Reporter.channel) == "whatsapp",
        col(Reporter.channel_user_id) == col(WhatsAppContact.chat_id),
    )
    query = (
        select(WhatsAppContact, Reporter.wa_window_until)
        .outerjoin(Reporter, reporter)
        .where(_matching({w for w, _ in senders}, {b for _, b in senders}))
    )
    rows = list(session.exec(query))
    windows = {contact.chat_id: until for contact, until in rows}
    seen = {}
    for wa_id, bsuid in senders:
        found = _best([contact for contact, _ in rows], wa_id, bsuid)
        if found is not None:
            learns = _learns(found, wa_id, bsuid)
            seen[(wa_id, bsuid)] = (found.chat_id, None if learns else windows[found.chat_id])
    return seen


def get_contact(*, session: Session, chat_id: str) -> WhatsAppContact | None:
    """Return a chat by its id, or None."""
    query = select(WhatsAppContact).where(col(WhatsAppContact.chat_id) == chat_id)
    return session.exec(query).first()


def claim_template(
    *, session: Session, chat_id: str, since: datetime | None, now: datetime
) -> bool:
    """Mark the re-engagement template sent unless one went out after `since`; True if marked."""
    stmt = (
        dialect_insert(session, WhatsAppContact)
        .values(chat_id=chat_id)
        .on_conflict_do_nothing(index_elements=["chat_id"])
    )
    session.exec(stmt)
    sent_at = col(WhatsAppContact.template_sent_at)
    condition = sent_at.is_(None) if since is None else or_(sent_at.is_(None), sent_at < since)
    claimed = session.exec(
        update(WhatsAppContact)
        .where(col(WhatsAppContact.chat_id) == chat_id, condition)
        .values(template_sent_at=now, updated_at=now)
        .returning(col(WhatsAppContact.id))
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return claimed is not None


def release_template(*, session: Session, chat_id: str) -> None:
    """Forget a template claim whose send failed, so that the next attempt may send it."""
    session.exec(
        update(WhatsAppContact)
        .where(col(WhatsAppContact.chat_id) == chat_id)
        .values(template_sent_at=None)
        .execution_options(synchronize_session=False)
    )


def apply_status(
    *,
    session: Session,
    wamid: str,
    chat_id: str | None,
    status: str,
    at: datetime,
    error_code: int | None = None,
    error_title: str | None = None,
) -> WhatsAppDelivery:
    """Record one status of a sent message; statuses may come in any order or twice."""
    stmt = (
        dialect_insert(session, WhatsAppDelivery)
        .values(wamid=wamid, chat_id=chat_id)
        .on_conflict_do_nothing(index_elements=["wamid"])
    )
    session.exec(stmt)
    query = select(WhatsAppDelivery).where(col(WhatsAppDelivery.wamid) == wamid).with_for_update()
    row = session.exec(query.execution_options(populate_existing=True)).one()
    column = {"sent": "sent_at", "delivered": "delivered_at", "read": "read_at"}.get(status)
    if status == "played":
        column = "read_at"
    if status == "failed":
        column = "failed_at"
        row.error_code, row.error_title = error_code, error_title
    if column and getattr(row, column) is None:
        setattr(row, column, at)
    if STATUS_RANK.get(status, -1) > STATUS_RANK.get(row.status, -1):
        row.status = status
    row.chat_id = row.chat_id or chat_id
    session.add(row)
    session.flush()
    return row


def outbox_by_external_id(*, session: Session, external_id: str) -> OutboxMessage | None:
    """Return the outbox row whose channel message id is `external_id`, or None."""
    query = select(OutboxMessage).where(
        col(OutboxMessage.channel) == "whatsapp", col(OutboxMessage.external_id) == external_id
    )
    return session.exec(query).first()


def deliveries(*, session: Session, wamids: list[str]) -> list[WhatsAppDelivery]:
    """Return the delivery rows of the given message ids."""
    if not wamids:
        return []
    query = select(WhatsAppDelivery).where(col(WhatsAppDelivery.wamid).in_(wamids))
    return list(session.exec(query))


def held_messages(*, session: Session, chat_id: str, since: datetime) -> list[OutboxMessage]:
    """Return a chat's messages held back by a closed window since a moment, oldest first."""
    query = (
        select(OutboxMessage)
        .where(
            col(OutboxMessage.channel) == "whatsapp",
            col(OutboxMessage.chat_id) == chat_id,
            col(OutboxMessage.status) == "failed",
            col(OutboxMessage.error) == HELD,
            col(OutboxMessage.created_at) >= since,
        )
        .order_by(col(OutboxMessage.id))
        .with_for_update()
    )
    return list(session.exec(query))
