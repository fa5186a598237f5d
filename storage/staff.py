"""Queries of console sign-in: accounts by e-mail, sessions, sign-in links, the account log."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, func, select, update

from storage.escalation_models import Caseworker
from storage.staff_models import AccountEvent, SignInLink, StaffSession


def account_by_email(*, session: Session, email: str, lock: bool = False) -> Caseworker | None:
    """Returns the caseworker with this e-mail (compared lower-cased), or None; `lock` locks it."""
    query = select(Caseworker).where(col(Caseworker.email) == email.strip().lower())
    return session.exec(query.with_for_update() if lock else query).first()


def admin_exists(*, session: Session) -> bool:
    """Tells whether any console account (enabled or not) has the admin role."""
    query = select(Caseworker.id).where(
        col(Caseworker.role) == "admin",
        col(Caseworker.email).is_not(None),
        col(Caseworker.system_key).is_(None),
    )
    return session.exec(query.limit(1)).first() is not None


def add_event(
    *,
    session: Session,
    type: str,
    caseworker_id: int | None,
    at: dt.datetime,
    actor_id: int | None = None,
    item_count: int | None = None,
) -> None:
    """Appends one entry to the account log."""
    entry = AccountEvent(
        type=type, caseworker_id=caseworker_id, actor_id=actor_id, at=at, item_count=item_count
    )
    session.add(entry)


def count_events(*, session: Session, type: str, caseworker_id: int, since: dt.datetime) -> int:
    """Counts an account's log entries of one type since a moment."""
    query = select(func.count()).where(
        col(AccountEvent.type) == type,
        col(AccountEvent.caseworker_id) == caseworker_id,
        col(AccountEvent.at) > since,
    )
    return int(session.exec(query).one())


def events(*, session: Session, caseworker_id: int) -> list[AccountEvent]:
    """Returns an account's log, oldest first."""
    query = select(AccountEvent).where(col(AccountEvent.caseworker_id) == caseworker_id)
    return list(session.exec(query.order_by(col(AccountEvent.id))))


def add_session(
    *, session: Session, caseworker_id: int, token_hash: str, now: dt.datetime, until: dt.datetime
) -> StaffSession:
    """Stores a new console session."""
    row = StaffSession(
        caseworker_id=caseworker_id, token_hash=token_hash, last_seen_at=now, expires_at=until
    )
    session.add(row)
    session.flush()
    return row


def live_session(
    *, session: Session, token_hash: str, now: dt.datetime, idle_since: dt.datetime
) -> tuple[StaffSession, Caseworker] | None:
    """Returns a session that is neither revoked, expired nor idle, with its enabled account."""
    query = select(StaffSession, Caseworker).where(
        col(StaffSession.token_hash) == token_hash,
        col(StaffSession.revoked_at).is_(None),
        col(StaffSession.expires_at) > now,
        col(StaffSession.last_seen_at) > idle_since,
        col(StaffSession.caseworker_id) == col(Caseworker.id),
        col(Caseworker.disabled_at).is_(None),
    )
    found = session.exec(query).first()
    return (found[0], found[1]) if found else None


def revoke_sessions(
    *, session: Session, now: dt.datetime, caseworker_id: int | None = None, token_hash: str = ""
) -> int:
    """Revokes one session by its hash, or every live session of an account; counts them."""
    wanted = (
        col(StaffSession.caseworker_id) == caseworker_id
        if caseworker_id is not None
        else col(StaffSession.token_hash) == token_hash
    )
    stmt = (
        update(StaffSession)
        .where(wanted, col(StaffSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(session.exec(stmt).rowcount)


def add_link(
    *, session: Session, caseworker_id: int, token_hash: str, now: dt.datetime, until: dt.datetime
) -> None:
    """Stores a one-time sign-in link; the account's older unused links stop working."""
    session.exec(
        update(SignInLink)
        .where(col(SignInLink.caseworker_id) == caseworker_id, col(SignInLink.used_at).is_(None))
        .values(used_at=now)
    )
    session.add(SignInLink(caseworker_id=caseworker_id, token_hash=token_hash, expires_at=until))
    session.flush()


def open_link(*, session: Session, token_hash: str, now: dt.datetime) -> SignInLink | None:
    """Returns an unused, unexpired sign-in link, locked for the caller's transaction."""
    query = select(SignInLink).where(
        col(SignInLink.token_hash) == token_hash,
        col(SignInLink.used_at).is_(None),
        col(SignInLink.expires_at) > now,
    )
    return session.exec(query.with_for_update()).first()
