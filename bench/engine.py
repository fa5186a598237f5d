"""Engine speed: pure engine turns per second, and full turns (engine + storage commit) per second.

Usage: python bench/engine.py [--postgres URL] [--runs 3] [--reports 40]
Prints a Markdown table; medians over the runs. Full turns run one whole self report per
simulated reporter, through the real runner, on SQLite (file, WAL, synchronous=FULL) and PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import loadkit  # noqa: E402, F401  (sets the encryption keys of the run)

from bot.envelopes import Channel, InboundEvent  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.runtime.runner import Runner  # noqa: E402
from bot.safety.help_contacts import load_contacts  # noqa: E402
from bot.settings import Settings  # noqa: E402
from flows.context import Context  # noqa: E402
from flows.engine import advance  # noqa: E402
from flows.vocabulary import InputKind, UserInput  # noqa: E402
from storage import db  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

REPORT: list[tuple[str, str]] = [
    ("text", "Hello"),
    ("press", "danger.no"),
    ("press", "safe_now.safe"),
    ("press", "role.worker"),
    ("press", "consent.agree"),
    ("press", "self_country.MY"),
    ("text", "Johor Bahru"),
    ("press", "self_help.wages"),
    ("press", "cmd:done"),
    ("text", "1, 2"),
    ("press", "self_freedom.both"),
    ("text", "3"),
    ("text", "RM 4.500"),
    ("text", "My employer keeps my passport and has not paid me since August."),
    ("text", "Sari"),
    ("press", "self_contact.this_chat"),
    ("press", "self_times.evening"),
    ("press", "self_regency.Indramayu"),
    ("press", "self_job.domestic"),
    ("press", "self_route.p3mi"),
    ("press", "cmd:skip"),
    ("text", "August 2026"),
    ("press", "cmd:done"),
    ("press", "review.confirm"),
]
START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


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
    if kind == "press":
        return InboundEvent(
            channel=Channel.WEB,
            chat_id=chat,
            user_id=chat,
            kind=InputKind.CHOICE,
            at=at,
            choice_id=value,
        )
    return InboundEvent(
        channel=Channel.WEB,
        chat_id=chat,
        user_id=chat,
        kind=InputKind.TEXT,
        at=at,
        text=value,
        locale_hint="en",
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


def fresh_postgres(url: str, run: int) -> str:
    """Returns a URL to an empty schema of its own on the given server."""
    import sqlalchemy

    schema = f"bench_{os.getpid()}_{run}"
    engine = sqlalchemy.create_engine(db.normalise_url(url))
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def machine() -> str:
    """Returns a one-line description of this machine."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    """Runs every measurement and prints the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("SUARA_TEST_POSTGRES_URL"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reports", type=int, default=40)
    args = parser.parse_args()
    catalogs = Catalogs()
    contacts = load_contacts(Settings().files.help_contacts_file).contacts
    context = Context(contacts, catalogs.aliases())
    results: dict[str, list[float]] = {}
    for run in range(args.runs):
        results.setdefault("pure engine, 1 thread", []).append(pure_turns_per_second(context, 200))
        targets = {"SQLite": lambda run=run: f"sqlite:///{tempfile.mkdtemp()}/bench{run}.db"}
        if args.postgres:
            targets["PostgreSQL"] = lambda run=run: fresh_postgres(args.postgres, run)
        for name, make_url in targets.items():
            for threads in (1, 4):
                url = make_url()
                upgrade(url)
                engine = db.make_engine(url)
                runner = Runner(engine, catalogs, context)
                rate = full_turns_per_second(runner, args.reports, threads, f"r{run}")
                results.setdefault(f"full turn, {name}, {threads} thread(s)", []).append(rate)
                engine.dispose()
    print(f"Machine: {machine()}")  # noqa: T201
    print(f"Runs: {args.runs}; turns per whole report: {len(REPORT)}\n")  # noqa: T201
    print("| measurement | turns/s (median) | runs |")  # noqa: T201
    print("|---|---:|---|")  # noqa: T201
    for name, rates in results.items():
        runs = ", ".join(f"{r:,.0f}" for r in rates)
        print(f"| {name} | {statistics.median(rates):,.0f} | {runs} |")  # noqa: T201


if __name__ == "__main__":
    main()
