"""Reporters on Telegram for the instance tests: press buttons and type, as people do.

Each reporter waits for the bot's answer before the next step (as a person reads, then taps), so
that every chat's replies have one right order. Their updates are spread over the instances, a
share of them also posted to another instance (Telegram retrying elsewhere), and an update that
gets no 200 is posted again until one does (Telegram retries unacknowledged updates).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus import Builder
from fakebot import Call, FakeBotAPI
from processes import Instance

STEP_SECONDS = 30.0
"""How long a reporter waits for the answer to one step before the test fails."""
REFERENCE = re.compile(r"MC-\d{4}-\d{6}")


@dataclass(frozen=True)
class Step:
    """One thing a reporter does, and the button the answer must show (None: any message)."""

    kind: str
    value: str
    answer_shows: str | None


REPORT = (
    Step("command", "/start", "danger.no"),
    Step("press", "danger.no", "safe_now.safe"),
    Step("press", "safe_now.safe", "role.worker"),
    Step("text", "1", "consent.agree"),
)
"""A worker starting a report: buttons and typed answers (a number answers a choice)."""
EMERGENCY = (
    Step("command", "/start", "danger.yes"),
    Step("press", "danger.yes", "emergency_country.MY"),
    Step("text", "hello", "emergency_country.MY"),
)
"""A reporter in danger: opens an emergency (an escalation), then types something unreadable."""


def script_of(index: int) -> Sequence[Step]:
    """Every fifth reporter is in danger."""
    return EMERGENCY if index % 5 == 0 else REPORT


class Observer:
    """Watches the fake Bot API: each chat's calls, and wakes the reporters waiting on them."""

    def __init__(self, fake: FakeBotAPI) -> None:
        self.loop = asyncio.get_running_loop()
        self._calls: dict[str, list[Call]] = defaultdict(list)
        self._lock = threading.Lock()
        self._news: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        fake.on_call = self._seen

    def _seen(self, call: Call) -> None:
        chat = str(call.params.get("chat_id", ""))
        with self._lock:
            self._calls[chat].append(call)
        self.loop.call_soon_threadsafe(self._news[chat].set)

    def messages(self, chat: str) -> list[Call]:
        """Returns the messages sent to a chat so far, in the order the fake answered them."""
        with self._lock:
            return [c for c in self._calls[chat] if c.method == "sendMessage"]

    async def answer(self, chat: str, after: int, shows: str | None) -> list[Call]:
        """Waits for the messages after the first `after` up to one showing `shows`."""
        deadline = time.monotonic() + STEP_SECONDS
        while True:
            news = self._news[chat]
            news.clear()
            fresh = self.messages(chat)[after:]
            for index, call in enumerate(fresh):
                if shows is None or shows in buttons(call):
                    return fresh[: index + 1]
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"chat {chat}: no answer showing {shows!r}")
            try:
                await asyncio.wait_for(news.wait(), timeout=left)
            except TimeoutError:
                continue


def buttons(call: Call) -> list[str]:
    """Returns the callback data of the buttons a sent message shows."""
    rows = (call.result or {}).get("reply_markup", {}).get("inline_keyboard", [])
    return [str(button.get("callback_data")) for row in rows for button in row]


def texts(calls: Sequence[Call]) -> list[str]:
    """Returns the texts of sent messages, case references made alike."""
    return [REFERENCE.sub("MC-REF", str(c.params.get("text", ""))) for c in calls]


@dataclass
class Crowd:
    """Reporters run side by side against some instances; what they posted and waited for."""

    fake: FakeBotAPI
    observer: Observer
    targets: list[Instance]
    duplicates: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(20))  # noqa: S311
    posted: dict[int, int] = field(default_factory=dict)
    """update_id -> how many times an instance answered 200."""
    lags: list[float] = field(default_factory=list)
    """Seconds from posting each step to the first message that answered it."""
    presses: list[str] = field(default_factory=list)
    chats: dict[int, Sequence[Step]] = field(default_factory=dict)
    refused: int = 0
    """Posts that got no 200 (nothing answered, or 5xx) and were posted again."""
    progress: asyncio.Event = field(default_factory=asyncio.Event)
    """Set whenever an update was taken."""

    async def run(self, user_ids: Sequence[int], first_index: int = 0) -> None:
        """Runs one reporter per user id to the end of their script."""
        await asyncio.gather(
            *(self.reporter(uid, script_of(first_index + n)) for n, uid in enumerate(user_ids))
        )

    async def reporter(self, user_id: int, script: Sequence[Step]) -> None:
        """One person: each step posted, then the answer awaited."""
        self.chats[user_id] = script
        build, chat = Builder(user_id, "en"), str(user_id)
        for step in script:
            update = self.update(build, chat, step)
            before = len(self.observer.messages(chat))
            began = time.monotonic()
            await self.deliver(update)
            answer = await self.observer.answer(chat, before, step.answer_shows)
            self.lags.append(answer[0].at - began)

    def update(self, build: Builder, chat: str, step: Step) -> dict[str, Any]:
        if step.kind == "command":
            return build.command(step.value)
        if step.kind == "text":
            return build.text(step.value)
        update = build.press(step.value, self.fake.showing(chat, step.value))
        self.presses.append(str(update["callback_query"]["id"]))
        return update

    async def deliver(self, update: dict[str, Any]) -> None:
        """Posts to one instance (and, for a share, to another at the same moment) until 200."""
        body = json.dumps(update).encode()
        first = self.rng.randrange(len(self.targets))
        chosen = [self.targets[first]]
        if len(self.targets) > 1 and self.rng.random() < self.duplicates:
            chosen.append(self.targets[(first + 1) % len(self.targets)])
        statuses = await asyncio.gather(*(self.until_taken(target, body) for target in chosen))
        self.posted[int(update["update_id"])] = len(statuses)
        self.progress.set()

    async def taken(self, count: int) -> None:
        """Waits until `count` updates were taken."""
        while len(self.posted) < count:
            self.progress.clear()
            await self.progress.wait()

    async def until_taken(self, target: Instance, body: bytes) -> int:
        """Posts until the instance answers 200 (Telegram retries any other answer; here every
        0.2 s). A refusal of the update itself (4xx) fails the test."""
        while True:
            status = await target.post(body)
            if status == 200:
                return status
            assert status == 0 or status >= 500, f"{target.name} answered {status}"
            self.refused += 1
            await asyncio.sleep(0.2)


def p90(values: Sequence[float]) -> float:
    """Returns the 90th percentile."""
    return statistics.quantiles(values, n=10)[-1]


def extra_copies(seen: Sequence[str], expected: Sequence[str]) -> int | None:
    """Counts messages sent twice in a row beyond `expected`; None if seen differs otherwise."""
    extra, at = 0, 0
    for index, text in enumerate(seen):
        if at < len(expected) and text == expected[at]:
            at += 1
        elif index > 0 and text == seen[index - 1]:
            extra += 1
        else:
            return None
    return extra if at == len(expected) else None
