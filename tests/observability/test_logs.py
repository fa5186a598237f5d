"""Logs: plain and JSON lines with a UTC time and every `extra=` id; never what a reporter typed."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fakebot import FakeBotAPI
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from tg_harness import Harness

from bot.observability import configure_logging, make_handler
from bot.observability.logs import PlainFormatter
from bot.settings import LogFormat
from storage.migrate import upgrade

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")
PLANTED = ("ZZSTORY", "ZZBOSS", "Madam ZZCHAN", "+85291234567")


def logged(log_format: LogFormat, **extra: object) -> str:
    """Returns what one INFO record with these extras looks like in a format."""
    stream = io.StringIO()
    logger = logging.getLogger(f"suara.test.{log_format.value}")
    handler = make_handler(log_format, stream)
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        logger.info("case filed", extra=extra)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_plain_lines_carry_a_utc_time_and_the_ids_as_key_value() -> None:
    line = logged(LogFormat.PLAIN, case_ref="MC-2026-000123", escalation_id=7)
    assert STAMP.match(line), line
    assert line.rstrip().endswith(
        "INFO suara.test.plain case filed case_ref=MC-2026-000123 escalation_id=7"
    )


def test_json_lines_carry_a_utc_time_and_the_ids_as_fields() -> None:
    record = json.loads(logged(LogFormat.JSON, case_ref="MC-2026-000123", escalation_id=7))
    assert record["message"] == "case filed"
    assert (record["level"], record["logger"]) == ("INFO", "suara.test.json")
    assert (record["case_ref"], record["escalation_id"]) == ("MC-2026-000123", 7)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["time"])


def test_a_line_without_extras_ends_with_its_message() -> None:
    assert logged(LogFormat.PLAIN).rstrip().endswith("case filed")


@contextmanager
def bare_root() -> Iterator[logging.Logger]:
    """The root logger with no handler, as in a fresh process; put back after."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    root.handlers[:] = []
    try:
        yield root
    finally:
        root.handlers[:] = saved
        root.setLevel(level)


def test_one_set_up_replaces_its_own_handler_and_logs_at_info() -> None:
    with bare_root() as root:  # inside the test: the runner adds its capture around it
        configure_logging(LogFormat.JSON)
        configure_logging(LogFormat.PLAIN)
        installed = list(root.handlers)
        level = root.level
        other = logging.StreamHandler(io.StringIO())
        root.handlers[:] = [other]
        configure_logging(LogFormat.JSON)  # someone else's set-up is left alone
        left = list(root.handlers)
    assert len(installed) == 1
    assert isinstance(installed[0].formatter, PlainFormatter)
    assert level == logging.INFO
    assert left == [other]


@pytest.mark.asyncio
async def test_a_conversation_logs_ids_and_never_the_reporters_words(
    harness: Harness, fake: FakeBotAPI
) -> None:
    streams = {f: io.StringIO() for f in LogFormat}
    handlers = [make_handler(f, stream) for f, stream in streams.items()]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    for handler in handlers:
        root.addHandler(handler)
    try:
        reporter = harness.reporter("en")
        await reporter.command("/start")
        await reporter.say("ZZSTORY: Madam ZZCHAN and ZZBOSS, call me on +85291234567")
        fake.fail("sendMessage", 400, "Bad Request: chat not found")
        await reporter.say("ZZSTORY again")
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(level)
    plain, lines = streams[LogFormat.PLAIN].getvalue(), streams[LogFormat.JSON].getvalue()
    assert re.search(r"send failed .*outbox_id=\d+", plain), plain
    records = [json.loads(line) for line in lines.splitlines()]
    assert any(r["message"] == "send failed" and isinstance(r["outbox_id"], int) for r in records)
    for text in (plain, lines):
        for planted in PLANTED:
            assert planted not in text
        assert str(reporter.user_id) not in text


def test_the_worker_process_logs_at_info_in_the_chosen_format(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    env = os.environ | {
        "DATABASE_URL": url,
        "FILE_STORE": str(tmp_path / "files"),
        "ENCRYPTION_KEYS": ",".join(TEST_KEYS),
        "ENCRYPTION_ADDRESS_KEY": TEST_ADDRESS_KEY,
        "WORKER_NICE": "0",
        "ESCALATION_DISPATCH": "false",
        "RETENTION_ENABLED": "false",
        "LOG_FORMAT": "json",
    }
    done = subprocess.run(  # stdin closed at once: the worker starts, then stops
        [sys.executable, "-m", "handlers.worker.process"],
        input=b"",
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    records = [json.loads(line) for line in done.stderr.decode().splitlines() if line.strip()]
    stopped = [r for r in records if r["message"] == "worker stopped"]
    assert stopped, done.stderr.decode()
    assert stopped[0]["level"] == "INFO"
    assert stopped[0]["time"].endswith("Z")
