"""What the webhook load benchmarks share: the command line, servers, timing and percentiles."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import harness
from fastapi import FastAPI, Request, Response
from harness import free_port

ROOT = Path(__file__).resolve().parent.parent


class Timed(Protocol):
    """A simulated reporter: when it sent each update and when replies reached the fake."""

    sent_at: list[float]
    replies: list[float]


@dataclass
class Result:
    """One measured phase."""

    updates_per_s: float
    ack_p50_ms: float
    ack_p99_ms: float
    reply_p50_ms: float
    reply_p99_ms: float
    handled_per_s: float


def load_parser(doc: str | None, *, reporters: int) -> argparse.ArgumentParser:
    """Returns the bench command line with --reporters (how many) and --connections (in flight)."""
    found = harness.parser(doc)
    found.add_argument("--reporters", type=int, default=reporters)
    found.add_argument("--connections", type=int, default=32)
    return found


def process_env() -> dict[str, str]:
    """Runs Suara as `suara serve` does: with a worker process (WORKER_PROCESS set here wins)."""
    return {
        "WORKER_PROCESS": os.environ.get("WORKER_PROCESS", "true"),
        "WORKER_NICE": os.environ.get("WORKER_NICE", "10"),
    }


def bare_app(path: str) -> FastAPI:
    """The ceiling: the same route, reading the body and answering 200, nothing else."""
    app = FastAPI()

    @app.post(path)
    async def receive(request: Request) -> Response:
        await request.body()
        return Response(status_code=200)

    return app


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback only
            return True
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def server(target: str, env: dict[str, str], keep_alive: int = 120) -> Iterator[str]:
    """Runs `uvicorn <target> --factory` in its own process; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    command += ["--timeout-keep-alive", str(keep_alive)]  # reporters think between updates
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not _up(f"{base}/docs"):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{target} did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def percentile(values: Sequence[float], q: float) -> float:
    """Returns the q-th percentile (nearest rank), 0 for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else 0.0


def first_reply_latencies(reporters: Sequence[Timed], counts: list[int]) -> list[float]:
    """Maps replies to the updates that caused them (known counts per step); first reply each."""
    latencies = []
    for r in reporters:
        index = 0
        for step, sent_at in enumerate(r.sent_at):
            if index < len(r.replies):
                latencies.append(r.replies[index] - sent_at)
            index += counts[step]
    return latencies


async def wait_replies(reporters: Sequence[Timed], counts: list[int], limit: float) -> None:
    """Waits until every reporter got all its replies; fails after `limit` seconds."""
    expected = sum(counts)
    deadline = time.perf_counter() + limit
    while any(len(r.replies) < expected for r in reporters):
        if time.perf_counter() > deadline:
            missing = sum(expected - len(r.replies) for r in reporters)
            raise RuntimeError(f"{missing} replies never arrived")
        await asyncio.sleep(0.05)
