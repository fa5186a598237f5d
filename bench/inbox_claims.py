"""Inbox claim cost against the backlog: milliseconds per claim of 16, with and without indexes.

Usage: python bench/inbox_claims.py [--postgres URL] [--runs 5] [--processed 40000]
[--pending 8000]

Each database is filled with processed and pending updates of 5,000 chats; then `--runs` claims
of 16 are timed, each by a new owner (so each skips the chats claimed before it). The same
database is measured again after dropping the claim's indexes (INDEXES), to show what a claim
costs when the database sorts the whole backlog or walks the whole history. PostgreSQL's
statistics are gathered after the fill (ANALYZE), as autovacuum would. Prints the machine, the
command and every run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import harness  # noqa: E402  (sets the encryption keys of the run)
import method  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402

from storage import db, inbox_claims  # noqa: E402
from storage.models import InboundUpdate  # noqa: E402

INDEXES = ("ix_inbound_update_status_id", "ix_inbound_update_pending")
"""What a claim reads: (status, id) on SQLite, the partial index of pending ids on PostgreSQL."""
CHATS = 5_000


def fill(engine: Engine, processed: int, pending: int) -> None:
    """Writes processed rows first, then pending ones, as a long-running inbox holds them."""
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "channel": "telegram",
            "external_id": str(n),
            "chat_id": f"chat-{n % CHATS}",
            "payload": b"{}",
            "status": "processed" if n < processed else "pending",
            "received_at": now,
            "attempts": 0,
        }
        for n in range(processed + pending)
    ]
    with db.session(engine) as session:
        session.execute(InboundUpdate.__table__.insert(), rows)  # type: ignore[attr-defined]
    if db.is_postgres(engine):  # as autovacuum would soon after such a burst
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE inbound_update"))


def claims_ms(engine: Engine, runs: int, tag: str) -> list[float]:
    """Times `runs` claims of 16, each by a new owner; returns milliseconds per claim."""
    now = dt.datetime.now(dt.UTC)
    found = []
    for n in range(runs):
        began = time.perf_counter()
        with db.session(engine) as session:
            got = inbox_claims.claim_inbound(
                session=session, owner=f"{tag}-{n}", now=now, seconds=600, limit=16
            )
        found.append((time.perf_counter() - began) * 1000)
        assert len(got) == 16, f"claimed {len(got)}, not 16"
    return found


def measure(url: str, name: str, args: argparse.Namespace) -> list[str]:
    """Returns the table rows of one database: with the index, then without it."""
    engine = db.make_engine(url)
    fill(engine, args.processed, args.pending)
    runs = args.runs
    lines = []
    for label in ("with the claim's indexes", "without them"):
        if label == "without them":
            with db.session(engine) as session:
                for index in INDEXES:
                    session.execute(text(f"DROP INDEX {index}"))
        each = claims_ms(engine, runs, label[:4])
        raw = ", ".join(f"{ms:.1f}" for ms in each)
        lines.append(f"| {name} | {label} | {statistics.median(each):.1f} | {raw} |")
    engine.dispose()
    return lines


def main() -> None:
    """Measures SQLite, and PostgreSQL when a URL is given."""
    parser = harness.parser(__doc__, runs=5)
    parser.add_argument("--processed", type=int, default=40_000)
    parser.add_argument("--pending", type=int, default=8_000)
    args = parser.parse_args()
    lines = ["| database | indexes | median ms per claim | runs (ms) |", "|---|---|---:|---|"]
    with harness.fresh_database(None) as url:
        lines += measure(url, "SQLite", args)
    if args.postgres:
        with harness.fresh_database(args.postgres) as url:
            lines += measure(url, "PostgreSQL", args)
    print(method.header())  # noqa: T201
    print(f"Backlog: {args.processed:,} processed and {args.pending:,} pending updates\n")  # noqa: T201
    print("\n".join(lines))  # noqa: T201


if __name__ == "__main__":
    main()
