"""Console sessions: opened at sign-in, found by their cookie's hash, idle and absolute expiry."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlmodel import Session

from bot.staff.credentials import digest, new_token
from bot.staff.settings import ConsoleSettings
from storage import db, staff
from storage.escalation_models import Caseworker

SIGNED_OUT = "signed_out"
TOUCH_EVERY = dt.timedelta(minutes=1)


def open_session(
    session: Session, account: Caseworker, settings: ConsoleSettings, now: dt.datetime
) -> str:
    """Opens a session for an account and returns its cookie token (only its hash is kept)."""
    token = new_token()
    until = now + dt.timedelta(hours=settings.session_max_hours)
    staff.add_session(
        session=session,
        caseworker_id=account.id or 0,
        token_hash=digest(token),
        now=now,
        until=until,
    )
    return token


def current(
    engine: Engine, token: str, settings: ConsoleSettings, now: dt.datetime
) -> Caseworker | None:
    """Returns the account of a live session and notes its use; None when it is over."""
    idle_since = now - dt.timedelta(minutes=settings.session_idle_minutes)
    with db.session(engine) as session:
        found = staff.live_session(
            session=session, token_hash=digest(token), now=now, idle_since=idle_since
        )
        if found is None:
            return None
        row, account = found
        if now - row.last_seen_at > TOUCH_EVERY:
            row.last_seen_at = now
            session.add(row)
        return account


def close(engine: Engine, token: str, account: Caseworker, now: dt.datetime) -> None:
    """Ends one session and audits the sign-out."""
    with db.session(engine) as session:
        staff.revoke_sessions(session=session, now=now, token_hash=digest(token))
        staff.add_event(session=session, type=SIGNED_OUT, caseworker_id=account.id, at=now)
