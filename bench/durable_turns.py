"""Durable turns per second, one turn at a time and group-committed, beside PTB's in-memory rate.

Usage: python bench/durable_turns.py [--postgres URL] [--runs 5] [--reports 32]
A durable turn loads the conversation, runs the engine, saves the state, the case changes and
audit, queues the replies in the outbox and marks its inbox row processed, committed. Every
reporter plays the scripted 24-turn self report (bench/report_script.py); the inbox rows are
recorded before the clock starts. "one at a time" is the runner's single-turn path
(Runner.handle, one transaction per turn); "group-committed" is bot/runtime/batch.py (each
worker plays the next turn of all its reporters as one group). Workers are threads of one
process sharing the database. Each run measures python-telegram-bot's ConversationHandler
(bench/frameworks.py) right before its burst; the figure is the median of per-run ratios.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import harness  # noqa: E402  (sets the encryption keys of the run)
import method  # noqa: E402
from engine import event  # noqa: E402
from frameworks import ptb_updates_per_second  # noqa: E402
from report_script import REPORT, START  # noqa: E402

from bot.i18n import Catalogs  # noqa: E402
from bot.runtime.batch import GroupRunner, TurnJob  # noqa: E402
from bot.runtime.runner import Runner  # noqa: E402
from bot.safety.help_contacts import load_contacts  # noqa: E402
from bot.settings import Settings  # noqa: E402
from flows.context import Context  # noqa: E402
from storage import db, queries  # noqa: E402

Jobs = list[list[TurnJob]]
"""Each reporter's turns, in order, with their recorded inbox rows."""


def recorded(url: str, reports: int) -> Jobs:
    """Records every turn's inbox row; returns each reporter's jobs."""
    engine = db.make_engine(url)
    jobs: Jobs = []
    with engine.begin() as connection:
        for r in range(reports):
            chat = f"reporter-{r}"
            rows = [(f"{chat}-{n}", chat, b"{}") for n in range(len(REPORT))]
            ids = queries.record_inbound_many(connection=connection, channel="web", rows=rows)
            jobs.append(
                [
                    TurnJob(event(chat, kind, value, START + dt.timedelta(seconds=n)), inbound_id)
                    for n, ((kind, value), inbound_id) in enumerate(zip(REPORT, ids, strict=True))
                ]
            )
    engine.dispose()
    return jobs


def one_at_a_time(runner: Runner, mine: Jobs) -> None:
    """Plays a worker's reporters one turn per transaction."""
    for reporter in mine:
        for job in reporter:
            runner.handle(job.event, inbound_id=job.inbound_id)


def grouped(runner: Runner, mine: Jobs) -> None:
    """Plays a worker's reporters turn by turn, all its reporters' turn n in one group."""
    group = GroupRunner(runner)
    for n in range(len(REPORT)):
        group.run([reporter[n] for reporter in mine])


def rate(
    postgres: str | None, reports: int, workers: int, play: Callable[[Runner, Jobs], None]
) -> float:
    """Returns durable turns per second of `workers` threads on a fresh database."""
    catalogs = Catalogs()
    context = Context(
        load_contacts(Settings().files.help_contacts_file).contacts, catalogs.aliases()
    )
    with harness.fresh_database(postgres) as url:
        jobs = recorded(url, reports)
        engine = db.make_engine(url)
        runner = Runner(engine, catalogs, context)
        pool = [
            threading.Thread(target=play, args=(runner, jobs[w::workers])) for w in range(workers)
        ]
        began = time.perf_counter()
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - began
        engine.dispose()
    return reports * len(REPORT) / elapsed


def main() -> None:
    """Runs every comparison and prints the header and the table."""
    parser = method.parser(__doc__)
    parser.add_argument("--reports", type=int, default=32)
    args = parser.parse_args()
    targets = {"SQLite": None, "PostgreSQL": args.postgres} if args.postgres else {"SQLite": None}
    plays = {"one at a time": one_at_a_time, "group-committed": grouped}
    found = []
    for name, postgres in targets.items():
        for workers in (1, 4):
            for mode, play in plays.items():
                found.append(
                    method.compare(
                        f"durable turns, {name}, {workers} worker(s), {mode}",
                        lambda p=postgres, w=workers, f=play: rate(p, args.reports, w, f),
                        "PTB ConversationHandler",
                        ptb_updates_per_second,
                        runs=args.runs,
                    )
                )
    print(method.header())  # noqa: T201
    print(f"Reporters: {args.reports}; turns per report: {len(REPORT)}\n")  # noqa: T201
    print(method.table(found, unit="turns/s"))  # noqa: T201


if __name__ == "__main__":
    main()
