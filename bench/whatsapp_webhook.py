"""WhatsApp webhook load: many reporters filing whole reports at once over loopback.

Usage: python bench/whatsapp_webhook.py [--postgres URL] [--runs 3] [--reporters 32]
       [--connections 32] [--quick]

Suara runs in its own process (uvicorn, one worker, the real app: signature check, durable inbox,
turns, outbox, the WhatsApp sender); replies go over HTTP to the fake Graph API from the tests,
served in a child process. A bare FastAPI endpoint (read the body, answer 200) runs in a third
process as the ceiling, measured in the same sitting with the same client (aiohttp, in
bench/webhook_load.py, shared with the Telegram bench) and the same signed bodies.

Two phases per database and run:
- burst: every reporter posts its whole report back to back (next message once the previous one is
  acknowledged), 32 requests in flight: acknowledged updates/s, p50/p99 acknowledgement latency,
  then p99 time from an update's POST to its first reply reaching the fake Graph API.
- conversation: as many reporters as connections, each waiting for the reply before its next
  message (zero think time): updates/s through the whole path and p50/p99 reply latency.
Prints a Markdown table; medians over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "whatsapp"), str(ROOT / "bench")]

import harness  # noqa: E402
import loadkit  # noqa: E402
from fake_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph, Sent, media_sha256_b64  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from harness import postgres_schema  # noqa: E402
from loadkit import Result, server  # noqa: E402
from wa_bodies import APP_SECRET, contact, envelope, image, meta_bytes, sign, value  # noqa: E402
from wa_bodies import message as wa_message  # noqa: E402
from webhook_load import FakeProcess, Reporter, burst, conversation, reply_counts  # noqa: E402

from storage.migrate import upgrade  # noqa: E402

REPORT: list[tuple[str, str]] = [
    ("say", "Halo"), ("tap", "language.id"), ("tap", "danger.no"), ("tap", "safe_now.safe"),
    ("tap", "role.worker"), ("tap", "consent.agree"), ("tap", "self_country.MY"),
    ("say", "Johor Bahru"), ("tap", "self_help.wages"), ("tap", "cmd:done"), ("say", "1, 2"),
    ("tap", "self_freedom.both"), ("say", "3"), ("say", "RM 4.500"),
    ("say", "Majikan menahan paspor saya, gaji belum dibayar sejak Agustus."), ("say", "Sari"),
    ("tap", "self_contact.this_chat"), ("tap", "self_times.evening"),
    ("tap", "self_regency.Indramayu"), ("tap", "self_job.domestic"), ("tap", "self_route.p3mi"),
    ("tap", "cmd:skip"), ("say", "Agustus 2026"), ("photo", "1286451905998041"),
    ("tap", "cmd:done"), ("tap", "review.confirm"),
]  # fmt: skip
"""One whole self report in Indonesian: 26 updates, every one answered by at least one message."""


# ----------------------------------------------------------------------------- servers


def bare_app() -> FastAPI:
    """The ceiling: the same route, reading the body and answering 200, nothing else."""
    return loadkit.bare_app("/webhooks/whatsapp")


def serve_graph(port: int, replies: Any) -> None:
    """Runs the fake Graph API (in the bench's child process); reports each message it accepts."""
    fake = FakeGraph()
    fake.base = f"http://127.0.0.1:{port}"

    def on_sent(sent: Sent) -> None:
        replies.put((sent.to or "", time.monotonic()))

    fake.on_sent = on_sent
    uvicorn.run(fake.app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def suara_env(database_url: str, files: Path, api_base_url: str) -> dict[str, str]:
    return {
        **harness.KEYS,
        **loadkit.process_env(),
        "DATABASE_URL": database_url,
        "FILE_STORE": str(files),
        "WHATSAPP_ACCESS_TOKEN": TOKEN,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": "bench-verify-token",
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_API_BASE_URL": api_base_url,
        "WHATSAPP_PAIR_BURST": "1000000",  # the fake does not enforce Meta's pair rate limit
    }


# ----------------------------------------------------------------------------- load


def reporter(wa_id: str) -> Reporter:
    """Returns a reporter whose requests are one whole report, signed as Meta signs it."""
    found = Reporter(wa_id)
    for kind, what in REPORT:
        if kind == "say":
            item = wa_message(wa_id, "text", {"body": what})
        elif kind == "photo":
            item = image(wa_id, what, media_sha256_b64(what))
        else:
            reply = {"type": "button_reply", "button_reply": {"id": what, "title": what[:20]}}
            item = wa_message(wa_id, "interactive", reply)
        raw = meta_bytes(envelope(value(contacts=[contact(wa_id)], messages=[item])))
        headers = {"content-type": "application/json", "x-hub-signature-256": sign(raw)}
        found.requests.append((raw, headers))
    return found


def reporters(prefix: str, count: int) -> list[Reporter]:
    return [reporter(f"{prefix}{n:04d}") for n in range(1, count + 1)]


# ----------------------------------------------------------------------------- main


async def measure(args: argparse.Namespace) -> dict[str, list[Result]]:
    results: dict[str, list[Result]] = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        fake = stack.enter_context(FakeProcess(serve_graph))
        api = f"{fake.base_url}/v23.0"
        bases = {"ceiling": stack.enter_context(server("bench.whatsapp_webhook:bare_app", {}))}
        backends = {"SQLite": f"sqlite:///{Path(tmp) / 'suara.db'}"}
        if args.postgres:
            backends["PostgreSQL"] = stack.enter_context(postgres_schema(args.postgres, "bench_wa"))
        for name, url in backends.items():
            upgrade(url)
            env = suara_env(url, Path(tmp) / f"files-{name}", api)
            bases[name] = stack.enter_context(server("handlers.app:create_app", env))
        counts: dict[str, list[int]] = {}
        for index, name in enumerate(n for n in bases if n != "ceiling"):
            url = f"{bases[name]}/webhooks/whatsapp"
            counts[name] = await reply_counts(url, fake, reporter(f"62{index + 1}90000"))
            print(f"{name}: replies per update {counts[name]}", file=sys.stderr)
        for run in range(args.runs):
            for index, name in enumerate(bases):
                url = f"{bases[name]}/webhooks/whatsapp"
                prefix = f"62{index + 1}{run + 1}"
                group = reporters(prefix + "1", args.reporters)
                feed = None if name == "ceiling" else fake
                found = await burst(url, feed, group, counts.get(name, []), args.connections)
                results.setdefault(f"{name} burst", []).append(found)
                print(f"run {run + 1} {name} burst: {found}", file=sys.stderr)
                if name == "ceiling":
                    continue
                group = reporters(prefix + "2", args.connections)
                found = await conversation(url, fake, group, counts[name])
                results.setdefault(f"{name} conversation", []).append(found)
                print(f"run {run + 1} {name} conversation: {found}", file=sys.stderr)
    return results


def median(results: list[Result], name: str) -> float:
    return statistics.median(getattr(r, name) for r in results)


def table(results: dict[str, list[Result]], args: argparse.Namespace) -> str:
    ceiling = median(results["ceiling burst"], "updates_per_s")
    lines = [
        "| measurement | updates/s | of ceiling | ack p50 ms | ack p99 ms | first reply p50 ms "
        "| first reply p99 ms | all replied, updates/s | updates/s per run |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, found in results.items():
        rate = median(found, "updates_per_s")
        runs = ", ".join(f"{r.updates_per_s:,.0f}" for r in found)
        replies = name != "ceiling burst"
        lines.append(
            f"| {name} | {rate:,.0f} | {rate / ceiling:.0%} | {median(found, 'ack_p50_ms'):.1f} "
            f"| {median(found, 'ack_p99_ms'):.1f} "
            f"| {median(found, 'reply_p50_ms'):,.0f} | {median(found, 'reply_p99_ms'):,.0f} "
            if replies
            else f"| {name} | {rate:,.0f} | 100% | {median(found, 'ack_p50_ms'):.1f} "
            f"| {median(found, 'ack_p99_ms'):.1f} | – | – "
        )
        lines[-1] += (
            f"| {median(found, 'handled_per_s'):,.0f} | {runs} |" if replies else f"| – | {runs} |"
        )
    lines += [
        "",
        f"{args.runs} runs, {args.reporters} reporters x {len(REPORT)} updates per burst, "
        f"{args.connections} connections; machine: {harness.machine(system=True)}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = loadkit.load_parser(__doc__, reporters=32)
    parser.add_argument("--quick", action="store_true", help="1 run, 8 reporters, 8 connections")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.reporters, args.connections = 1, 8, 8
    print(table(asyncio.run(measure(args)), args))


if __name__ == "__main__":
    main()
