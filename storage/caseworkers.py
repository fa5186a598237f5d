"""Caseworkers, their hashed API tokens, their notes, and stored answers to signed callbacks."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection
from typing import Any

from sqlmodel import Session, col, select

from storage.db import dialect_insert
from storage.escalation_models import ApiToken, CaseNote, Caseworker, InboundCallback
from storage.models import CaseEvent

TOKEN_PREFIX = "suara_"
PREFIX_LENGTH = 12


def hash_token(token: str) -> str:
    """Returns the SHA-256 hex digest a token is stored and found by."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_caseworker(
    *,
    session: Session,
    name: str,
    office: str,
    role: str = "caseworker",
    email: str | None = None,
    password_hash: str | None = None,
) -> Caseworker:
    """Adds a caseworker of an office (with an e-mail when they sign in to the console)."""
    row = Caseworker(name=name, office=office, role=role, email=email, password_hash=password_hash)
    session.add(row)
    session.flush()
    return row


def system_caseworker(*, session: Session, key: str, name: str, office: str) -> Caseworker:
    """Returns the caseworker row standing for a caseworker system, creating it once."""
    session.exec(
        dialect_insert(session, Caseworker)
        .values(name=name, office=office, role="caseworker", locale="id", system_key=key)
        .on_conflict_do_nothing(index_elements=["system_key"])
    )
    return session.exec(select(Caseworker).where(col(Caseworker.system_key) == key)).one()


def issue_token(*, session: Session, caseworker_id: int) -> str:
    """Creates a token for a caseworker and returns it; only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            caseworker_id=caseworker_id, token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH]
        )
    )
    session.flush()
    return token


def caseworker_by_token(*, session: Session, token: str, now: dt.datetime) -> Caseworker | None:
    """Returns the caseworker a live token belongs to, and notes the token's use."""
    query = select(ApiToken, Caseworker).where(
        col(ApiToken.token_hash) == hash_token(token),
        col(ApiToken.revoked_at).is_(None),
        col(ApiToken.caseworker_id) == col(Caseworker.id),
    )
    found = session.exec(query).first()
    if found is None:
        return None
    row, caseworker = found
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
        row.last_used_at = now
        session.add(row)
    return caseworker


def revoke_tokens(*, session: Session, prefix: str, now: dt.datetime) -> int:
    """Revokes a token given whole or by its first 12 characters; counts the tokens revoked."""
    wanted = (
        col(ApiToken.token_hash) == hash_token(prefix)
        if len(prefix) > PREFIX_LENGTH
        else col(ApiToken.prefix) == prefix
    )
    query = select(ApiToken).where(wanted, col(ApiToken.revoked_at).is_(None))
    rows = list(session.exec(query))
    for row in rows:
        row.revoked_at = now
        session.add(row)
    return len(rows)


REPORTER_MESSAGE = "reporter_message"
"""The kind of CaseNote that holds words the reporter sent after the report (no caseworker)."""


def add_note(
    *, session: Session, case_id: int, caseworker_id: int | None, kind: str, text: str
) -> int:
    """Stores a note, reply or reporter message text; returns its id (the timeline refers to it)."""
    row = CaseNote(case_id=case_id, caseworker_id=caseworker_id, kind=kind, text=text)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def notes(*, session: Session, case_id: int) -> list[CaseNote]:
    """Returns a case's notes and replies, oldest first."""
    query = select(CaseNote).where(col(CaseNote.case_id) == case_id).order_by(col(CaseNote.id))
    return list(session.exec(query))


def timeline(*, session: Session, case_id: int) -> list[CaseEvent]:
    """Returns a case's timeline, oldest first."""
    query = select(CaseEvent).where(col(CaseEvent.case_id) == case_id).order_by(col(CaseEvent.id))
    return list(session.exec(query))


def claim_callback(
    *, session: Session, webhook_id: str, endpoint: str, request_sha256: str, now: dt.datetime
) -> InboundCallback | None:
    """Reserves a webhook-id; returns the stored callback when it was already handled."""
    stmt = (
        dialect_insert(session, InboundCallback)
        .values(
            webhook_id=webhook_id,
            endpoint=endpoint,
            received_at=now,
            request_sha256=request_sha256,
            response_status=0,
            response_body={},
        )
        .on_conflict_do_nothing(index_elements=["webhook_id"])
        .returning(col(InboundCallback.webhook_id))
    )
    if session.exec(stmt).scalar_one_or_none() is not None:
        return None
    return session.get(InboundCallback, webhook_id, populate_existing=True)


def answer_callback(
    *, session: Session, webhook_id: str, status: int, body: dict[str, Any]
) -> None:
    """Stores the answer given to a callback, for replays."""
    row = session.get(InboundCallback, webhook_id)
    assert row is not None
    row.response_status, row.response_body = status, body
    session.add(row)


def link_telegram(
    *, session: Session, caseworker_id: int, telegram_user_id: str | None
) -> Caseworker | None:
    """Links a caseworker to a Telegram user (None unlinks); returns it, None when unknown."""
    row = session.get(Caseworker, caseworker_id)
    if row is None or row.system_key is not None:
        return None
    if telegram_user_id is not None:
        taken = select(Caseworker).where(col(Caseworker.telegram_user_id) == telegram_user_id)
        for other in session.exec(taken):
            if other.id != row.id:
                other.telegram_user_id = None
                session.add(other)
        session.flush()
    row.telegram_user_id = telegram_user_id
    session.add(row)
    session.flush()
    return row


def caseworker_by_telegram(*, session: Session, telegram_user_id: str) -> Caseworker | None:
    """Returns the caseworker a Telegram user is linked to, or None."""
    query = select(Caseworker).where(col(Caseworker.telegram_user_id) == telegram_user_id)
    return session.exec(query).first()


def colleagues(*, session: Session, offices: Collection[str]) -> list[tuple[int, str]]:
    """Returns the people (not systems) of the offices who can hold a case: id and name."""
    query = (
        select(Caseworker.id, Caseworker.name)
        .where(
            col(Caseworker.office).in_(offices),
            col(Caseworker.system_key).is_(None),
            col(Caseworker.disabled_at).is_(None),
        )
        .order_by(col(Caseworker.name))
    )
    return [(int(i or 0), str(n)) for i, n in session.exec(query)]
