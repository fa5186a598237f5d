"""Simulated Telegram reporters for the webhook benchmark: their updates, posting, timing."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp
from corpus import Builder
from loadkit import Result, first_reply_latencies, percentile, wait_replies

SECRET = "bench-webhook-secret_0123456789"
PHOTO = "AgACAgUAAxkBAAIBbench-x"
REPORT: list[tuple[str, str]] = [
    ("cmd", "/start"), ("tap", "danger.no"), ("tap", "safe_now.safe"), ("tap", "role.worker"),
    ("tap", "consent.agree"), ("tap", "self_country.MY"), ("say", "Johor Bahru"),
    ("tap", "self_help.wages"), ("tap", "cmd:done"), ("say", "1, 2"),
    ("tap", "self_freedom.both"), ("say", "3"), ("say", "RM 4.500"),
    ("say", "Majikan menahan paspor saya, gaji belum dibayar sejak Agustus."), ("say", "Sari"),
    ("tap", "self_contact.this_chat"), ("tap", "self_times.evening"),
    ("tap", "self_regency.Indramayu"), ("tap", "self_job.domestic"), ("tap", "self_route.p3mi"),
    ("tap", "cmd:skip"), ("say", "Agustus 2026"), ("photo", PHOTO), ("tap", "cmd:done"),
    ("tap", "review.confirm"),
]  # fmt: skip
"""One whole self report in Indonesian: 25 updates, each answered by at least one message."""


class ReplyFeed(Protocol):
    """Tells reporters when their replies reach the fake Bot API."""

    def listen(self, reporters: list[Reporter]) -> None: ...


@dataclass
class Reporter:
    """One simulated reporter: its updates, when each was posted, when replies arrived."""

    user_id: int
    bodies: list[bytes] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        build = Builder(self.user_id, "id")
        shown = {"message_id": 1, "date": int(time.time()), "text": "…"}
        shown["chat"] = {"id": self.user_id, "type": "private", "first_name": "Sari"}
        for kind, what in REPORT:
            if kind == "say":
                update = build.text(what)
            elif kind == "cmd":
                update = build.command(what)
            elif kind == "photo":
                update = build.message("photo", photo=[photo_size()])
            else:
                keys = [
                    [{"text": "·", "callback_data": what}],
                    [{"text": "Menu", "callback_data": "cmd:menu"}],
                ]
                update = build.press(what, {**shown, "reply_markup": {"inline_keyboard": keys}})
            self.bodies.append(json.dumps(update, ensure_ascii=False).encode())

    def reply(self, at: float) -> None:
        """Notes that a reply reached the fake Bot API."""
        self.replies.append(at)
        self.arrived.set()


def photo_size() -> dict[str, Any]:
    return {
        "file_id": PHOTO,
        "file_unique_id": "Ubench",
        "file_size": 24004,
        "width": 1280,
        "height": 960,
    }


HEADERS = {"content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET}


def client(connections: int) -> aiohttp.ClientSession:
    """Returns the load generator's client (aiohttp: httpx tops out near 150 requests/s here)."""
    connector = aiohttp.TCPConnector(limit=connections, keepalive_timeout=30)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120))


async def post(session: aiohttp.ClientSession, url: str, body: bytes) -> float:
    """Posts an update like Telegram; returns the acknowledgement latency in seconds."""
    began = time.monotonic()
    for attempt in (1, 2, 3):
        try:
            async with session.post(url, data=body, headers=HEADERS) as response:
                await response.read()
                status = response.status
            break
        except aiohttp.ClientConnectionError:  # a keep-alive connection closed: Telegram resends
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
    url: str, fake: ReplyFeed | None, reporters: list[Reporter], counts: list[int], conns: int
) -> Result:
    """Every reporter posts its whole report back to back, `conns` requests in flight."""
    async with client(conns) as session:
        gate = asyncio.Semaphore(conns)

        async def file(r: Reporter) -> None:
            for body in r.bodies:
                async with gate:
                    r.sent_at.append(time.monotonic())
                    r.acks.append(await post(session, url, body))

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
    url: str, fake: ReplyFeed, reporters: list[Reporter], counts: list[int]
) -> Result:
    """Each reporter waits for all replies to an update before it posts the next one."""
    fake.listen(reporters)
    async with client(len(reporters)) as session:

        async def file(r: Reporter) -> None:
            expected = 0
            for step, body in enumerate(r.bodies):
                expected += counts[step]
                r.sent_at.append(time.monotonic())
                r.acks.append(await post(session, url, body))
                while len(r.replies) < expected:
                    r.arrived.clear()
                    await asyncio.wait_for(r.arrived.wait(), timeout=60)

        began = time.monotonic()
        await asyncio.gather(*(file(r) for r in reporters))
        elapsed = time.monotonic() - began
    rate = sum(len(r.acks) for r in reporters) / elapsed
    return result(reporters, counts, rate, rate)


async def reply_counts(url: str, fake: ReplyFeed, user_id: int) -> list[int]:
    """Files one report alone (the warm-up) and counts the replies each update gets."""
    r = Reporter(user_id)
    fake.listen([r])
    counts = []
    async with client(1) as session:
        for body in r.bodies:
            before = len(r.replies)
            await post(session, url, body)
            quiet = time.monotonic() + 0.5
            while time.monotonic() < quiet or len(r.replies) == before:
                seen = len(r.replies)
                await asyncio.sleep(0.05)
                if len(r.replies) != seen:
                    quiet = time.monotonic() + 0.5
            counts.append(len(r.replies) - before)
    return counts
