"""After-turn hooks: what a saved turn hands the hooks that add rows in its transaction.

The runner calls them before it commits; casework (escalations) and safety (the quick exit) add
their own rows there, so nothing they queue can be lost or sent before the turn is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from bot.envelopes import Channel
from flows.engine import Turn
from storage import models


@dataclass(frozen=True)
class SavedTurn:
    """What a turn changed, handed to after-turn hooks inside the same transaction."""

    session: Session
    conversation: models.Conversation
    reporter: models.Reporter
    case: models.Case | None
    turn: Turn
    channel: Channel
    at: dt.datetime


AfterTurn = Callable[[SavedTurn], None]
"""A hook that adds its own rows (escalations, alerts) in the turn's transaction."""
