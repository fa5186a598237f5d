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

import argparse
import asyncio
import datetime as dt
import gc
import logging
import multiprocessing as mp
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import loadkit  # noqa: E402, F401  (sets the encryption keys of the run)
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from bot.casework.referrals import GATE  # noqa: E402
from escalation import service  # noqa: E402
from escalation.delivery import signing  # noqa: E402
from escalation.delivery.dispatcher import Dispatcher, Tuning  # noqa: E402
from escalation.desk import Desk  # noqa: E402
from escalation.offices import Directory, Endpoint, Office  # noqa: E402
from storage import db, queries  # noqa: E402
from storage.escalation_models import Delivery, DeliveryAttempt, Escalation  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Case  # noqa: E402

SECRET = os.environ.setdefault("SUARA_BENCH_SECRET", signing.new_secret())
WARM_UP = 50
"""Submissions per app process before the measured schedule (not counted)."""


def receiver(port: int, secret: str, ready: Any, done: Any, results: Any) -> None:
    """Runs the verifying receiver until `done` is set; then reports receipt times."""
    import uvicorn

    key = [signing.decode_secret(secret)]
    seen: dict[str, float] = {}
    bad = [0]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        try:
            msg_id = signing.verify(key, body, headers, dt.datetime.now(dt.UTC))
            seen.setdefault(msg_id, time.time())
            status = 204
        except signing.VerificationError:
            bad[0] += 1
            status = 401
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    ready.set()
    done.wait()
    results.put((dict(seen), bad[0]))
    server.should_exit = True
    thread.join(timeout=5)


def fresh_database(kind: str, pg_url: str | None, folder: Path) -> tuple[str, Any]:
    """Returns a migrated database URL and a clean-up callable."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        upgrade(url)
        return url, lambda: None
    assert pg_url, "--postgres URL (or SUARA_TEST_POSTGRES_URL) is needed"
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(db.normalise_url(pg_url))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    upgrade(rendered)

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return rendered, drop


def prepare(engine: Any, count: int) -> list[int]:
    """Creates one reporter, one conversation and `count` submitted cases; returns their ids."""
    with db.session(engine) as session:
        reporter = queries.get_or_create_reporter(
            session=session, channel="web", channel_user_id="b"
        )
        chat, _ = queries.lock_conversation(
            session=session, channel="web", chat_id="b", reporter_id=reporter.id or 0
        )
        ids = []
        for number in range(count):
            case = Case(
                reference=f"MC-2026-{number + 1:06d}",
                conversation_id=chat.id or 0,
                reporter_id=reporter.id or 0,
                urgency="P1",
                categories=["GAJI", "DOKUMEN"],
                primary_category="GAJI",
                destination_country="MY",
                lead_office="kuala_lumpur",
                liaison_office="jember",
                locale="id",
                channel="telegram",
                status="submitted",
                submitted_at=dt.datetime.now(dt.UTC),
            )
            session.add(case)
            session.flush()
            ids.append(case.id or 0)
        return ids


def submit(engine: Any, desk: Desk, case: Case, committed: dict[int, float]) -> None:
    """One submission: the escalation of a just-submitted case opens in its own transaction.

    This is the work the runner's after-turn hook adds to a turn, on the case the turn already
    holds (loaded before the run); the turn's own work is measured by bench/engine.py.
    """
    with db.session(engine) as session:
        session.add(case)
        service.open_or_update(session, desk, case, "case_submitted", dt.datetime.now(dt.UTC))
    committed[case.id or 0] = time.time()


def load_cases(engine: Any, ids: list[int]) -> dict[int, Case]:
    """Returns the cases by id, loaded once before the run (a turn holds its case already)."""
    with db.session(engine) as session:
        return {
            case.id or 0: case for case in session.exec(select(Case).where(col(Case.id).in_(ids)))
        }


def produce(
    engine: Any,
    desk: Desk,
    schedule: list[tuple[int, float]],
    producers: int,
    committed: dict[int, float],
) -> None:
    """Submits each case at its due time from a pool of threads (several reporters' turns).

    Latency counts from the due time, so a producer that falls behind shows up as latency
    instead of being hidden (no coordinated omission).
    """
    failed: list[BaseException] = []
    cases = load_cases(engine, [case_id for case_id, _ in schedule])
    # The preloaded cases are the bench's own objects: collect once now so that promoting them
    # does not trigger a full collection (a pause of 100 ms and more) in the measured minute.
    gc.collect()
    with ThreadPoolExecutor(max_workers=producers) as pool:
        for case_id, due in schedule:
            pause = due - time.time()
            if pause > 0:
                time.sleep(pause)
            future = pool.submit(submit, engine, desk, cases[case_id], committed)
            future.add_done_callback(lambda done: failed.extend(filter(None, [done.exception()])))
    if failed:
        print(f"{len(failed)} submissions failed, first: {failed[0]!r}", flush=True)


def make_desk(port: int) -> Desk:
    """Returns the desk of one office whose endpoint is the loopback receiver."""
    endpoint = Endpoint(
        name="bench",
        office="kuala_lumpur",
        level="office",
        url=f"http://127.0.0.1:{port}/hook",
        secrets=(signing.decode_secret(SECRET),),
        max_in_flight=64,
    )
    directory = Directory(offices={"kuala_lumpur": Office("kuala_lumpur", "KL", (endpoint,))})
    return Desk(directory=directory, sharing=GATE, base_url="https://suara.example.org")


def app_worker(
    url: str, port: int, schedule: list[tuple[int, float]], producers: int, out: Any
) -> None:
    """One app process: producer threads and the dispatcher, woken on each commit."""
    out.put(asyncio.run(_app(url, port, schedule, producers)))


async def _app(
    url: str, port: int, schedule: list[tuple[int, float]], producers: int
) -> tuple[float, dict[int, float]]:
    engine = db.make_engine(url)
    desk = make_desk(port)
    dispatcher = Dispatcher(
        engine, desk, tuning=Tuning(allow_private=True, poll_seconds=1.0, concurrency=64)
    )
    task = asyncio.create_task(dispatcher.run())
    committed: dict[int, float] = {}
    producer = threading.Thread(target=produce, args=(engine, desk, schedule, producers, committed))
    producer.start()
    await asyncio.to_thread(producer.join)
    produced = time.time()
    deadline = time.time() + 60
    while time.time() < deadline:
        with db.session(engine) as session:
            left = session.exec(
                select(Delivery.id).where(col(Delivery.state) != "delivered").limit(1)
            ).first()
        if left is None:
            break
        await asyncio.sleep(0.2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    engine.dispose()
    return produced, committed


def run_once(
    url: str, rate: float, seconds: float, workers: int, producers: int
) -> dict[str, float]:
    """Runs one measurement; returns its figures."""
    ctx = mp.get_context("spawn")
    ready, done, results = ctx.Event(), ctx.Event(), ctx.Queue()
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = ctx.Process(target=receiver, args=(port, SECRET, ready, done, results))
    process.start()
    ready.wait(30)
    engine = db.make_engine(url)
    total, warm = int(rate * seconds), WARM_UP * workers
    ids = prepare(engine, warm + total)
    began = time.time() + 10.0  # the app processes start, import and load their cases meanwhile
    # A warm-up before the measured schedule: connections opened, statements prepared.
    warming = {case_id: began - 3.0 + 2.5 * i / warm for i, case_id in enumerate(ids[:warm])}
    started = {case_id: began + index / rate for index, case_id in enumerate(ids[warm:])}
    outs = ctx.Queue()
    apps = [
        ctx.Process(
            target=app_worker,
            args=(url, port, _share(warming, number, workers) + _share(started, number, workers)),
            kwargs={"producers": producers, "out": outs},
        )
        for number in range(workers)
    ]
    for app in apps:
        app.start()
    outcomes = [outs.get(timeout=seconds + 300) for _ in apps]
    produced_at = max(produced for produced, _ in outcomes)
    committed = {k: v for _, part in outcomes for k, v in part.items()}
    for app in apps:
        app.join(timeout=30)
    produced_in = produced_at - began
    with db.session(engine) as session:
        stuck = session.exec(
            select(Delivery.state, Delivery.last_error, Delivery.attempts).where(
                col(Delivery.state) != "delivered"
            )
        ).all()
    if stuck:
        print("not delivered:", [tuple(row) for row in stuck][:10], flush=True)
    done.set()
    seen, bad = results.get(timeout=30)
    process.join(timeout=10)
    rows = [row for row in delivered_rows(engine) if row.case_id in started]
    if os.environ.get("SUARA_BENCH_DUMP"):  # one line per delivery, for looking at the tail
        dump(Path(os.environ["SUARA_BENCH_DUMP"]), rows, started, committed)
    engine.dispose()
    marked = {row.case_id: row.delivered for row in rows if row.delivered}
    msg_case = {row.msg_id: row.case_id for row in rows}
    latencies = sorted((marked[c] - started[c]) * 1000 for c in marked)
    receipts = sorted((seen[m] - started[msg_case[m]]) * 1000 for m in seen if m in msg_case)
    last = max(marked.values()) if marked else began
    return {
        "offered": rate,
        "produced_rate": total / produced_in,
        "delivered": len(marked),
        "total": total,
        "bad_signatures": bad,
        "duplicates": 0,
        "throughput": len(marked) / (last - min(started.values())),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else float("nan"),
        "receipt_p50": percentile(receipts, 50),
        "receipt_p99": percentile(receipts, 99),
        **stages(rows, started, committed),
    }


@dataclass(frozen=True)
class Row:
    """One delivered webhook's moments (Unix seconds) as the database recorded them."""

    case_id: int
    msg_id: str
    created: float
    attempt_started: float
    attempt_ms: int
    delivered: float | None


def delivered_rows(engine: Any) -> list[Row]:
    """Returns every delivery with its case and its last attempt."""
    query = (
        select(Delivery, col(Case.id), DeliveryAttempt)
        .join(Escalation, col(Escalation.id) == col(Delivery.escalation_id))
        .join(Case, col(Escalation.case_id) == col(Case.id))
        .join(
            DeliveryAttempt,
            (col(DeliveryAttempt.delivery_id) == col(Delivery.id))
            & (col(DeliveryAttempt.attempt_no) == col(Delivery.attempts)),
        )
    )
    with db.session(engine) as session:
        return [
            Row(
                case_id,
                row.msg_id,
                row.created_at.timestamp(),
                attempt.started_at.timestamp(),
                attempt.duration_ms,
                row.delivered_at.timestamp() if row.delivered_at else None,
            )
            for row, case_id, attempt in session.exec(query)
        ]


def stages(
    rows: list[Row], started: dict[int, float], committed: dict[int, float]
) -> dict[str, float]:
    """Splits latency into stages; returns the p50 and p99 of each, in ms.

    wait: due moment to the submit transaction's clock; submit: that clock to its commit;
    pickup: commit to the attempt's start (wake-up, claim); post: the HTTP exchange;
    mark: the answer to the settle transaction's clock.
    """
    parts: dict[str, list[float]] = {n: [] for n in ("wait", "submit", "pickup", "post", "mark")}
    for row in rows:
        if row.delivered is None or row.case_id not in committed:
            continue
        answered = row.attempt_started + row.attempt_ms / 1000
        parts["wait"].append(row.created - started[row.case_id])
        parts["submit"].append(committed[row.case_id] - row.created)
        parts["pickup"].append(row.attempt_started - committed[row.case_id])
        parts["post"].append(row.attempt_ms / 1000)
        parts["mark"].append(row.delivered - answered)
    found = {}
    for name, values in parts.items():
        values.sort()
        found[f"{name}_p50"] = percentile(values, 50) * 1000
        found[f"{name}_p99"] = percentile(values, 99) * 1000
    return found


def dump(
    path: Path, rows: list[Row], started: dict[int, float], committed: dict[int, float]
) -> None:
    """Writes due moment, latency and the moments of each stage (ms after due), one per line."""
    with path.open("w") as out:
        out.write("due,latency,begun,committed,attempt,answered\n")
        for row in sorted(rows, key=lambda r: started[r.case_id]):
            due = started[row.case_id]
            moments = (
                row.delivered or due,
                row.created,
                committed.get(row.case_id, due),
                row.attempt_started,
                row.attempt_started + row.attempt_ms / 1000,
            )
            out.write(f"{due:.3f}," + ",".join(f"{(m - due) * 1000:.1f}" for m in moments) + "\n")


def _share(schedule: dict[int, float], number: int, workers: int) -> list[tuple[int, float]]:
    """Returns one app process's part of a schedule."""
    return list(schedule.items())[number::workers]


def percentile(values: list[float], pct: float) -> float:
    """Returns the nearest-rank percentile of sorted values."""
    if not values:
        return float("nan")
    rank = max(int(round(pct / 100 * len(values) + 0.5)) - 1, 0)
    return values[min(rank, len(values) - 1)]


def main() -> None:
    """Runs the benchmark and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("SUARA_TEST_POSTGRES_URL"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pg-rate", type=float, default=200.0)
    parser.add_argument("--sqlite-rate", type=float, default=50.0)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--workers", type=int, default=2, help="app processes on PostgreSQL")
    parser.add_argument("--producers", type=int, default=8, help="threads per app process")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    kinds = [args.only] if args.only else ["postgresql", "sqlite"]
    print(f"machine: {os.cpu_count()} cores, {cpu()}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            postgres = kind == "postgresql"
            rate = args.pg_rate if postgres else args.sqlite_rate
            workers = args.workers if postgres else 1  # SQLite: exactly one dispatcher
            producers = args.producers if postgres else 2
            runs = []
            for _ in range(args.runs):
                url, drop = fresh_database(kind, args.postgres, Path(folder))
                try:
                    runs.append(run_once(url, rate, args.seconds, workers, producers))
                finally:
                    drop()
                print(kind, {k: round(v, 1) for k, v in runs[-1].items()}, flush=True)
            table(kind, runs)


def cpu() -> str:
    """Returns the CPU model name."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def table(kind: str, runs: list[dict[str, float]]) -> None:
    """Prints one Markdown row per figure: the median and every run."""
    print(f"\n| {kind} | median | runs |\n|---|---:|---|")
    names = ["offered", "throughput", "p50", "p99", "max", "receipt_p50", "receipt_p99"]
    for stage in ("wait", "submit", "pickup", "post", "mark"):
        names += [f"{stage}_p50", f"{stage}_p99"]
    for name in names:
        values = [r[name] for r in runs]
        shown = ", ".join(f"{v:.1f}" for v in values)
        print(f"| {name} | {statistics.median(values):.1f} | {shown} |")
    delivered = [f"{int(r['delivered'])}/{int(r['total'])}" for r in runs]
    print(f"| delivered | | {', '.join(delivered)} |")
    print(f"| bad signatures | | {', '.join(str(int(r['bad_signatures'])) for r in runs)} |")


if __name__ == "__main__":
    main()
