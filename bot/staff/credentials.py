"""Passwords (argon2), TOTP codes (pyotp) and the random tokens of sessions and links."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ISSUER = "Suara console"
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# A hash to check against when the account is unknown, so that both cases take as long.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Returns the argon2 hash of a password."""
    return _hasher.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Tells whether a password matches a stored hash (None: checks a dummy, answers False)."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Tells whether a hash was made with other parameters than today's."""
    return _hasher.check_needs_rehash(stored)


def new_token() -> str:
    """Returns a random token for a cookie or a link."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """Returns the SHA-256 hex digest a token is stored and found by."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(session_token: str) -> str:
    """Returns the CSRF token of a session, derived from its cookie (never stored)."""
    return hmac.new(session_token.encode(), b"console-csrf", hashlib.sha256).hexdigest()


def same(given: str | None, expected: str) -> bool:
    """Compares two tokens in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def new_totp_secret() -> str:
    """Returns a fresh base32 TOTP secret."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """Returns the otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def totp_step(secret: str, code: str, now: dt.datetime, after: int | None) -> int | None:
    """Returns the time step a code is good for (one step either side), if later than `after`."""
    totp = pyotp.TOTP(secret)
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    for drift in (-1, 0, 1):
        at = now + dt.timedelta(seconds=drift * totp.interval)
        step = totp.timecode(at)
        if (after is None or step > after) and hmac.compare_digest(totp.at(at), code):
            return step
    return None
