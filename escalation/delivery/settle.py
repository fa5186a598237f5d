"""Writing what attempts came to: outcomes under the lease, then their effects on escalations."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlmodel import Session

from escalation import deadlines
from escalation.delivery import endpoints
from escalation.delivery.retry import Policy, Verdict
from storage import delivery_claims, escalations
from storage.delivery_claims import Claimed, Settled
from storage.escalation_models import WebhookEndpoint

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    """A finished attempt, waiting to be written."""

    row: Claimed
    settled: Settled
    disable: bool


@dataclass(frozen=True)
class Attempt:
    """What one HTTP attempt gave: status 0 and an error class when no answer came."""

    started: dt.datetime
    duration_ms: int
    status: int
    retry_after: float | None
    excerpt: str | None
    error: str | None


def outcome(
    policy: Policy, row: Claimed, attempt: Attempt, now: dt.datetime
) -> tuple[Settled, Verdict]:
    """Returns what to write for an attempt under the retry policy, and the verdict."""
    if attempt.error == "unsafe_target":
        verdict, delay = Verdict.DEAD, 0.0
    else:
        decision = policy.decide(
            attempts=row.attempts,
            status=attempt.status or None,
            timed_out=attempt.error == "timeout",
            retry_after=attempt.retry_after,
        )
        verdict, delay = decision.verdict, decision.delay
    state = {Verdict.DELIVERED: "delivered", Verdict.RETRY: "pending"}.get(verdict, "dead")
    error = attempt.error
    if error is None and verdict is not Verdict.DELIVERED:
        error = f"http_{attempt.status}"
    settled = Settled(
        delivery_id=row.id,
        attempt_no=row.attempts,
        state=state,
        started_at=attempt.started,
        duration_ms=attempt.duration_ms,
        status_code=attempt.status,
        error_class=error,
        excerpt=attempt.excerpt,
        next_attempt_at=now + dt.timedelta(seconds=delay) if state == "pending" else None,
    )
    return settled, verdict


def settle(
    opener: Callable[[], AbstractContextManager[Session]],
    owner: str,
    batch: list[Result],
    known: dict[int, WebhookEndpoint],
    now: dt.datetime,
) -> list[int]:
    """Writes a batch of outcomes in one transaction; returns the ids of endpoints disabled."""
    disabled = []
    with opener() as session:
        applied = set(
            delivery_claims.settle_deliveries(
                session=session, owner=owner, outcomes=[r.settled for r in batch], now=now
            )
        )
        done = [r for r in batch if r.settled.delivery_id in applied]
        reached = [
            (r.row.escalation_id, r.row.level) for r in done if r.settled.state == "delivered"
        ]
        deadlines.delivered(session, reached, now)
        for result in done:
            if _effects(session, result, known.get(result.row.endpoint_id), now):
                disabled.append(result.row.endpoint_id)
    return disabled


def _effects(
    session: Session, result: Result, endpoint: WebhookEndpoint | None, now: dt.datetime
) -> bool:
    """Applies a dead letter, a 410 or a pause; returns True when the endpoint was disabled."""
    row, state = result.row, result.settled.state
    name = endpoint.name if endpoint else str(row.endpoint_id)
    if result.disable:
        escalations.set_endpoint(
            session=session,
            endpoint_id=row.endpoint_id,
            enabled=False,
            disabled_reason="410 Gone",
            disabled_at=now,
        )
        escalations.drop_disabled(session=session, now=now)
        endpoints.forget_endpoints()
        log.error("endpoint disabled after 410", extra={"endpoint_id": row.endpoint_id})
    if state == "dead":
        reason = "gone" if result.disable else result.settled.error_class or "failed"
        deadlines.dead(session, row.escalation_id, row.level, name, reason, now)
    elif endpoint is not None and endpoint.paused_until and endpoint.paused_until > now:
        escalations.set_endpoint(
            session=session, endpoint_id=row.endpoint_id, paused_until=endpoint.paused_until
        )
    return result.disable
