"""The reporter and hand-off queues at a glance: one reading for /metrics and `suara queues`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from bot.observability.instruments import collected
from escalation.offices import LEVELS
from storage import db
from storage.queue_depths import DELIVERY_STATES, OUTBOX_STATES, QueueDepths, queue_depths


def read_depths(engine: Engine, now: dt.datetime | None = None) -> QueueDepths:
    """Reads every queue's depth from the database now."""
    with db.session(engine) as session:
        return queue_depths(session=session, now=now or dt.datetime.now(dt.UTC))


def level_name(level: int) -> str:
    """Names an escalation level (office, supervisor, jakarta, operator)."""
    return LEVELS[level] if 0 <= level < len(LEVELS) else str(level)


def _gauge(name: str, text: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, text, labels=labels)


def depth_metrics(depths: QueueDepths) -> list[Metric]:
    """Returns the queue depths as gauges (labels: channel, status, state, office, level)."""
    inbox = _gauge("suara_inbox_pending", "Recorded updates not processed yet", ["channel"])
    inbox_age = _gauge(
        "suara_inbox_oldest_seconds", "Age of the oldest unprocessed update", ["channel"]
    )
    for channel, backlog in sorted(depths.inbox.items()):
        inbox.add_metric([channel], backlog.count)
        inbox_age.add_metric([channel], backlog.oldest_seconds)
    outbox = _gauge("suara_outbox_messages", "Reporter messages by status", ["channel", "status"])
    for (channel, status), count in sorted(depths.outbox.items()):
        outbox.add_metric([channel, status], count)
    outbox_age = _gauge(
        "suara_outbox_oldest_seconds",
        "How long the oldest due, unsent reporter message has waited",
        ["channel"],
    )
    for channel, seconds in sorted(depths.outbox_oldest.items()):
        outbox_age.add_metric([channel], seconds)
    deliveries = _gauge("suara_escalation_deliveries", "Escalation webhooks by state", ["state"])
    for state in DELIVERY_STATES:
        deliveries.add_metric([state], depths.deliveries.get(state, 0))
    overdue = _gauge(
        "suara_escalations_overdue",
        "Escalations waiting for acknowledgement past their deadline",
        ["office", "level"],
    )
    for (office, level), count in sorted(depths.overdue_acknowledgements.items()):
        overdue.add_metric([office, level_name(level)], count)
    single = [
        ("suara_timers_due", "Reminders and expiries due now", depths.timers_due),
        (
            "suara_escalation_deliveries_retrying",
            "Pending escalation webhooks that failed at least once",
            depths.deliveries_retrying,
        ),
        (
            "suara_escalation_breakers_open",
            "Endpoints paused by their breaker",
            depths.breakers_open,
        ),
        (
            "suara_escalation_endpoints_disabled",
            "Endpoints switched off",
            depths.endpoints_disabled,
        ),
    ]
    plain = [GaugeMetricFamily(name, text, value=value) for name, text, value in single]
    return [inbox, inbox_age, outbox, outbox_age, deliveries, overdue, *plain]


class QueueCollector(Collector):
    """Reads the queue depths from the database at each scrape (true across instances)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        """Yields the gauges; `suara_queues_readable` 0 when the database did not answer."""
        try:
            found = depth_metrics(read_depths(self.engine))
        except Exception:  # a scrape must say the database is away, not fail
            found = []
        yield GaugeMetricFamily(
            "suara_queues_readable",
            "Whether the queue depths could be read",
            value=int(bool(found)),
        )
        yield from found


class Scrape(Collector):
    """One /metrics scrape: every process's counters, then the queue depths read now."""

    def __init__(self, engine: Engine) -> None:
        self.queues = QueueCollector(engine)

    def collect(self) -> Iterator[Metric]:
        """Yields the shared counters and histogram, then the queue gauges."""
        yield from collected(self.queues).collect()


def _age(seconds: float) -> str:
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.0f}m"


def depth_report(depths: QueueDepths) -> list[str]:
    """Returns the queue depths as lines for a terminal."""
    lines = [f"queues at {depths.at.isoformat(timespec='seconds')}", "inbox (pending, oldest)"]
    lines += [
        f"  {channel}\t{backlog.count}\t{_age(backlog.oldest_seconds)}"
        for channel, backlog in sorted(depths.inbox.items())
    ] or ["  empty"]
    lines.append("outbox (" + ", ".join(OUTBOX_STATES) + ", oldest due)")
    channels = sorted({channel for channel, _ in depths.outbox} | set(depths.outbox_oldest))
    for channel in channels:
        counts = "\t".join(str(depths.outbox.get((channel, s), 0)) for s in OUTBOX_STATES)
        lines.append(f"  {channel}\t{counts}\t{_age(depths.outbox_oldest.get(channel, 0.0))}")
    if not channels:
        lines.append("  empty")
    lines.append(f"timers due\t{depths.timers_due}")
    states = ", ".join(f"{s} {depths.deliveries.get(s, 0)}" for s in DELIVERY_STATES)
    lines.append(f"escalation deliveries\t{states}, retrying {depths.deliveries_retrying}")
    lines.append(
        f"endpoints\tbreakers open {depths.breakers_open}, disabled {depths.endpoints_disabled}"
    )
    overdue = depths.overdue_acknowledgements
    lines.append("acknowledgement overdue (office, level)")
    lines += [
        f"  {office}\t{level_name(level)}\t{count}"
        for (office, level), count in sorted(overdue.items())
    ] or ["  none"]
    return lines
