"""The counters and the histogram every process keeps, in one place, and how they are scraped.

prometheus-client picks its value store (in memory, or files shared by several processes) when
a metric is made, from PROMETHEUS_MULTIPROC_DIR as it was when the library was imported. The web
process learns its metrics directory from the settings, after that import, so the metrics here
are made lazily and made again when `use_metrics_dir` switches the store: the library's own
`get_value_class` is asked again once the variable is set, rather than relying on import order.

Labels are channels, statuses, route templates and methods: never a chat id, a case reference
or anything a reporter typed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, values
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from bot.envelopes import Channel

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_value_class: Callable[[], Any] = values.get_value_class
_files_collector: Callable[..., Collector] = MultiProcessCollector
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
"""Seconds: webhooks should answer in milliseconds; Telegram gives up on a slow one."""


class Metrics:
    """The metrics incremented where things happen (queue depths are read at scrape time)."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.turns = Counter(
            "suara_turns", "Turns run (a reporter's update or a timer)", ["channel", "kind"],
            registry=registry,
        )  # fmt: skip
        self.sent = Counter(
            "suara_outbox_sent", "Reporter messages a channel accepted", ["channel"],
            registry=registry,
        )  # fmt: skip
        self.send_errors = Counter(
            "suara_channel_send_errors", "Reporter messages a channel refused or failed",
            ["channel"], registry=registry,
        )  # fmt: skip
        self.throttled = Counter(
            "suara_channel_throttled", "Sends answered 429 (retry after) by a channel",
            ["channel"], registry=registry,
        )  # fmt: skip
        for channel in Channel:  # a series from the start: `rate()` and alerts see a zero
            for kind in ("message", "timer"):
                self.turns.labels(channel=channel.value, kind=kind)
            for counter in (self.sent, self.send_errors, self.throttled):
                counter.labels(channel=channel.value)
        self.http_seconds = Histogram(
            "suara_http_request_duration_seconds", "Time to answer a request, by route template",
            ["route", "method", "status"], buckets=LATENCY_BUCKETS, registry=registry,
        )  # fmt: skip


class _Several(Collector):
    """Collects from several collectors as one."""

    def __init__(self, collectors: Iterable[Collector]) -> None:
        self.collectors = list(collectors)

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


class _State:
    """This process's metrics and where they are kept."""

    def __init__(self) -> None:
        self.registry: CollectorRegistry | None = CollectorRegistry()
        self.directory: Path | None = None
        self.metrics = Metrics(self.registry)


_state = _State()


def metrics() -> Metrics:
    """Returns this process's metrics."""
    return _state.metrics


def use_metrics_dir(directory: Path, *, fresh: bool) -> None:
    """Keeps this process's metrics in files under `directory`, shared with its other processes.

    `fresh` empties the directory first: the process that starts the others does it, so that
    counts of an earlier run are not added to this one's.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if fresh:
        for stale in directory.glob("*.db"):
            stale.unlink(missing_ok=True)
    os.environ[MULTIPROC_VARIABLE] = str(directory)  # the worker process inherits it
    values.ValueClass = _value_class()
    _state.registry, _state.directory = None, directory
    _state.metrics = Metrics(None)


def use_memory() -> None:
    """Keeps this process's metrics in memory again (one process, nothing shared)."""
    os.environ.pop(MULTIPROC_VARIABLE, None)
    values.ValueClass = _value_class()
    _state.registry, _state.directory = CollectorRegistry(), None
    _state.metrics = Metrics(_state.registry)


def collected(*more: Collector) -> Collector:
    """Returns what one scrape reads: every process's metrics, then `more`."""
    if _state.directory is not None:
        base: Collector = _files_collector(None, path=str(_state.directory))
    else:
        assert _state.registry is not None
        base = _state.registry
    return _Several([base, *more])
