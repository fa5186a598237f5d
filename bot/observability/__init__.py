"""What operators watch: metrics, queue depths, readiness, heartbeats and the log format.

Other rooms use only these names; the modules behind them are this room's own.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from bot.observability.instruments import collected, metrics, use_memory, use_metrics_dir
from bot.observability.logs import configure_logging, make_handler
from bot.observability.queues import QueueCollector, depth_report, read_depths
from bot.observability.readiness import Check, Readiness, keep_beating, process_name
from bot.settings import Settings


class Scrape(Collector):
    """One /metrics scrape: every process's counters, then the queue depths read now."""

    def __init__(self, engine: Engine) -> None:
        self.queues = QueueCollector(engine)

    def collect(self) -> Iterator[Metric]:
        yield from collected(self.queues).collect()


def observe(settings: Settings, *, first: bool) -> None:
    """Sets up this process's logs and, when /metrics is on, its shared metrics directory.

    `first` is the process that starts the others (`suara serve`): it empties the directory.
    """
    configure_logging(settings.observability.log_format)
    if settings.observability.metrics_on:
        use_metrics_dir(settings.observability.metrics_dir, fresh=first)


__all__ = [
    "Check",
    "QueueCollector",
    "Readiness",
    "Scrape",
    "configure_logging",
    "depth_report",
    "keep_beating",
    "make_handler",
    "metrics",
    "observe",
    "process_name",
    "read_depths",
    "use_memory",
    "use_metrics_dir",
]
