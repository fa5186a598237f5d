"""One logging set-up for every process (serve, demo, worker, CLI): plain lines or JSON lines.

Both formats carry a UTC timestamp and every id a call passes as `extra=`: the JSON format as
fields (python-json-logger), the plain one as key=value after the message. What a reporter
typed never goes into a log call, so it cannot reach either format.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from bot.settings import LogFormat

NOT_EXTRAS = frozenset(RESERVED_ATTRS) | {"taskName", "color_message"}
"""Record attributes that are not a caller's ids (uvicorn's coloured copy of its message too)."""
FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
DATE = "%Y-%m-%dT%H:%M:%S"
QUIETER = {"apscheduler": logging.WARNING}
"""Libraries that log every routine step at INFO (APScheduler: each run of each tick job)."""


def _utc(seconds: float | None) -> time.struct_time:
    return time.gmtime(seconds)


class PlainFormatter(logging.Formatter):
    """One line: time, level, logger, message, then each `extra=` id as key=value."""

    converter = staticmethod(_utc)

    def __init__(self) -> None:
        super().__init__(FIELDS, datefmt=DATE)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """Returns the record's UTC time with milliseconds and a Z."""
        return f"{super().formatTime(record, datefmt)}.{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        """Returns the line, with the extras appended in the order they were given."""
        line = super().format(record)
        extras = [f"{k}={v}" for k, v in record.__dict__.items() if k not in NOT_EXTRAS]
        if not extras:
            return line
        head, newline, trace = line.partition("\n")
        return f"{head} {' '.join(extras)}{newline}{trace}"


class JsonLinesFormatter(JsonFormatter):
    """One JSON object a line: time (UTC), level, logger, message and every `extra=` id."""

    converter = staticmethod(_utc)

    def __init__(self) -> None:
        super().__init__(
            FIELDS,
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            reserved_attrs=sorted(NOT_EXTRAS),
            datefmt=DATE + "Z",
        )


def make_handler(log_format: LogFormat, stream: TextIO | None = None) -> logging.Handler:
    """Returns a stream handler (stderr by default) writing the chosen format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format is LogFormat.JSON:
        formatter: logging.Formatter = JsonLinesFormatter()
    else:
        formatter = PlainFormatter()
    handler.setFormatter(formatter)
    handler.set_name("suara")
    return handler


def configure_logging(log_format: LogFormat, level: int = logging.INFO) -> None:
    """Sends this process's logs to stderr in the chosen format, at INFO.

    Replaces a handler this function installed before, and leaves alone a root logger someone
    else set up already (a test runner's capture), as logging.basicConfig does.
    """
    root = logging.getLogger()
    ours = [h for h in root.handlers if h.get_name() == "suara"]
    if root.handlers and not ours:
        return
    for handler in ours:
        root.removeHandler(handler)
    root.addHandler(make_handler(log_format))
    root.setLevel(level)
    for name, quieter in QUIETER.items():
        logging.getLogger(name).setLevel(quieter)
