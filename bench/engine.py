"""Engine speed: pure engine turns per second, and full turns (engine + storage commit) per second.

Usage: python bench/engine.py [--postgres URL] [--runs 3] [--reports 40]
Prints a Markdown table; medians over the runs. Full turns run one whole self report per
simulated reporter, through the real runner, on SQLite (file, WAL, synchronous=FULL) and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import harness  # noqa: E402  (sets the encryption keys of the run)
from report_script import REPORT, START  # noqa: E402

from bot.envelopes import Channel, InboundEvent  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.runtime.runner import Runner  # noqa: E402
from bot.safety.help_contacts import load_contacts  # noqa: E402
from bot.settings import Settings  # noqa: E402
from flows.context import Context  # noqa: E402
from flows.engine import advance  # noqa: E402
from flows.vocabulary import InputKind, UserInput  # noqa: E402
from storage import db  # noqa: E402


def user_input(kind: str, value: str, at: dt.datetime) -> UserInput:
    """Returns one engine input of the scripted report."""
    if kind == "press":
        return UserInput(kind=InputKind.CHOICE, at=at, choice_id=value)
    return UserInput(kind=InputKind.TEXT, at=at, text=value, locale_hint="en")


def pure_turns_per_second(context: Context, reports: int) -> float:
    """Runs whole reports through the pure engine; returns turns per second."""
    turns = 0
    began = time.perf_counter()
    for _ in range(reports):
        state = None
        for n, (kind, value) in enumerate(REPORT):
            state = advance(
                state, user_input(kind, value, START + dt.timedelta(seconds=n)), context
            ).state
            turns += 1
    return turns / (time.perf_counter() - began)


def event(chat: str, kind: str, value: str, at: dt.datetime) -> InboundEvent:
    """Returns one inbound event of the scripted report."""
    said = user_input(kind, value, at)
    return InboundEvent(
        channel=Channel.WEB,
        chat_id=chat,
        user_id=chat,
        kind=said.kind,
        at=at,
        choice_id=said.choice_id,
        text=said.text,
        locale_hint=said.locale_hint,
    )


def full_turns_per_second(runner: Runner, reports: int, threads: int, tag: str) -> float:
    """Files whole reports through the runner from several threads; returns turns per second."""

    def file(worker: int) -> None:
        for r in range(worker, reports, threads):
            chat = f"{tag}-{r}"
            for n, (kind, value) in enumerate(REPORT):
                runner.handle(event(chat, kind, value, START + dt.timedelta(seconds=n)))

    began = time.perf_counter()
    pool = [threading.Thread(target=file, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return reports * len(REPORT) / (time.perf_counter() - began)


def main() -> None:
    """Runs every measurement and prints the table."""
    parser = harness.parser(__doc__)
    parser.add_argument("--reports", type=int, default=40)
    args = parser.parse_args()
    catalogs = Catalogs()
    contacts = load_contacts(Settings().files.help_contacts_file).contacts
    context = Context(contacts, catalogs.aliases())
    results: dict[str, list[float]] = {}
    targets = {"SQLite": None, "PostgreSQL": args.postgres} if args.postgres else {"SQLite": None}
    for run in range(args.runs):
        results.setdefault("pure engine, 1 thread", []).append(pure_turns_per_second(context, 200))
        for name, postgres in targets.items():
            for threads in (1, 4):
                with harness.fresh_database(postgres) as url:
                    engine = db.make_engine(url)
                    runner = Runner(engine, catalogs, context)
                    rate = full_turns_per_second(runner, args.reports, threads, f"r{run}")
                    results.setdefault(f"full turn, {name}, {threads} thread(s)", []).append(rate)
                    engine.dispose()
    print_table(results, args.runs)


def print_table(results: dict[str, list[float]], runs: int) -> None:
    """Prints the machine, then one Markdown row per measurement: the median and every run."""
    print(f"Machine: {harness.machine(system=True)}")  # noqa: T201
    print(f"Runs: {runs}; turns per whole report: {len(REPORT)}\n")  # noqa: T201
    print("| measurement | turns/s (median) | runs |")  # noqa: T201
    print("|---|---:|---|")  # noqa: T201
    for name, rates in results.items():
        shown = ", ".join(f"{r:,.0f}" for r in rates)
        print(f"| {name} | {statistics.median(rates):,.0f} | {shown} |")  # noqa: T201


if __name__ == "__main__":
    main()
