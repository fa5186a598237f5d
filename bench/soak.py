"""A bounded soak of `suara serve`: a crowd of reporters arriving at a steady pace for minutes.

Usage: python bench/soak.py [--minutes 10] [--reporters 10000] [--svg docs/soak.svg]

The reporters (bench/crowd.py: a first message and a few answers each, the channel rate limit
lifted) arrive evenly over the minutes; every SAMPLE_SECONDS the bench reads the RSS of both
processes, the inbox lag (the oldest unprocessed update's age) and the outbox backlog (replies
not sent yet) from the database. After the arrivals it waits at most DRAIN_SECONDS for the last
replies. Prints the machine, the command and the samples as a Markdown table; writes the SVG.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import crowd
import harness
from crowd import Served
from sqlalchemy import Engine

from storage import db
from storage.queue_depths import queue_depths

SAMPLE_SECONDS = 10.0
DRAIN_SECONDS = 60.0


@dataclass(frozen=True)
class Sample:
    """One reading: seconds since the start, RSS of each process (MB), inbox lag, backlog."""

    at: float
    web: float
    worker: float
    lag: float
    backlog: int
    answered: int


def read(served: Served, engine: Engine, began: float, answered: int) -> Sample:
    """Reads memory and the queues once."""
    each = served.memory()
    with db.session(engine) as session:
        depths = queue_depths(session=session, now=dt.datetime.now(dt.UTC))
    lag = max((b.oldest_seconds for b in depths.inbox.values()), default=0.0)
    backlog = sum(n for (_, state), n in depths.outbox.items() if state in ("pending", "sending"))
    worker = each["worker"].rss if "worker" in each else 0.0
    return Sample(time.monotonic() - began, each["web"].rss, worker, lag, backlog, answered)


async def soak(served: Served, fake: crowd.FakeProcess, url: str, args: object) -> list[Sample]:
    """Drives the crowd while sampling; returns the samples."""
    minutes, count = getattr(args, "minutes"), getattr(args, "reporters")  # noqa: B009
    hook = f"{served.base}/webhooks/telegram"
    counts = await crowd.warm_up(hook, fake, 8_000_000)
    people = crowd.reporters(8_000_001, count)
    engine = db.make_engine(url)
    began = time.monotonic()
    driving = asyncio.create_task(crowd.drive(hook, fake, people, counts, seconds=minutes * 60))
    samples: list[Sample] = []
    limit = minutes * 60 + DRAIN_SECONDS
    while True:
        done = sum(1 for p in people if len(p.replies) >= sum(counts))
        samples.append(await asyncio.to_thread(read, served, engine, began, done))
        if driving.done() or time.monotonic() - began > limit:
            break
        await asyncio.sleep(SAMPLE_SECONDS - (time.monotonic() - began) % SAMPLE_SECONDS)
    driving.cancel()
    await asyncio.gather(driving, return_exceptions=True)
    engine.dispose()
    return samples


def table(samples: list[Sample]) -> list[str]:
    """Returns the samples as a Markdown table."""
    lines = [
        "| s | web RSS MB | worker RSS MB | sum RSS MB | inbox lag s | outbox backlog "
        "| reporters answered |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in samples:
        lines.append(
            f"| {s.at:.0f} | {s.web:.1f} | {s.worker:.1f} | {s.web + s.worker:.1f} | "
            f"{s.lag:.1f} | {s.backlog} | {s.answered:,} |"
        )
    return lines


def main() -> None:
    """Runs the soak; prints the table and writes the SVG."""
    from soak_svg import write_svg

    parser = harness.parser(__doc__, runs=1)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--reporters", type=int, default=10_000)
    parser.add_argument("--svg", type=Path, default=crowd.ROOT / "docs" / "soak.svg")
    args = parser.parse_args()
    with (
        harness.fresh_database(args.postgres) as url,
        crowd.fake_api() as fake,
        crowd.workplace() as folder,
    ):
        env = crowd.environment(url, folder, fake)
        with crowd.serving(env, folder) as served:
            samples = asyncio.run(soak(served, fake, url, args))
    write_svg(args.svg, samples)
    print(f"Machine: {harness.machine(system=True)}; SQLite; driver ptb")
    print(f"Command: python {' '.join(sys.argv)}")
    print()
    print("\n".join(table(samples)))


if __name__ == "__main__":
    main()
