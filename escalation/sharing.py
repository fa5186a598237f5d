"""The seam for the referral gate: the hand-off asks it before anything about a case reaches a
third-party office, and audits through it what it shared.

bot/ passes the implementation to the Desk (bot.casework.referrals.GATE): the gate reads the
reporter's consents, which belong to the conversation, not to the hand-off. Both methods run in
the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from sqlmodel import Session

from storage.models import Case


class SharingGate(Protocol):
    """Decides and audits every automatic share of a case with a third-party office."""

    def gate(self, session: Session, case: Case, recipient: str, now: dt.datetime) -> str | None:
        """Returns why a share may happen, or None when it may not (the refusal is audited)."""
        ...

    def record_share(
        self, session: Session, case: Case, recipient: str, reason: str, basis: str, at: dt.datetime
    ) -> None:
        """Audits one share the hand-off made, with its reason and basis."""
        ...
