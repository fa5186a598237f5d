"""SQLModel tables of console sign-in: sessions, one-time sign-in links and the account log.

Tokens are stored as SHA-256 hashes only; the account log holds ids and codes, never names.
"""

from datetime import datetime

from sqlmodel import Field

from storage.models import _Row, _utc, _utc_now


class StaffSession(_Row, table=True):
    """A signed-in console session of a caseworker, found by the hash of its cookie."""

    __tablename__ = "staff_session"

    caseworker_id: int = Field(foreign_key="caseworker.id", index=True)
    token_hash: str = Field(unique=True)
    last_seen_at: datetime = _utc_now()
    expires_at: datetime = _utc_now()
    revoked_at: datetime | None = _utc()


class SignInLink(_Row, table=True):
    """A one-time sign-in link printed by the CLI, good until used or expired."""

    __tablename__ = "sign_in_link"

    caseworker_id: int = Field(foreign_key="caseworker.id", index=True)
    token_hash: str = Field(unique=True)
    expires_at: datetime = _utc_now()
    used_at: datetime | None = _utc()


class AccountEvent(_Row, table=True):
    """One entry of the account log: a sign-in, a failure, a lockout, a change, an export."""

    __tablename__ = "account_event"

    type: str = Field(index=True)
    caseworker_id: int | None = Field(default=None, foreign_key="caseworker.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="caseworker.id")
    """Who changed the account (None: the person themselves or the CLI)."""
    at: datetime = _utc_now()
    item_count: int | None = None
    """How many items the entry is about (the rows of a research export), else None."""
