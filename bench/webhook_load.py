"""Webhook load shared by the Telegram and WhatsApp benches: reporters, posting, phases, fakes.

The load client is aiohttp: httpx spends several milliseconds of CPU per request at 32
connections, which made the client, not the server, the measured bottleneck.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from harness import free_port
from loadkit import Result, first_reply_latencies, percentile, wait_replies


@dataclass
class Reporter:
    """One simulated reporter: its requests, when each was posted, when replies arrived."""

    key: str
    """How the fake names this reporter's chat when a reply reaches it."""
    requests: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def reply(self, at: float) -> None:
        """Notes that a reply reached the fake."""
        self.replies.append(at)
        self.arrived.set()


def client(connections: int) -> aiohttp.ClientSession:
    """Returns the load generator's client, keeping `connections` connections alive."""
    connector = aiohttp.TCPConnector(limit=connections, keepalive_timeout=30)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120))


async def post(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]
) -> float:
    """Posts one update as the platform does; returns the acknowledgement latency in seconds."""
    began = time.monotonic()
    for attempt in (1, 2, 3):
        try:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                status = response.status
            break
        except aiohttp.ClientConnectionError:  # a kept connection closed: the platform resends
            if attempt == 3:
                raise
    elapsed = time.monotonic() - began
    if status != 200:
        raise RuntimeError(f"webhook answered {status}")
    return elapsed


def result(reporters: list[Reporter], counts: list[int], rate: float, handled: float) -> Result:
    acks = [a * 1e3 for r in reporters for a in r.acks]
    replies = [x * 1e3 for x in first_reply_latencies(reporters, counts)] if counts else []
    return Result(
        rate,
        percentile(acks, 50),
        percentile(acks, 99),
        percentile(replies, 50),
        percentile(replies, 99),
        handled,
    )


async def burst(
    url: str, fake: FakeProcess | None, reporters: list[Reporter], counts: list[int], conns: int
) -> Result:
    """Every reporter posts its whole report back to back, `conns` requests in flight."""
    async with client(conns) as session:
        gate = asyncio.Semaphore(conns)

        async def file(r: Reporter) -> None:
            for body, headers in r.requests:
                async with gate:
                    r.sent_at.append(time.monotonic())
                    r.acks.append(await post(session, url, body, headers))

        if fake is not None:
            fake.listen(reporters)
        began = time.monotonic()
        await asyncio.gather(*(file(r) for r in reporters))
        acked = time.monotonic() - began
        if fake is not None:
            await wait_replies(reporters, counts, limit=900)
    total = sum(len(r.acks) for r in reporters)
    last = max((r.replies[-1] for r in reporters if r.replies), default=began)
    handled = total / (last - began) if fake is not None and last > began else 0.0
    return result(reporters, counts if fake else [], total / acked, handled)


async def conversation(
    url: str, fake: FakeProcess, reporters: list[Reporter], counts: list[int]
) -> Result:
    """Each reporter waits for all replies to an update before it posts the next one."""
    fake.listen(reporters)
    async with client(len(reporters)) as session:

        async def file(r: Reporter) -> None:
            expected = 0
            for step, (body, headers) in enumerate(r.requests):
                expected += counts[step]
                r.sent_at.append(time.monotonic())
                r.acks.append(await post(session, url, body, headers))
                while len(r.replies) < expected:
                    r.arrived.clear()
                    await asyncio.wait_for(r.arrived.wait(), timeout=60)

        began = time.monotonic()
        await asyncio.gather(*(file(r) for r in reporters))
        elapsed = time.monotonic() - began
    rate = sum(len(r.acks) for r in reporters) / elapsed
    return result(reporters, counts, rate, rate)


async def reply_counts(url: str, fake: FakeProcess, reporter: Reporter) -> list[int]:
    """Files one report alone (the warm-up) and counts the replies each update gets."""
    fake.listen([reporter])
    counts = []
    async with client(1) as session:
        for body, headers in reporter.requests:
            before = len(reporter.replies)
            await post(session, url, body, headers)
            quiet = time.monotonic() + 0.5
            while time.monotonic() < quiet or len(reporter.replies) == before:
                seen = len(reporter.replies)
                await asyncio.sleep(0.05)
                if len(reporter.replies) != seen:
                    quiet = time.monotonic() + 0.5
            counts.append(len(reporter.replies) - before)
    return counts


class FakeProcess:
    """A fake platform API in a child process (so it does not slow the load generator down).

    `serve(port, replies)` runs the fake and puts (reporter key, time.monotonic()) on `replies`
    for every message it accepts.
    """

    def __init__(self, serve: Callable[[int, Any], None]) -> None:
        context = multiprocessing.get_context("spawn")
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.replies: Any = context.Queue()
        self.process = context.Process(target=serve, args=(self.port, self.replies))
        self.listeners: dict[str, Reporter] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self._reader: threading.Thread | None = None

    def __enter__(self) -> FakeProcess:
        self.process.start()
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline or not self.process.is_alive():
                    raise RuntimeError("the fake API did not start") from None
                time.sleep(0.2)

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.join(timeout=10)

    def listen(self, reporters: list[Reporter]) -> None:
        """Routes reply times to these reporters (in this process's event loop)."""
        self.loop = asyncio.get_running_loop()
        self.listeners = {r.key: r for r in reporters}
        if self._reader is None:
            self._reader = threading.Thread(target=self._read, daemon=True)
            self._reader.start()

    def _read(self) -> None:
        while True:
            key, at = self.replies.get()
            found = self.listeners.get(key)
            if found is not None and self.loop is not None:
                with contextlib.suppress(RuntimeError):  # the run's loop has closed
                    self.loop.call_soon_threadsafe(found.reply, at)
