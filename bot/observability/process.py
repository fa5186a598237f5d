"""What every Suara process sets up first: its log format, and its shared metrics directory."""

from __future__ import annotations

from bot.observability.instruments import use_metrics_dir
from bot.observability.logs import configure_logging
from bot.settings import Settings


def observe(settings: Settings, *, first: bool) -> None:
    """Sets up this process's logs and, when /metrics is on, its shared metrics directory.

    `first` is the process that starts the others (`suara serve`): it empties the directory.
    """
    configure_logging(settings.observability.log_format)
    if settings.observability.metrics_on:
        use_metrics_dir(settings.observability.metrics_dir, fresh=first)
