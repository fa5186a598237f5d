"""`suara queues`: the reporter and hand-off queues at a glance, as /metrics reads them."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from bot.observability import depth_report, read_depths
from bot.settings import Settings
from storage import db


def add_queues_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `suara queues`."""
    subparsers.add_parser(
        "queues", help="inbox, outbox, timers and escalation deliveries: counts and oldest ages"
    )


def run_queues(settings: Settings, out: TextIO | None = None) -> int:
    """Prints every queue's depth (counts and ages only: no chat, case or text)."""
    out = out or sys.stdout
    engine = db.make_engine(settings.database.url)
    try:
        for line in depth_report(read_depths(engine)):
            print(line, file=out)
    finally:
        engine.dispose()
    return 0
