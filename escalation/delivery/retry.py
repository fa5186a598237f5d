"""What to do after an attempt: delivered, retry later (when), dead, or disable the endpoint."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from dataclasses import dataclass
from enum import StrEnum

SCHEDULE: tuple[float, ...] = (
    5,
    30,
    120,
    300,
    900,
    1800,
    3600,
    2 * 3600,
    4 * 3600,
    8 * 3600,
    12 * 3600,
    24 * 3600,
)
"""Seconds after each failure (13 attempts, the last about 52 h after the first)."""

SLOW_DOWN = frozenset({429, 502, 503, 504})
JITTER = 0.2


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"
    DISABLE = "disable"


@dataclass(frozen=True)
class Decision:
    """The outcome of one attempt and, for a retry, the delay in seconds."""

    verdict: Verdict
    delay: float = 0.0


@dataclass(frozen=True)
class Policy:
    """The retry schedule, the slow-down floor and the cap on Retry-After."""

    schedule: tuple[float, ...] = SCHEDULE
    floor: float = 60.0
    retry_after_cap: float = 3600.0

    def decide(
        self,
        *,
        attempts: int,
        status: int | None,
        timed_out: bool = False,
        retry_after: float | None = None,
        rng: random.Random | None = None,
    ) -> Decision:
        """Returns the verdict for an attempt (status None: no HTTP answer at all)."""
        if status is not None and 200 <= status < 300:
            return Decision(Verdict.DELIVERED)
        if status == 410:
            return Decision(Verdict.DISABLE)
        if attempts > len(self.schedule):
            return Decision(Verdict.DEAD)
        jitter = (rng or random).uniform(1 - JITTER, 1 + JITTER)
        delay = self.schedule[attempts - 1] * jitter
        if timed_out or status in SLOW_DOWN:
            if retry_after is not None:
                return Decision(
                    Verdict.RETRY, max(self.floor, min(retry_after, self.retry_after_cap))
                )
            delay = max(self.floor, delay)
        return Decision(Verdict.RETRY, delay)


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Returns Retry-After in seconds (delta or HTTP date), or None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)
