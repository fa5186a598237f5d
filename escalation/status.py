"""Escalation statuses and the table of allowed transitions; every verb checks it."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    DELIVERED = "delivered"
    UNDELIVERABLE = "undeliverable"
    ACKNOWLEDGED = "acknowledged"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


ALLOWED: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset(
        {Status.DELIVERED, Status.UNDELIVERABLE, Status.ACKNOWLEDGED, Status.CLAIMED}
        | {Status.CANCELLED}
    ),
    Status.DELIVERED: frozenset(
        {Status.OPEN, Status.ACKNOWLEDGED, Status.CLAIMED, Status.CANCELLED}
    ),
    Status.UNDELIVERABLE: frozenset(
        {Status.OPEN, Status.DELIVERED, Status.ACKNOWLEDGED, Status.CLAIMED, Status.CANCELLED}
    ),
    Status.ACKNOWLEDGED: frozenset({Status.CLAIMED, Status.CANCELLED}),
    Status.CLAIMED: frozenset({Status.ACKNOWLEDGED, Status.RESOLVED, Status.CANCELLED}),
    Status.RESOLVED: frozenset({Status.OPEN}),
    Status.CANCELLED: frozenset({Status.OPEN}),
}
"""Where each status may go next; OPEN from DELIVERED or UNDELIVERABLE is a re-escalation."""

WAITING = frozenset({Status.OPEN, Status.DELIVERED, Status.UNDELIVERABLE})
"""Nobody has acknowledged yet: the acknowledgement clock runs and re-escalation may fire."""

HELD = frozenset({Status.ACKNOWLEDGED, Status.CLAIMED})
"""A person holds the case: the reporter's messages go to them."""

CLOSED = frozenset({Status.RESOLVED, Status.CANCELLED})


class InvalidTransition(Exception):
    """A verb asked for a move the table does not allow (answered with 409)."""

    def __init__(self, current: Status, wanted: Status) -> None:
        super().__init__(f"cannot go from {current} to {wanted}")
        self.current, self.wanted = current, wanted


def can(current: Status, wanted: Status) -> bool:
    """Returns whether the table allows current -> wanted."""
    return wanted in ALLOWED[current]


def check(current: Status | str, wanted: Status) -> Status:
    """Returns wanted when current -> wanted is allowed; raises InvalidTransition otherwise."""
    now = Status(current)
    if not can(now, wanted):
        raise InvalidTransition(now, wanted)
    return wanted
