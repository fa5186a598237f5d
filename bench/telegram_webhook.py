"""Telegram webhook load: many reporters filing whole reports at once over loopback.

Usage: python bench/telegram_webhook.py [--postgres URL] [--runs 3] [--reporters 64]
       [--connections 32] [--driver ptb|aiogram]

Suara runs in its own process (uvicorn, one worker, the real app: secret check, durable inbox,
background turns, outbox, the Telegram sender with the chosen driver). Its Bot API calls go over
HTTP to the fake Bot API from the tests, served in a child process. A bare FastAPI endpoint (read
the body, answer 200) runs in its own process as the ceiling, measured in the same run with the
same client (aiohttp, in bench/webhook_load.py) and the same update bodies.

Two phases per database and run:
- burst: every reporter posts its whole report back to back (the next update once the previous one
  is acknowledged), `connections` requests in flight: acknowledged updates/s, p50/p99
  acknowledgement latency, then p99 time from an update's POST to its first reply reaching the fake.
- conversation: as many reporters as connections, each waiting for its replies before the next
  update (zero think time): updates/s through the whole path, p50/p99 reply latency.
Prints a Markdown table of medians over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "telegram"), str(ROOT / "bench")]

import harness  # noqa: E402
import loadkit  # noqa: E402
from fakebot import TOKEN, Call, FakeBotAPI  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from harness import postgres_schema  # noqa: E402
from loadkit import Result, server  # noqa: E402
from telegram_load import PHOTO, REPORT, SECRET, reporter  # noqa: E402
from webhook_load import FakeProcess, burst, conversation, reply_counts  # noqa: E402

from storage.migrate import upgrade  # noqa: E402


def bare_app() -> FastAPI:
    """The ceiling: the same route, reading the body and answering 200, nothing else."""
    return loadkit.bare_app("/webhooks/telegram")


def serve_fake(port: int, replies: Any) -> None:
    """Runs the fake Bot API (in the bench's child process); reports each sendMessage."""
    fake = FakeBotAPI()
    fake.add_file(PHOTO, b"\xff\xd8\xff\xe0" + b"bench photo " * 2000)

    def on_call(call: Call) -> None:
        if call.method == "sendMessage":
            replies.put((str(call.params.get("chat_id")), call.at))

    fake.on_call = on_call
    uvicorn.run(fake.app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def suara_env(database_url: str, files: Path, fake: FakeProcess, driver: str) -> dict[str, str]:
    return {
        **harness.KEYS,
        **loadkit.process_env(),
        "DATABASE_URL": database_url,
        "FILE_STORE": str(files),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_WEBHOOK_URL": "https://bench.invalid/webhooks/telegram",
        "TELEGRAM_DRIVER": driver,
        # the fake enforces no flood limits; Telegram's ~30 msg/s would dominate otherwise
        "TELEGRAM_CHAT_RATE": "1000",
        "TELEGRAM_CHAT_BURST": "1000",
        "TELEGRAM_OVERALL_RATE": "100000",
    }


async def measure_suara(
    database_url: str, args: argparse.Namespace, fake: FakeProcess, base_id: int
) -> tuple[Result, Result]:
    upgrade(database_url)
    with tempfile.TemporaryDirectory() as files:
        env = suara_env(database_url, Path(files), fake, args.driver)
        with server("handlers.app:create_app", env, keep_alive=60) as base:
            url = f"{base}/webhooks/telegram"
            counts = await reply_counts(url, fake, reporter(base_id))
            assert all(c >= 1 for c in counts), counts
            reporters = [reporter(base_id + 1 + i) for i in range(args.reporters)]
            loaded = await burst(url, fake, reporters, counts, args.connections)
            talkers = [reporter(base_id + 10_000 + i) for i in range(args.connections)]
            talked = await conversation(url, fake, talkers, counts)
    return loaded, talked


async def one_run(args: argparse.Namespace, run: int) -> dict[str, Any]:
    """One sitting: ceiling, SQLite, PostgreSQL."""
    found: dict[str, Any] = {}
    with server("bench.telegram_webhook:bare_app", {}) as base:
        reporters = [reporter(1_000_000 + i) for i in range(args.reporters)]
        found["bare"] = await burst(
            f"{base}/webhooks/telegram", None, reporters, [], args.connections
        )
    with FakeProcess(serve_fake) as fake:
        with tempfile.TemporaryDirectory() as folder:
            sqlite = f"sqlite:///{Path(folder) / 'bench.db'}"
            found["sqlite"] = await measure_suara(sqlite, args, fake, 2_000_000 + run * 100_000)
        if args.postgres:
            with postgres_schema(args.postgres, "bench_tg") as url:
                found["postgresql"] = await measure_suara(
                    url, args, fake, 3_000_000 + run * 100_000
                )
    return found


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """Returns the Markdown table of medians (and each run's figure in brackets)."""
    ceiling = median([r["bare"].updates_per_s for r in runs])
    lines = [
        f"Machine: {harness.machine()}; "
        f"driver {args.driver}; {args.reporters} reporters x {len(REPORT)} updates; "
        f"{args.connections} connections; {len(runs)} runs (medians).",
        "",
        "| target | phase | updates/s | vs ceiling | ack p50 ms | ack p99 ms | reply p50 ms "
        "| reply p99 ms | handled/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("bare", "sqlite", "postgresql"):
        if name not in runs[0]:
            continue
        phases = [("burst", 0), ("conversation", 1)] if name != "bare" else [("burst", None)]
        for phase, index in phases:
            picked = [r[name] if index is None else r[name][index] for r in runs]
            rate = median([p.updates_per_s for p in picked])
            share = f"{rate / ceiling:.0%}" if phase == "burst" and ceiling else ""
            per_run = ", ".join(f"{p.updates_per_s:,.0f}" for p in picked)
            lines.append(
                f"| {name} | {phase} | {rate:,.0f} ({per_run}) | {share} | "
                f"{median([p.ack_p50_ms for p in picked]):.1f} | "
                f"{median([p.ack_p99_ms for p in picked]):.1f} | "
                f"{median([p.reply_p50_ms for p in picked]):.0f} | "
                f"{median([p.reply_p99_ms for p in picked]):.0f} | "
                f"{median([p.handled_per_s for p in picked]):,.0f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = loadkit.load_parser(__doc__, reporters=64)
    parser.add_argument("--driver", choices=("ptb", "aiogram"), default="ptb")
    args = parser.parse_args()
    runs = []
    for run in range(args.runs):
        runs.append(asyncio.run(one_run(args, run)))
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    print(report(runs, args))


if __name__ == "__main__":
    main()
