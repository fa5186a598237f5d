"""Sign-in throttling: failures per address in this process, lockout per account in the database."""

from __future__ import annotations

import datetime as dt
from collections import deque

from sqlmodel import Session

from bot.staff.settings import ConsoleSettings
from storage import staff
from storage.escalation_models import Caseworker

FAILED, LOCKED = "sign_in_failed", "account_locked"


class AddressThrottle:
    """Counts failed sign-ins per client address over a sliding window."""

    def __init__(self, limit: int, window: dt.timedelta) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[dt.datetime]] = {}

    def _recent(self, address: str, now: dt.datetime) -> deque[dt.datetime]:
        seen = self._failures.setdefault(address, deque())
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if not seen:
            del self._failures[address]
        return seen

    def blocked(self, address: str, now: dt.datetime) -> bool:
        """Tells whether an address has failed too often lately."""
        return len(self._recent(address, now)) >= self.limit

    def failed(self, address: str, now: dt.datetime) -> None:
        """Notes one failed sign-in from an address."""
        self._recent(address, now)
        self._failures.setdefault(address, deque()).append(now)


def is_locked(account: Caseworker, now: dt.datetime) -> bool:
    """Tells whether an account is locked out right now."""
    return account.locked_until is not None and account.locked_until > now


def note_failure(
    session: Session, account: Caseworker, settings: ConsoleSettings, now: dt.datetime
) -> None:
    """Audits a failed sign-in and locks the account when it failed too often in the window."""
    staff.add_event(session=session, type=FAILED, caseworker_id=account.id, at=now)
    session.flush()
    window = dt.timedelta(minutes=settings.lockout_minutes)
    since = max(now - window, account.locked_until or now - window)
    failures = staff.count_events(
        session=session, type=FAILED, caseworker_id=account.id or 0, since=since
    )
    if failures >= settings.lockout_failures:
        account.locked_until = now + window
        session.add(account)
        staff.add_event(session=session, type=LOCKED, caseworker_id=account.id, at=now)
