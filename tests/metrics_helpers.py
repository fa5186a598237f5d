"""Metrics in tests: a shared metrics directory for the test's processes, and scrape parsing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.observability import use_memory, use_metrics_dir
from bot.observability.instruments import MULTIPROC_VARIABLE

TOKEN = "metrics-Token_0123456789abcdef"


@contextmanager
def shared_metrics(directory: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keeps this process's metrics in files under `directory` (as `suara serve` does)."""
    monkeypatch.setenv(MULTIPROC_VARIABLE, str(directory))  # restored after the test
    monkeypatch.setenv("METRICS_DIR", str(directory))
    use_metrics_dir(directory, fresh=True)
    try:
        yield directory
    finally:
        use_memory()


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(body: str) -> Samples:
    """Returns every sample of a scrape by (name, labels)."""
    found: Samples = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(samples: Samples, name: str, **labels: str) -> float:
    """Returns one sample's value; 0 when the scrape does not hold it."""
    return samples.get((name, frozenset(labels.items())), 0.0)
