"""Escalation delivery: submit-to-delivered latency and sustained throughput, loopback receiver.

Usage: python bench/escalation.py [--postgres URL] [--runs 3] [--seconds 60]
       [--pg-rate 200] [--sqlite-rate 50] [--only sqlite|postgresql]
       (SUARA_BENCH_DUMP=file.csv writes one line per delivery of the last run)

Each app process (--workers on PostgreSQL; exactly one on SQLite) runs producer threads that
open escalations at a fixed overall rate (each one a transaction doing what the runner's
after-turn hook adds to a turn, on a case loaded before the run as a turn holds it) and the real
dispatcher, woken on commit. Before the measured schedule each process makes WARM_UP
submissions that are not counted (connections opened, statements prepared). A second process
runs the receiver (uvicorn), which verifies every Standard Webhooks signature and drops
duplicate webhook-ids. Latency = delivery marked in the database (after the 2xx) minus the
submission's scheduled moment; receipt = when the receiver got the request. The stages split
latency: wait (schedule to the submit transaction's clock), submit (to its commit), pickup (to
the attempt's start: wake-up and claim), post (the HTTP exchange), mark (to the settle's clock).
Prints a Markdown table; medians over the runs.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import harness  # noqa: E402  (sets the encryption keys of the run)
from escalation_app import SECRET, Schedule, app_worker, prepare  # noqa: E402
from escalation_figures import Sitting, delivered_rows, dump, figures, table  # noqa: E402
from escalation_receiver import Receiving  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from storage import db  # noqa: E402
from storage.escalation_models import Delivery  # noqa: E402

WARM_UP = 50
"""Submissions per app process before the measured schedule (not counted)."""
START_SECONDS = 10.0
"""Time the app processes get to start, import and load their cases before the schedule."""


def run_once(
    url: str, rate: float, seconds: float, workers: int, producers: int
) -> dict[str, float]:
    """Runs one measurement; returns its figures."""
    ctx = mp.get_context("spawn")
    port = harness.free_port()
    receiving = Receiving(ctx, port, SECRET)
    engine = db.make_engine(url)
    total, warm = int(rate * seconds), WARM_UP * workers
    ids = prepare(engine, warm + total)
    began = time.time() + START_SECONDS
    # A warm-up before the measured schedule: connections opened, statements prepared.
    warming = {case_id: began - 3.0 + 2.5 * i / warm for i, case_id in enumerate(ids[:warm])}
    started = {case_id: began + index / rate for index, case_id in enumerate(ids[warm:])}
    schedules = [_share(warming, n, workers) + _share(started, n, workers) for n in range(workers)]
    produced_at, committed = run_apps(ctx, url, port, schedules, producers, seconds + 300)
    report_stuck(engine)
    seen, bad = receiving.finish()
    rows = [row for row in delivered_rows(engine) if row.case_id in started]
    if os.environ.get("SUARA_BENCH_DUMP"):  # one line per delivery, for looking at the tail
        dump(Path(os.environ["SUARA_BENCH_DUMP"]), rows, started, committed)
    engine.dispose()
    produced_in = produced_at - began
    sitting = Sitting(rate, total, began, produced_in, started, committed, seen, bad, rows)
    return figures(sitting)


def run_apps(
    ctx: Any, url: str, port: int, schedules: list[Schedule], producers: int, wait: float
) -> tuple[float, dict[int, float]]:
    """Runs one app process per schedule; returns when the last was done and every commit."""
    outs = ctx.Queue()
    apps = [
        ctx.Process(
            target=app_worker,
            args=(url, port, schedule),
            kwargs={"producers": producers, "out": outs},
        )
        for schedule in schedules
    ]
    for app in apps:
        app.start()
    outcomes = [outs.get(timeout=wait) for _ in apps]
    committed = {k: v for _, part in outcomes for k, v in part.items()}
    for app in apps:
        app.join(timeout=30)
    return max(produced for produced, _ in outcomes), committed


def report_stuck(engine: Any) -> None:
    """Prints the first deliveries that never arrived, with their last error."""
    with db.session(engine) as session:
        stuck = session.exec(
            select(Delivery.state, Delivery.last_error, Delivery.attempts).where(
                col(Delivery.state) != "delivered"
            )
        ).all()
    if stuck:
        print("not delivered:", [tuple(row) for row in stuck][:10], flush=True)


def _share(schedule: dict[int, float], number: int, workers: int) -> Schedule:
    """Returns one app process's part of a schedule."""
    return list(schedule.items())[number::workers]


def main() -> None:
    """Runs the benchmark and prints the table."""
    parser = harness.parser(__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pg-rate", type=float, default=200.0)
    parser.add_argument("--sqlite-rate", type=float, default=50.0)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--workers", type=int, default=2, help="app processes on PostgreSQL")
    parser.add_argument("--producers", type=int, default=8, help="threads per app process")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    print(f"machine: {harness.machine()}")
    for kind in [args.only] if args.only else ["postgresql", "sqlite"]:
        table(kind, measure(kind, args))


def measure(kind: str, args: Any) -> list[dict[str, float]]:
    """Runs the measurement --runs times on one kind of database; returns each run's figures."""
    postgres = kind == "postgresql"
    assert args.postgres or not postgres, "--postgres URL (or SUARA_TEST_POSTGRES_URL) is needed"
    rate = args.pg_rate if postgres else args.sqlite_rate
    workers = args.workers if postgres else 1  # SQLite: exactly one dispatcher
    producers = args.producers if postgres else 2
    runs = []
    for _ in range(args.runs):
        with harness.fresh_database(args.postgres if postgres else None) as url:
            runs.append(run_once(url, rate, args.seconds, workers, producers))
        print(kind, {k: round(v, 1) for k, v in runs[-1].items()}, flush=True)
    return runs


if __name__ == "__main__":
    main()
