"""Console accounts as the CLI changes them: add, disable, reset, enrol a second factor.

Every change is audited on the account log; disable and reset end every session of the account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from bot.staff import credentials
from bot.staff.access import Role
from bot.staff.settings import ConsoleSettings
from storage import caseworkers, db, staff
from storage.escalation_models import Caseworker

LINK_PATH = "/console/login/link/"
ADDED, DISABLED, RESET, TOTP_ENROLLED, LOCALE_SET = (
    "account_added",
    "account_disabled",
    "account_reset",
    "totp_enrolled",
    "locale_set",
)


class AccountError(ValueError):
    """An account change that cannot be made; the message is safe to print."""


@dataclass(frozen=True)
class Enrolment:
    """A second factor as shown once: the secret and the URI an authenticator app reads."""

    secret: str
    uri: str


def _account(session: Session, email: str) -> Caseworker:
    """Returns the account of an e-mail or refuses."""
    account = staff.account_by_email(session=session, email=email)
    if account is None:
        raise AccountError(f"no account with e-mail {email}")
    return account


def new_link(
    session: Session, account: Caseworker, settings: ConsoleSettings, now: dt.datetime
) -> str:
    """Stores a one-time sign-in link for an account; returns its path (shown once)."""
    token = credentials.new_token()
    until = now + dt.timedelta(hours=settings.link_hours)
    staff.add_link(
        session=session,
        caseworker_id=account.id or 0,
        token_hash=credentials.digest(token),
        now=now,
        until=until,
    )
    return LINK_PATH + token


def add_account(
    session: Session,
    *,
    email: str,
    office: str,
    role: Role,
    name: str | None,
    password: str | None,
    now: dt.datetime,
) -> Caseworker:
    """Adds an account; refuses an e-mail already taken."""
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError("give an e-mail address")
    if staff.account_by_email(session=session, email=email) is not None:
        raise AccountError(f"an account with e-mail {email} exists")
    account = caseworkers.create_caseworker(
        session=session,
        name=name or email.split("@")[0],
        office=office,
        role=role.value,
        email=email,
        password_hash=credentials.hash_password(password) if password else None,
    )
    staff.add_event(session=session, type=ADDED, caseworker_id=account.id, at=now)
    return account


def disable_account(session: Session, email: str, now: dt.datetime) -> Caseworker:
    """Disables an account and ends its sessions."""
    account = _account(session, email)
    account.disabled_at = now
    session.add(account)
    staff.revoke_sessions(session=session, now=now, caseworker_id=account.id)
    staff.add_event(session=session, type=DISABLED, caseworker_id=account.id, at=now)
    return account


def reset_account(session: Session, email: str, settings: ConsoleSettings, now: dt.datetime) -> str:
    """Ends an account's sessions, forgets its password and returns a new sign-in link."""
    account = _account(session, email)
    account.password_hash, account.locked_until = None, None
    session.add(account)
    staff.revoke_sessions(session=session, now=now, caseworker_id=account.id)
    staff.add_event(session=session, type=RESET, caseworker_id=account.id, at=now)
    return new_link(session, account, settings, now)


def set_locale(engine: Engine, account: Caseworker, locale: str, now: dt.datetime) -> None:
    """Keeps the language a person reads the console in."""
    with db.session(engine) as session:
        row = session.get(Caseworker, account.id)
        if row is not None:
            row.locale = locale
            session.add(row)
            staff.add_event(session=session, type=LOCALE_SET, caseworker_id=row.id, at=now)


def enrol_totp(session: Session, email: str, now: dt.datetime) -> Enrolment:
    """Gives an account a new TOTP secret (replacing any old one); returns it to show once."""
    account = _account(session, email)
    secret = credentials.new_totp_secret()
    account.totp_secret, account.totp_last_step = secret, None
    session.add(account)
    staff.add_event(session=session, type=TOTP_ENROLLED, caseworker_id=account.id, at=now)
    return Enrolment(secret, credentials.provisioning_uri(secret, account.email or ""))
