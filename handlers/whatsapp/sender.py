"""Sends outbox messages on WhatsApp: the window check, per-reporter pacing, Meta's error codes.

Outside the 24-hour window nothing free-form goes out: the approved template (no content, only an
invitation to write back) is sent once in its place and the message is held ("outside_window")
until the reporter writes again. Error 131047 is handled the same way, never by resending.
A message Suara sends on its own (payload "unprompted": a caseworker's, a notice) is held the
same way unless the reporter wrote in the last ACTIVE_WITHIN; a review reads back no answers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bot.envelopes import OutgoingMessage
from bot.runtime.sending import PartsDelivered, SendFailed
from bot.whatsapp import chats as wa_book
from bot.whatsapp.texts import UNPROMPTED, neutral
from handlers.whatsapp.client import GraphClient, GraphError, GraphUnavailable
from handlers.whatsapp.render import render
from handlers.whatsapp.window import WindowBook

log = logging.getLogger(__name__)

OUTSIDE_WINDOW = 131047
THROTTLED = frozenset({4, 80007, 130429, 131056, 131057})
"""Rate limits: app calls, WABA, throughput, pair rate (one reporter), throughput upgrade."""
UNDELIVERABLE = frozenset({131026})
ACTIVE_WITHIN = dt.timedelta(minutes=10)
"""A reporter who wrote this recently is in the chat: Suara's own messages go straight out.
Otherwise they wait behind the neutral template until the reporter writes (S-06)."""
MAX_INLINE_WAIT = 1.0
"""Longer pacing waits give the message back to the outbox instead of holding the dispatcher."""


@dataclass(frozen=True)
class Template:
    """The approved re-engagement template: its name and the languages it is approved in."""

    name: str
    languages: tuple[str, ...]

    def language_for(self, locale: str) -> str:
        """Returns the reporter's language if the template has it, else the first one."""
        return locale if locale in self.languages else self.languages[0]


class Pacer:
    """Per-reporter token bucket: a burst, then one message per interval (Meta's pair limit)."""

    def __init__(self, burst: int, interval: float) -> None:
        self.burst, self.interval = burst, interval
        self._buckets: dict[str, tuple[float, float]] = {}

    def delay(self, chat_id: str, now: float | None = None) -> float:
        """Takes a token for one message; returns how long to wait before sending it."""
        moment = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(chat_id, (float(self.burst), moment))
        if self.interval > 0:
            tokens = min(float(self.burst), tokens + (moment - last) / self.interval)
        else:
            tokens = float(self.burst)
        wait = 0.0 if tokens >= 1 else (1 - tokens) * self.interval
        self._buckets[chat_id] = (tokens - 1, moment)
        if len(self._buckets) > 100_000:
            self._buckets.clear()
        return wait

    def give_back(self, chat_id: str) -> None:
        """Returns a token taken for a message that was not sent after all."""
        tokens, last = self._buckets.get(chat_id, (float(self.burst), time.monotonic()))
        self._buckets[chat_id] = (min(float(self.burst), tokens + 1), last)


class WhatsAppSender:
    """The channel's Sender: one outbox message in, one or more Cloud API messages out."""

    def __init__(
        self,
        client: GraphClient,
        engine: Engine,
        windows: WindowBook,
        template: Template,
        pacer: Pacer,
    ) -> None:
        self.client, self.engine, self.windows = client, engine, windows
        self.template, self.pacer = template, pacer

    async def send(
        self, chat_id: str, message: OutgoingMessage, delivered: PartsDelivered | None = None
    ) -> str | None:
        """Sends a message (or the template in its place); returns the last wamid."""
        now = dt.datetime.now(dt.UTC)
        if message.extra.get("whatsapp") == wa_book.TEMPLATE_PAYLOAD:
            return await self._template_only(chat_id, message.locale, now)
        if not await self.windows.is_open(chat_id, now) or await self._unprompted(
            chat_id, message, now
        ):
            await self._invite(chat_id, message.locale, now)
            raise SendFailed(wa_book.HELD, permanent=True)
        wamid = None
        contents = render(neutral(message))
        for index in range(min(message.parts_sent, len(contents) - 1), len(contents)):
            try:
                wamid = await self._send_part(chat_id, message.locale, contents[index])
            except SendFailed as failed:
                failed.parts_sent = index  # the parts before this one were delivered
                raise
            if delivered is not None and index < len(contents) - 1:
                await delivered(index + 1)
        return wamid

    async def _send_part(self, chat_id: str, locale: str, content: dict[str, Any]) -> str:
        """Sends one rendered part at the reporter's pace; a refusal becomes SendFailed."""
        await self._pace(chat_id)
        try:
            return await self.client.send(chat_id, content)
        except GraphError as error:
            raise await self._refused(chat_id, locale, error) from None
        except GraphUnavailable as error:
            raise SendFailed(f"whatsapp unreachable: {error}") from None

    async def _unprompted(self, chat_id: str, message: OutgoingMessage, now: dt.datetime) -> bool:
        """Returns whether a message Suara sends on its own must wait for the reporter."""
        if not message.extra.get(UNPROMPTED):
            return False
        return not await self.windows.active(chat_id, now, ACTIVE_WITHIN)

    async def _template_only(self, chat_id: str, locale: str, now: dt.datetime) -> str | None:
        """Sends a queued template unless one already went out since the reporter last wrote."""
        if await self.windows.is_open(chat_id, now):
            raise SendFailed("window open again: template not needed", permanent=True)
        wamid = await self._invite(chat_id, locale, now)
        if wamid is None:
            raise SendFailed("template already sent", permanent=True)
        return wamid

    async def _invite(self, chat_id: str, locale: str, now: dt.datetime) -> str | None:
        """Sends the template once per closed window; returns its wamid (None: already sent)."""
        claimed = await asyncio.to_thread(wa_book.claim_template, self.engine, chat_id, now)
        if not claimed:
            return None
        language = self.template.language_for(locale)
        try:
            wamid = await self.client.send_template(chat_id, self.template.name, language)
        except (GraphError, GraphUnavailable) as error:
            await asyncio.to_thread(wa_book.release_template, self.engine, chat_id)
            code = error.code if isinstance(error, GraphError) else None
            log.warning("template not sent", extra={"code": code})
            if isinstance(error, GraphError) and not _transient(error):
                return None
            raise SendFailed("template not sent yet", retry_after=_retry_after(error)) from None
        log.info("template sent instead of a free-form message")
        return wamid

    async def _refused(self, chat_id: str, locale: str, error: GraphError) -> SendFailed:
        """Returns how the dispatcher should treat a message WhatsApp refused."""
        reason = f"whatsapp {error.code or error.status}: {error.title}"[:200]
        if error.code == OUTSIDE_WINDOW:
            now = dt.datetime.now(dt.UTC)
            await self.windows.close(chat_id, now)
            await self._invite(chat_id, locale, now)
            return SendFailed(wa_book.HELD, permanent=True)
        if _transient(error):
            return SendFailed(reason, retry_after=_retry_after(error))
        if error.code in UNDELIVERABLE:
            return SendFailed(reason, permanent=True, unreachable=True)
        if error.status in (401, 403) or error.code == 190:
            log.error("WhatsApp refused the access token", extra={"code": error.code})
            return SendFailed(reason)
        return SendFailed(reason, permanent=True)

    async def _pace(self, chat_id: str) -> None:
        wait = self.pacer.delay(chat_id)
        if wait > MAX_INLINE_WAIT:
            self.pacer.give_back(chat_id)
            raise SendFailed("paced: pair rate limit", retry_after=wait)
        if wait > 0:
            await asyncio.sleep(wait)


def _transient(error: GraphError | GraphUnavailable) -> bool:
    if isinstance(error, GraphUnavailable):
        return True
    return error.code in THROTTLED or error.status in (429, 500, 502, 503, 504)


def _retry_after(error: GraphError | GraphUnavailable) -> float | None:
    """Returns Meta's Retry-After, or a wait fitting the limit hit (None: the usual backoff)."""
    if isinstance(error, GraphUnavailable):
        return None
    if error.retry_after is not None:
        return error.retry_after
    if error.code == 131056:
        return 6.0
    if error.code in THROTTLED or error.status == 429:
        return 2.0
    return None
