"""A reporter on Telegram, over real HTTP: posts updates to a running app, waits for its answers.

The app runs with its background tasks, so the fake Bot API receives what the outbox sends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from corpus import Builder
from fakebot import FakeBotAPI
from tg_harness import SECRET

WAIT = 15.0
QUIET = 0.4


class ChatReporter:
    """One person writing to the bot; each step waits until the bot has answered it."""

    def __init__(self, base_url: str, fake: FakeBotAPI, user_id: int, language: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.fake, self.user_id = fake, user_id
        self.build = Builder(user_id, language)

    def close(self) -> None:
        """Closes the connection to the app."""
        self.http.close()

    def wait_for(self, count: int, timeout: float = WAIT) -> list[dict[str, Any]]:
        """Returns the messages sent to this reporter once there are at least `count`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.fake.sent(self.user_id)
            if len(sent) >= count:
                return sent
            time.sleep(0.05)
        raise AssertionError(f"the bot sent {len(self.fake.sent(self.user_id))} of {count}")

    def wait_until(self, seen: Callable[[list[dict[str, Any]]], bool]) -> bool:
        """Returns True once the messages sent to this reporter satisfy `seen` (False: too late)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if seen(self.fake.sent(self.user_id)):
                return True
            time.sleep(0.05)
        return False

    def do(self, update: dict[str, Any]) -> None:
        """Posts one update and waits for the bot's answer to it."""
        before = len(self.fake.sent(self.user_id))
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        answer = self.http.post("/webhooks/telegram", json=update, headers=headers)
        assert answer.status_code == 200
        self.wait_for(before + 1)
        self._settle()

    def _settle(self) -> None:
        """Waits until the bot has sent nothing more for a moment (answers come in bursts)."""
        count = len(self.fake.sent(self.user_id))
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < QUIET:
            time.sleep(0.05)
            now = len(self.fake.sent(self.user_id))
            if now != count:
                count, quiet_since = now, time.monotonic()

    def say(self, text: str) -> None:
        self.do(self.build.text(text))

    def press(self, data: str) -> None:
        self.do(self.build.press(data, self.fake.showing(self.user_id, data)))

    def tick(self, data: str) -> None:
        """Presses a checklist option, which redraws the message it is on (nothing new is sent)."""
        before = len(self.fake.of("editMessageText"))
        update = self.build.press(data, self.fake.showing(self.user_id, data))
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert self.http.post("/webhooks/telegram", json=update, headers=headers).status_code == 200
        if not self.wait_until(lambda _: len(self.fake.of("editMessageText")) > before):
            raise AssertionError("the checklist was not redrawn")

    def file_report(self, story: str, name: str) -> None:
        """Files a whole report from Hong Kong about unpaid wages, home regency Jember."""
        self.do(self.build.command("/start"))
        for pressed in ("danger.no", "safe_now.safe", "role.worker", "consent.agree"):
            self.press(pressed)
        self.press("self_country.HK")
        self.say("Mong Kok")
        self.tick("self_help.wages")
        self.press("cmd:done")
        self.tick("self_problem.GAJI")
        self.press("cmd:done")
        self.say("3")
        self.say("HK$ 9,000")
        self.say(story)
        self.say(name)
        self.press("self_contact.this_chat")
        self.press("self_times.any")
        self.press("self_regency.Jember")
        self.press("cmd:skip")
        self.press("cmd:skip")
        self.say("PT Maju Jaya")
        self.say("Maret 2026")
        self.press("cmd:done")
        self.press("review.confirm")
