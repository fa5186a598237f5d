"""Footprint of `suara serve`: start to /healthz, idle memory, memory after a crowd of reporters.

Usage: python bench/footprint.py [--runs 5] [--reporters 10000] [--postgres URL]

Each run starts `suara serve` (the web process and its worker, bench/crowd.py) on the same
migrated database and times the start to the first /healthz 200; once /readyz says the worker
beats, it waits IDLE_SECONDS and reads RSS and PSS of each process from /proc/<pid>/smaps_rollup.
After the runs, one more start takes `--reporters` reporters through the fake Bot API (a first
message and a few answers each) and reads the memory again once the last reply arrived and once
more IDLE_SECONDS later. Prints the machine, the command, the raw runs and the medians.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import time
from collections.abc import Iterator

import crowd
import harness
from crowd import Memory, Served

IDLE_SECONDS = 10.0
"""How long a started server sits idle before its memory is read."""


def table(rows: list[tuple[str, dict[str, Memory]]]) -> list[str]:
    """Returns a Markdown table of memory readings, one row per reading."""
    lines = [
        "| reading | web RSS | worker RSS | sum RSS | web PSS | worker PSS | sum PSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, each in rows:
        rss = " | ".join(f"{each[p].rss:.1f}" for p in ("web", "worker", "sum"))
        pss = " | ".join(f"{each[p].pss:.1f}" for p in ("web", "worker", "sum"))
        lines.append(f"| {name} | {rss} | {pss} |")
    return lines


def median_of(readings: list[dict[str, Memory]]) -> dict[str, Memory]:
    """Returns the median RSS and PSS of each process over the readings."""
    return {
        p: Memory(
            statistics.median(r[p].rss for r in readings),
            statistics.median(r[p].pss for r in readings),
        )
        for p in ("web", "worker", "sum")
    }


@contextlib.contextmanager
def database(postgres: str | None) -> Iterator[str]:
    """Yields a migrated database that every start of this bench finds already there."""
    with harness.fresh_database(postgres) as url:
        yield url


def idle(served: Served) -> dict[str, Memory]:
    """Returns the memory of a started server after it sat idle."""
    time.sleep(IDLE_SECONDS)
    return served.memory()


async def crowd_memory(
    served: Served, fake: crowd.FakeProcess, count: int
) -> list[tuple[str, dict[str, Memory]]]:
    """Takes `count` reporters through the server; returns the memory before and after."""
    url = f"{served.base}/webhooks/telegram"
    counts = await crowd.warm_up(url, fake, 5_000_000)
    before = served.memory()
    people = crowd.reporters(5_000_001, count)
    took = await crowd.drive(url, fake, people, counts)
    after = served.memory()
    print(f"{count} reporters answered in {took:.0f} s", file=sys.stderr)
    updates = count * crowd.updates_per_reporter()
    return [
        ("idle, after one reporter", before),
        (f"after {count:,} reporters ({updates:,} updates, {took:.0f} s)", after),
        (f"{IDLE_SECONDS:.0f} s later", idle(served)),
    ]


def main() -> None:
    """Runs the starts and the crowd; prints the results in Markdown."""
    parser = harness.parser(__doc__, runs=5)
    parser.add_argument("--reporters", type=int, default=10_000)
    args = parser.parse_args()
    starts: list[float] = []
    idles: list[dict[str, Memory]] = []
    with database(args.postgres) as url, crowd.fake_api() as fake, crowd.workplace() as folder:
        env = crowd.environment(url, folder, fake)
        for run in range(args.runs):
            with crowd.serving(env, folder) as served:
                starts.append(served.started_in)
                idles.append(idle(served))
            print(f"run {run + 1}/{args.runs}: {served.started_in:.2f} s", file=sys.stderr)
        with crowd.serving(env, folder) as served:
            crowded = asyncio.run(crowd_memory(served, fake, args.reporters))
    store = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Machine: {harness.machine(system=True)}; {store}; driver ptb")
    print(f"Command: python {' '.join(sys.argv)}")
    print()
    raw = ", ".join(f"{s:.2f}" for s in starts)
    print(f"Start to /healthz 200: median {statistics.median(starts):.2f} s (runs: {raw})")
    print()
    print("Memory in MB:")
    print()
    rows = [(f"idle, run {i + 1}", m) for i, m in enumerate(idles)]
    rows.append(("idle, median", median_of(idles)))
    print("\n".join(table(rows + crowded)))


if __name__ == "__main__":
    main()
