"""The demo's console accounts: made from one demo secret, so every start prints the same sign-in.

The passwords and the admin's TOTP secret are derived from a secret kept in a file beside the
demo database (mode 0600); an account that drifted from them is put back, and audited.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from bot.staff import credentials
from bot.staff.access import Role
from bot.staff.accounts import TOTP_ENROLLED, add_account
from storage import staff
from storage.escalation_models import Caseworker

ADMIN_EMAIL = "admin@demo.suara.local"
CASEWORKER_EMAIL = "jember@demo.suara.local"
RESTORED = "demo_account_restored"


@dataclass(frozen=True)
class DemoAccount:
    """One demo account as the demo prints it."""

    email: str
    role: Role
    office: str
    password: str
    totp_secret: str | None = None

    @property
    def totp_uri(self) -> str | None:
        """Returns the otpauth:// URI of the second factor, if it has one."""
        if self.totp_secret is None:
            return None
        return credentials.provisioning_uri(self.totp_secret, self.email)


def demo_secret(path: Path) -> bytes:
    """Returns the demo secret kept in path, creating the file (mode 0600) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another start made it first
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip().encode()


def _derived(secret: bytes, purpose: str, email: str) -> bytes:
    return hmac.new(secret, f"{purpose}:{email}".encode(), hashlib.sha256).digest()


def demo_accounts(secret: bytes, admin_office: str, branch_office: str) -> tuple[DemoAccount, ...]:
    """Returns the demo admin (with a second factor) and the branch caseworker."""

    def password(email: str) -> str:
        return base64.urlsafe_b64encode(_derived(secret, "password", email)[:15]).decode()

    totp = base64.b32encode(_derived(secret, "totp", ADMIN_EMAIL)[:20]).decode()
    return (
        DemoAccount(ADMIN_EMAIL, Role.ADMIN, admin_office, password(ADMIN_EMAIL), totp),
        DemoAccount(CASEWORKER_EMAIL, Role.CASEWORKER, branch_office, password(CASEWORKER_EMAIL)),
    )


def ensure(session: Session, wanted: DemoAccount, now: dt.datetime) -> Caseworker:
    """Adds a demo account, or puts it back as wanted; changes nothing when it already is."""
    account = staff.account_by_email(session=session, email=wanted.email)
    if account is None:
        account = add_account(
            session,
            email=wanted.email,
            office=wanted.office,
            role=wanted.role,
            name=None,
            password=wanted.password,
            now=now,
        )
    elif _drifted(account, wanted):
        account.office, account.role, account.disabled_at = wanted.office, wanted.role, None
        account.password_hash = credentials.hash_password(wanted.password)
        session.add(account)
        staff.add_event(session=session, type=RESTORED, caseworker_id=account.id, at=now)
    if wanted.totp_secret is not None and account.totp_secret != wanted.totp_secret:
        account.totp_secret, account.totp_last_step = wanted.totp_secret, None
        session.add(account)
        staff.add_event(session=session, type=TOTP_ENROLLED, caseworker_id=account.id, at=now)
    return account


def _drifted(account: Caseworker, wanted: DemoAccount) -> bool:
    """Tells whether an account no longer signs in as the demo prints it."""
    return (
        (account.office, account.role) != (wanted.office, wanted.role.value)
        or account.disabled_at is not None
        or not credentials.check_password(account.password_hash, wanted.password)
    )
