"""The escalation bench's figures: delivered rows, latency and its stages, the CSV and the table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from storage import db
from storage.escalation_models import Delivery, DeliveryAttempt, Escalation
from storage.models import Case

STAGES = ("wait", "submit", "pickup", "post", "mark")


@dataclass(frozen=True)
class Row:
    """One delivered webhook's moments (Unix seconds) as the database recorded them."""

    case_id: int
    msg_id: str
    created: float
    attempt_started: float
    attempt_ms: int
    delivered: float | None


@dataclass(frozen=True)
class Sitting:
    """What one measured run saw: the schedule, the commits, the receipts, the database rows."""

    rate: float
    total: int
    began: float
    produced_in: float
    started: dict[int, float]
    committed: dict[int, float]
    seen: dict[str, float]
    bad: int
    rows: list[Row]


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


def figures(sitting: Sitting) -> dict[str, float]:
    """Returns the figures of one run: rates, latency, receipt and the stages."""
    started, rows = sitting.started, sitting.rows
    marked = {row.case_id: row.delivered for row in rows if row.delivered}
    msg_case = {row.msg_id: row.case_id for row in rows}
    latencies = sorted((marked[c] - started[c]) * 1000 for c in marked)
    seen = sitting.seen
    receipts = sorted((seen[m] - started[msg_case[m]]) * 1000 for m in seen if m in msg_case)
    last = max(marked.values()) if marked else sitting.began
    return {
        "offered": sitting.rate,
        "produced_rate": sitting.total / sitting.produced_in,
        "delivered": len(marked),
        "total": sitting.total,
        "bad_signatures": sitting.bad,
        "duplicates": 0,
        "throughput": len(marked) / (last - min(started.values())),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else float("nan"),
        "receipt_p50": percentile(receipts, 50),
        "receipt_p99": percentile(receipts, 99),
        **stages(rows, started, sitting.committed),
    }


def stages(
    rows: list[Row], started: dict[int, float], committed: dict[int, float]
) -> dict[str, float]:
    """Splits latency into stages; returns the p50 and p99 of each, in ms.

    wait: due moment to the submit transaction's clock; submit: that clock to its commit;
    pickup: commit to the attempt's start (wake-up, claim); post: the HTTP exchange;
    mark: the answer to the settle transaction's clock.
    """
    parts: dict[str, list[float]] = {name: [] for name in STAGES}
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


def percentile(values: list[float], pct: float) -> float:
    """Returns the nearest-rank percentile of sorted values."""
    if not values:
        return float("nan")
    rank = max(int(round(pct / 100 * len(values) + 0.5)) - 1, 0)
    return values[min(rank, len(values) - 1)]


def table(kind: str, runs: list[dict[str, float]]) -> None:
    """Prints one Markdown row per figure: the median and every run."""
    print(f"\n| {kind} | median | runs |\n|---|---:|---|")
    names = ["offered", "throughput", "p50", "p99", "max", "receipt_p50", "receipt_p99"]
    for stage in STAGES:
        names += [f"{stage}_p50", f"{stage}_p99"]
    for name in names:
        values = [r[name] for r in runs]
        shown = ", ".join(f"{v:.1f}" for v in values)
        print(f"| {name} | {statistics.median(values):.1f} | {shown} |")
    delivered = [f"{int(r['delivered'])}/{int(r['total'])}" for r in runs]
    print(f"| delivered | | {', '.join(delivered)} |")
    print(f"| bad signatures | | {', '.join(str(int(r['bad_signatures'])) for r in runs)} |")
