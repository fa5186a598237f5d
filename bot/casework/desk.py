"""The hand-off wired into the bot: the after-turn hook, the office desk, dispatcher and sweep."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import Engine

from bot.casework import referrals
from bot.casework.group_alerts import group_alerts
from bot.casework.rights import overdue
from bot.hooks import SavedTurn
from bot.i18n import Catalogs
from bot.settings import Settings
from escalation import offices, service
from escalation.delivery.dispatcher import Dispatcher, Tuning
from escalation.delivery.retry import Policy
from escalation.delivery.signing import new_secret
from escalation.desk import Desk
from escalation.offices import Endpoint
from escalation.sweeper import Sweeper
from flows.routing import Office
from flows.triage import RESPONSE_TARGETS
from flows.vocabulary import Event, EventName, Urgency
from storage.types import utcnow

log = logging.getLogger(__name__)

DEMO_INBOX = "demo-inbox"
DEMO_INBOX_PATH = "/demo/inbox/webhook"
URGENT = frozenset({Urgency.P0.value, Urgency.P1.value})

SWEEPS = (overdue.sweep,)
"""What the escalation sweep checks besides deadlines: data-rights requests past 48 hours."""


def triggers(events: Iterable[Event]) -> list[str]:
    """Returns, in order, what a turn's events ask of the hand-off."""
    found = []
    for event in events:
        if event.name is EventName.CASE_SUBMITTED:
            found.append("case_submitted")
        elif event.name is EventName.HANDOVER_REQUESTED:
            found.append("handover_requested")
        elif event.name is EventName.EMERGENCY_OPENED or (
            event.name is EventName.URGENCY_RAISED and event.data.get("to_level") in URGENT
        ):
            found.append("urgent")
        elif event.name in (EventName.EVIDENCE_ADDED, EventName.FOLLOW_UP_RECEIVED):
            found.append(service.UPDATE)
    return found


def _extra_endpoints(settings: Settings, allow_private: bool) -> list[Endpoint]:
    found = []
    secret = settings.escalation.webhook_secret
    if settings.escalation.webhook_url and secret is not None:
        found.append(
            offices.catch_all(
                "default",
                settings.escalation.webhook_url,
                secret.get_secret_value(),
                allow_private=allow_private,
            )
        )
    if settings.demo.enabled and not found:
        url = settings.server.public_base_url.rstrip("/") + DEMO_INBOX_PATH
        found.append(offices.catch_all(DEMO_INBOX, url, new_secret(), allow_private=True))
    return found


def build_desk(settings: Settings) -> Desk:
    """Reads the office config (plus the one-endpoint and demo cases) into a desk."""
    allow_private = settings.escalation.allow_private_targets or settings.demo.enabled
    directory = offices.load(
        settings.escalation.offices_file,
        allow_private=allow_private,
        extra=_extra_endpoints(settings, allow_private),
    )
    unknown = set(directory.offices) - {o.value for o in Office}
    if unknown:
        raise offices.ConfigError(f"unknown offices in the config: {sorted(unknown)}")
    respond = {urgency.value: delta for urgency, delta in RESPONSE_TARGETS.items()}
    groups = group_alerts(Catalogs(), directory, settings.escalation.offices_file)
    return Desk(
        directory=directory,
        sharing=referrals.GATE,
        base_url=settings.server.public_base_url,
        respond=respond,
        alerts=(groups,),
    )


class EscalationHook:
    """Opens or updates the case's escalation in the turn's own transaction."""

    def __init__(self, settings: Settings, desk: Desk | None = None) -> None:
        self.settings = settings
        self.desk = desk or build_desk(settings)

    def __call__(self, saved: SavedTurn) -> None:
        """Runs after the runner saved a turn, before it commits."""
        if saved.case is None:
            return
        wanted = triggers(saved.turn.events)
        if not wanted:
            return
        saved.session.add(saved.case)
        saved.session.flush()
        now = utcnow()  # the wall clock: a turn's own time may lie in the past or the future
        for trigger in wanted:
            service.open_or_update(saved.session, self.desk, saved.case, trigger, now)


def hook(settings: Settings) -> EscalationHook:
    """Returns the after-turn hook registered by bot.core.build_core."""
    return EscalationHook(settings)


def tuning(settings: Settings) -> Tuning:
    """Returns the dispatcher's deadlines and limits from the settings."""
    return Tuning(
        request_timeout=settings.escalation.request_timeout_seconds,
        connect_timeout=settings.escalation.connect_timeout_seconds,
        lease_seconds=settings.escalation.lease_seconds,
        poll_seconds=settings.escalation.poll_seconds,
        concurrency=settings.escalation.concurrency,
        allow_private=settings.escalation.allow_private_targets or settings.demo.enabled,
    )


def policy(settings: Settings) -> Policy:
    """Returns the retry policy from the settings."""
    return Policy(
        schedule=tuple(settings.escalation.retry_schedule),
        floor=settings.escalation.retry_floor_seconds,
    )


def dispatcher(engine: Engine, settings: Settings, desk: Desk) -> Dispatcher:
    """Returns a webhook dispatcher for this process."""
    return Dispatcher(engine, desk, policy=policy(settings), tuning=tuning(settings))


def sweeper(engine: Engine, settings: Settings, desk: Desk) -> Sweeper:
    """Returns the sweep for this process."""
    return Sweeper(engine, desk, seconds=settings.escalation.sweep_seconds, sweeps=SWEEPS)
