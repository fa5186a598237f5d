"""A circuit breaker per endpoint: pause a failing endpoint, then probe with one delivery."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Breaker:
    """Opens after many failures in a window; half-opens after the pause; closes on a success."""

    window: dt.timedelta = dt.timedelta(minutes=5)
    pause: dt.timedelta = dt.timedelta(minutes=1)
    max_consecutive: int = 20
    failure_ratio: float = 0.7
    min_samples: int = 10
    consecutive: int = 0
    open_until: dt.datetime | None = None
    probing: bool = False
    outcomes: deque[tuple[dt.datetime, bool]] = field(default_factory=deque)

    def allows(self, now: dt.datetime) -> int | None:
        """Returns how many deliveries may start now (None: no limit from the breaker)."""
        if self.open_until is None:
            return None
        if now < self.open_until or self.probing:
            return 0
        return 1

    def started(self, now: dt.datetime) -> None:
        """Notes that a delivery started; after a pause it is the single probe."""
        if self.open_until is not None and now >= self.open_until:
            self.probing = True

    def record(self, ok: bool, now: dt.datetime) -> dt.datetime | None:
        """Records an outcome; returns the new pause end when the breaker (re)opens."""
        self.outcomes.append((now, ok))
        while self.outcomes and self.outcomes[0][0] < now - self.window:
            self.outcomes.popleft()
        if ok:
            if self.open_until is not None:
                self.outcomes.clear()
            self.consecutive, self.open_until, self.probing = 0, None, False
            return None
        self.consecutive += 1
        failed = sum(1 for _, good in self.outcomes if not good)
        ratio = failed / len(self.outcomes)
        tripped = self.consecutive >= self.max_consecutive or (
            len(self.outcomes) >= self.min_samples and ratio >= self.failure_ratio
        )
        if self.probing or tripped:
            self.open_until, self.probing = now + self.pause, False
            return self.open_until
        return None
