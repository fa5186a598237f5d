"""What operators watch: metrics, queue depths, readiness, heartbeats and the log format.

Other rooms use only these names; the modules behind them are this room's own.
"""

from bot.observability.instruments import metrics, use_memory, use_metrics_dir
from bot.observability.logs import configure_logging, make_handler
from bot.observability.process import observe
from bot.observability.queues import QueueCollector, Scrape, depth_report, read_depths
from bot.observability.readiness import Check, Readiness, keep_beating, process_name

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
