"""WhatsApp webhook load: many reporters filing whole reports at once over loopback.

Usage: python bench/whatsapp_webhook.py [--postgres URL] [--runs 3] [--reporters 32]
       [--connections 32] [--quick]

Suara runs in its own process (uvicorn, one worker, the real app: signature check, durable inbox,
turns, outbox, the WhatsApp sender); replies go over HTTP to the fake Graph API from the tests,
served in this process. The load client is httpx2 (httpx's successor, a dev dependency): httpx
0.28's connection pool costs about 8 ms of client CPU per request at 32 connections, which made
the client, not the server, the bottleneck. A bare FastAPI endpoint (read the body, answer 200)
runs in a third process as the ceiling, measured in the same sitting with the same client and
the same signed bodies.

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
import os
import platform
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx  # httpx 0.28 spends ~8 ms CPU per request at 32 connections
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "whatsapp"), str(ROOT / "bench")]

import loadkit  # noqa: E402
from fake_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph, Sent, media_sha256_b64  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from loadkit import (  # noqa: E402
    Result,
    cpu_model,
    first_reply_latencies,
    percentile,
    postgres_schema,
    server,
    wait_replies,
)
from wa_bodies import APP_SECRET, contact, envelope, image, meta_bytes, sign, value  # noqa: E402
from wa_bodies import message as wa_message  # noqa: E402

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


@contextlib.asynccontextmanager
async def fake_graph() -> AsyncIterator[tuple[FakeGraph, str]]:
    """Serves the fake Graph API on this event loop; yields it and WHATSAPP_API_BASE_URL."""
    fake = FakeGraph()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    fake.base = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(fake.app(), log_level="warning", lifespan="off", access_log=False)
    uv = uvicorn.Server(config)
    task = asyncio.create_task(uv.serve(sockets=[sock]))
    while True:
        if uv.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield fake, f"{fake.base}/v23.0"
    finally:
        uv.should_exit = True
        await task
        sock.close()


def suara_env(database_url: str, files: Path, api_base_url: str) -> dict[str, str]:
    return {
        **loadkit.KEYS,
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


@dataclass
class Reporter:
    """One simulated reporter: its script, what it sent when, the replies it got."""

    wa_id: str
    sent_at: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def body(self, step: int) -> bytes:
        kind, what = REPORT[step]
        if kind == "say":
            found = wa_message(self.wa_id, "text", {"body": what})
        elif kind == "photo":
            found = image(self.wa_id, what, media_sha256_b64(what))
        else:
            reply = {"type": "button_reply", "button_reply": {"id": what, "title": what[:20]}}
            found = wa_message(self.wa_id, "interactive", reply)
        return meta_bytes(envelope(value(contacts=[contact(self.wa_id)], messages=[found])))


async def post(client: httpx.AsyncClient, url: str, raw: bytes) -> float:
    """Posts a signed body as Meta does (again on a dropped connection); returns the latency."""
    headers = {"content-type": "application/json", "x-hub-signature-256": sign(raw)}
    began = time.perf_counter()
    for attempt in range(3):
        try:
            response = await client.post(url, content=raw, headers=headers)
            break
        except (httpx.ReadError, httpx.RemoteProtocolError):
            if attempt == 2:
                raise
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"webhook answered {response.status_code}")
    return elapsed


def wire(fake: FakeGraph, reporters: list[Reporter], counts: list[int]) -> None:
    """Records when each reporter's replies reach the fake Graph API."""
    by_id = {r.wa_id: r for r in reporters}

    def on_sent(sent: Sent) -> None:
        found = by_id.get(sent.to or "")
        if found is not None:
            found.replies.append(sent.at)
            found.arrived.set()

    fake.on_sent = on_sent


async def burst(
    url: str, fake: FakeGraph | None, reporters: list[Reporter], counts: list[int], connections: int
) -> Result:
    """Every reporter posts its whole report back to back, `connections` requests in flight."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        gate = asyncio.Semaphore(connections)

        async def file(r: Reporter) -> None:
            for step in range(len(REPORT)):
                raw = r.body(step)
                async with gate:
                    r.sent_at.append(time.perf_counter())
                    r.acks.append(await post(client, url, raw))

        if fake is not None:
            wire(fake, reporters, counts)
        began = time.perf_counter()
        await asyncio.gather(*(file(r) for r in reporters))
        acked = time.perf_counter() - began
        if fake is not None:
            await wait_replies(reporters, counts, limit=600)
        handled = max((r.replies[-1] for r in reporters if r.replies), default=began) - began
    acks = [a for r in reporters for a in r.acks]
    replies = first_reply_latencies(reporters, counts) if fake is not None else []
    total = len(acks)
    return Result(
        total / acked,
        percentile(acks, 50) * 1e3,
        percentile(acks, 99) * 1e3,
        percentile(replies, 50) * 1e3,
        percentile(replies, 99) * 1e3,
        total / handled if fake is not None and handled > 0 else 0.0,
    )


async def conversation(
    url: str, fake: FakeGraph, reporters: list[Reporter], counts: list[int]
) -> Result:
    """Each reporter waits for all replies to a message before it sends the next one."""
    limits = httpx.Limits(max_connections=len(reporters))
    wire(fake, reporters, counts)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def file(r: Reporter) -> None:
            expected = 0
            for step in range(len(REPORT)):
                expected += counts[step]
                r.sent_at.append(time.perf_counter())
                r.acks.append(await post(client, url, r.body(step)))
                while True:
                    r.arrived.clear()
                    if len(r.replies) >= expected:
                        break
                    await asyncio.wait_for(r.arrived.wait(), timeout=60)

        began = time.perf_counter()
        await asyncio.gather(*(file(r) for r in reporters))
        elapsed = time.perf_counter() - began
    acks = [a for r in reporters for a in r.acks]
    replies = first_reply_latencies(reporters, counts)
    rate = len(acks) / elapsed
    return Result(
        rate,
        percentile(acks, 50) * 1e3,
        percentile(acks, 99) * 1e3,
        percentile(replies, 50) * 1e3,
        percentile(replies, 99) * 1e3,
        rate,
    )


async def reply_counts(url: str, fake: FakeGraph, prefix: str) -> list[int]:
    """Files one report alone (warm-up) and counts the replies each update gets."""
    r = Reporter(f"{prefix}0000")
    wire(fake, [r], [])
    counts = []
    async with httpx.AsyncClient(timeout=60) as client:
        for step in range(len(REPORT)):
            before = len(r.replies)
            await post(client, url, r.body(step))
            quiet = time.perf_counter() + 0.5
            while time.perf_counter() < quiet or len(r.replies) == before:
                seen = len(r.replies)
                await asyncio.sleep(0.05)
                if len(r.replies) != seen:
                    quiet = time.perf_counter() + 0.5
            counts.append(len(r.replies) - before)
    return counts


# ----------------------------------------------------------------------------- main


def reporters(prefix: str, count: int) -> list[Reporter]:
    return [Reporter(f"{prefix}{n:04d}") for n in range(1, count + 1)]


async def measure(args: argparse.Namespace) -> dict[str, list[Result]]:
    results: dict[str, list[Result]] = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        async with fake_graph() as (fake, api):
            bases = {"ceiling": stack.enter_context(server("bench.whatsapp_webhook:bare_app", {}))}
            backends = {"SQLite": f"sqlite:///{Path(tmp) / 'suara.db'}"}
            if args.postgres:
                backends["PostgreSQL"] = stack.enter_context(
                    postgres_schema(args.postgres, "bench_wa")
                )
            for name, url in backends.items():
                upgrade(url)
                files = Path(tmp) / f"files-{name}"
                env = suara_env(url, files, api)
                bases[name] = stack.enter_context(server("handlers.app:create_app", env))
            counts: dict[str, list[int]] = {}
            for index, name in enumerate(n for n in bases if n != "ceiling"):
                prefix = f"62{index + 1}9"
                counts[name] = await reply_counts(f"{bases[name]}/webhooks/whatsapp", fake, prefix)
                print(f"{name}: replies per update {counts[name]}", file=sys.stderr)
            for run in range(args.runs):
                for index, name in enumerate(bases):
                    url = f"{bases[name]}/webhooks/whatsapp"
                    prefix = f"62{index + 1}{run + 1}"
                    group = reporters(prefix + "1", args.reporters)
                    found = await burst(
                        url,
                        None if name == "ceiling" else fake,
                        group,
                        counts.get(name, []),
                        args.connections,
                    )
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
    cpu = cpu_model()
    lines += [
        "",
        f"{args.runs} runs, {args.reporters} reporters x {len(REPORT)} updates per burst, "
        f"{args.connections} connections; machine: {os.cpu_count()} cores, {cpu}, "
        f"Python {platform.python_version()}, {platform.system()}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("SUARA_TEST_POSTGRES_URL"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reporters", type=int, default=32)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="1 run, 8 reporters, 8 connections")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.reporters, args.connections = 1, 8, 8
    print(table(asyncio.run(measure(args)), args))


if __name__ == "__main__":
    main()
