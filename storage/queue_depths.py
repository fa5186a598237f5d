"""How deep every queue is right now: inbox, outbox, timers, webhook deliveries, deadlines.

Counts and ages only, grouped by channel, state, office or level: never a chat id, a case
reference or any text, so that the figures may go to a metrics scrape or a terminal as they are.
Read from the database (not from one process's memory), so they hold for every instance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.escalation_models import Delivery, Escalation, WebhookEndpoint
from storage.models import Conversation, InboundUpdate, OutboxMessage

INBOX_WAITING = ("pending",)
OUTBOX_STATES = ("pending", "sending", "failed", "dead")
DELIVERY_STATES = ("pending", "sending", "dead")
ESCALATION_WAITING = ("open", "delivered", "undeliverable")
"""Escalations nobody has acknowledged yet (escalation.status.WAITING, spelt out: storage
imports nothing of the project)."""


@dataclass(frozen=True)
class Backlog:
    """How many rows wait in one queue of one channel, and how long the oldest has waited."""

    count: int
    oldest_seconds: float


@dataclass(frozen=True)
class QueueDepths:
    """Every queue's depth at one moment."""

    at: dt.datetime
    inbox: dict[str, Backlog] = field(default_factory=dict)
    """Recorded updates not processed yet, by channel (age since received)."""
    outbox: dict[tuple[str, str], int] = field(default_factory=dict)
    """Reporter messages by (channel, status): pending, sending, failed, dead."""
    outbox_oldest: dict[str, float] = field(default_factory=dict)
    """Seconds the oldest due, unsent message of each channel has waited past its due time."""
    timers_due: int = 0
    """Conversations whose reminder or expiry is due now."""
    deliveries: dict[str, int] = field(default_factory=dict)
    """Escalation webhooks by state: pending, sending, dead."""
    deliveries_retrying: int = 0
    """Pending escalation webhooks that failed at least once."""
    breakers_open: int = 0
    """Enabled endpoints paused by their circuit breaker."""
    endpoints_disabled: int = 0
    """Endpoints switched off (a 410, say) until an operator acts."""
    overdue_acknowledgements: dict[tuple[str, int], int] = field(default_factory=dict)
    """Escalations past their acknowledgement deadline, by (office, level)."""


def _age(now: dt.datetime, then: dt.datetime | None) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:  # SQLite hands naive UTC back on some paths
        then = then.replace(tzinfo=dt.UTC)
    return max((now - then).total_seconds(), 0.0)


def queue_depths(*, session: Session, now: dt.datetime) -> QueueDepths:
    """Reads every queue's depth in one session (a handful of grouped counts)."""
    inbox = (
        select(InboundUpdate.channel, func.count(), func.min(InboundUpdate.received_at))
        .where(col(InboundUpdate.status).in_(INBOX_WAITING))
        .group_by(col(InboundUpdate.channel))
    )
    outbox = (
        select(OutboxMessage.channel, OutboxMessage.status, func.count())
        .where(col(OutboxMessage.status).in_(OUTBOX_STATES))
        .group_by(col(OutboxMessage.channel), col(OutboxMessage.status))
    )
    due = (
        select(OutboxMessage.channel, func.min(OutboxMessage.next_attempt_at))
        .where(
            col(OutboxMessage.status).in_(("pending", "sending")),
            col(OutboxMessage.next_attempt_at) <= now,
        )
        .group_by(col(OutboxMessage.channel))
    )
    timers = select(func.count()).where(col(Conversation.next_timer_at) <= now)
    deliveries = (
        select(Delivery.state, func.count())
        .where(col(Delivery.state).in_(DELIVERY_STATES))
        .group_by(col(Delivery.state))
    )
    retrying = select(func.count()).where(col(Delivery.state) == "pending", Delivery.attempts > 0)
    paused = select(func.count()).where(
        col(WebhookEndpoint.enabled).is_(True), col(WebhookEndpoint.paused_until) > now
    )
    disabled = select(func.count()).where(col(WebhookEndpoint.enabled).is_(False))
    late = (
        select(Escalation.office, Escalation.level, func.count())
        .where(col(Escalation.status).in_(ESCALATION_WAITING), col(Escalation.ack_due_at) < now)
        .group_by(col(Escalation.office), col(Escalation.level))
    )
    return QueueDepths(
        at=now,
        inbox={ch: Backlog(n, _age(now, oldest)) for ch, n, oldest in session.exec(inbox)},
        outbox={(ch, status): n for ch, status, n in session.exec(outbox)},
        outbox_oldest={ch: _age(now, oldest) for ch, oldest in session.exec(due)},
        timers_due=session.exec(timers).one(),
        deliveries={state: n for state, n in session.exec(deliveries)},
        deliveries_retrying=session.exec(retrying).one(),
        breakers_open=session.exec(paused).one(),
        endpoints_disabled=session.exec(disabled).one(),
        overdue_acknowledgements={(o, lvl): n for o, lvl, n in session.exec(late)},
    )
