"""Signing in to the console: by password or one-time link, the second factor, throttling, audit.

Unknown e-mail, wrong password and wrong code get the same answer (Refusal.WRONG).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Engine
from sqlmodel import Session

from bot.staff import credentials
from bot.staff.access import Role, role_of
from bot.staff.sessions import open_session
from bot.staff.settings import ConsoleSettings
from bot.staff.throttle import FAILED, AddressThrottle, is_locked, note_failure
from storage import db, staff
from storage.escalation_models import Caseworker
from storage.types import utcnow

SIGNED_IN, LINK_USED, NO_SECOND_FACTOR = (
    "signed_in",
    "sign_in_link_used",
    "sign_in_refused_without_totp",
)


class Refusal(StrEnum):
    """Why a sign-in was refused, as the page tells it."""

    WRONG = "wrong"
    THROTTLED = "throttled"
    NEEDS_TOTP = "needs_totp"
    BAD_LINK = "bad_link"
    SHORT_PASSWORD = "short_password"


class SignIn:
    """Checks sign-ins and opens sessions; keeps the per-address failure counts of this process."""

    def __init__(self, engine: Engine, settings: ConsoleSettings) -> None:
        self.engine, self.settings = engine, settings
        window = dt.timedelta(minutes=settings.lockout_minutes)
        self.addresses = AddressThrottle(settings.ip_failures, window)

    def with_password(self, email: str, password: str, code: str, address: str) -> str | Refusal:
        """Returns a session token for a good e-mail, password (and code), or why not."""
        now = utcnow()
        if self.addresses.blocked(address, now):
            return Refusal.THROTTLED
        with db.session(self.engine) as session:
            # Locked, so that one TOTP code cannot sign in twice at the same moment.
            account = staff.account_by_email(session=session, email=email, lock=True)
            if account is not None and is_locked(account, now):
                return Refusal.THROTTLED
            usable = account if account is not None and account.disabled_at is None else None
            good = credentials.check_password(usable.password_hash if usable else None, password)
            if not good or account is None:
                return self._failed(session, account, address, now)
            refused = self._second_factor(session, account, code, address, now)
            if refused is not None:
                return refused
            if account.password_hash and credentials.needs_rehash(account.password_hash):
                account.password_hash = credentials.hash_password(password)
            return self._opened(session, account, SIGNED_IN, now)

    def link_account(self, token: str) -> Caseworker | None:
        """Returns the account a sign-in link is good for, without using it."""
        with db.session(self.engine) as session:
            link = staff.open_link(
                session=session, token_hash=credentials.digest(token), now=utcnow()
            )
            account = session.get(Caseworker, link.caseworker_id) if link else None
            return account if account and account.disabled_at is None else None

    def with_link(self, token: str, password: str, code: str, address: str) -> str | Refusal:
        """Uses a one-time link: sets the chosen password and returns a session token."""
        now = utcnow()
        if self.addresses.blocked(address, now):
            return Refusal.THROTTLED
        if len(password) < credentials.MIN_PASSWORD:
            return Refusal.SHORT_PASSWORD
        with db.session(self.engine) as session:
            link = staff.open_link(session=session, token_hash=credentials.digest(token), now=now)
            account = session.get(Caseworker, link.caseworker_id) if link else None
            if link is None or account is None or account.disabled_at is not None:
                self.addresses.failed(address, now)
                return Refusal.BAD_LINK
            refused = self._second_factor(session, account, code, address, now)
            if refused is not None:
                return refused
            link.used_at = now
            account.password_hash = credentials.hash_password(password)
            session.add(link)
            return self._opened(session, account, LINK_USED, now)

    def _second_factor(
        self, session: Session, account: Caseworker, code: str, address: str, now: dt.datetime
    ) -> Refusal | None:
        """Checks the TOTP code of an enrolled account; an admin without one is refused."""
        if account.totp_secret is None:
            if role_of(account) is not Role.ADMIN:
                return None
            staff.add_event(
                session=session, type=NO_SECOND_FACTOR, caseworker_id=account.id, at=now
            )
            return Refusal.NEEDS_TOTP
        step = credentials.totp_step(account.totp_secret, code, now, account.totp_last_step)
        if step is None:
            return self._failed(session, account, address, now)
        account.totp_last_step = step
        return None

    def _failed(
        self, session: Session, account: Caseworker | None, address: str, now: dt.datetime
    ) -> Refusal:
        """Counts and audits a failure (the account's when there is one)."""
        self.addresses.failed(address, now)
        if account is not None:
            note_failure(session, account, self.settings, now)
        else:
            staff.add_event(session=session, type=FAILED, caseworker_id=None, at=now)
        return Refusal.WRONG

    def _opened(self, session: Session, account: Caseworker, kind: str, now: dt.datetime) -> str:
        """Opens the session and audits the sign-in."""
        account.locked_until = None
        session.add(account)
        staff.add_event(session=session, type=kind, caseworker_id=account.id, at=now)
        return open_session(session, account, self.settings, now)
