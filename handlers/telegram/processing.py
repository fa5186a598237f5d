"""Runs recorded updates after the 200: in the background, one at a time per chat, in order."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from bot.envelopes import Channel
from bot.runtime.batch import MAX_GROUP
from bot.runtime.inbox import Inbox, inbox_recorder
from handlers.json_depth import too_deep
from handlers.telegram.updates import BadUpdate
from handlers.unavailable import DOWN

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
"""A larger webhook body is refused (Telegram's updates are a few kilobytes)."""
TURNS_AT_ONCE = MAX_GROUP
"""Updates of different chats processed at the same time: their turns share group commits
(bot/runtime/batch.py), so a burst is saved in a few transactions rather than one each."""


@dataclass(frozen=True)
class Keys:
    """What the inbox needs before processing: the dedupe key and the chat."""

    update_id: int
    chat_id: str | None


def peek(body: bytes) -> Keys:
    """Returns an update's id and chat from its JSON; raises BadUpdate for anything else."""
    if too_deep(body):
        raise BadUpdate("nested too deep")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadUpdate("not JSON") from None
    if not isinstance(data, dict):
        raise BadUpdate("not an object")
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        raise BadUpdate("no update_id")
    return Keys(update_id, _chat_of(data))


def _chat_of(data: dict[str, object]) -> str | None:
    for key in ("message", "edited_message", "callback_query", "my_chat_member"):
        part = data.get(key)
        if not isinstance(part, dict):
            continue
        holder = part.get("message", part) if key == "callback_query" else part
        chat = holder.get("chat") if isinstance(holder, dict) else None
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return str(chat["id"])
        sender = part.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return str(sender["id"])
    return None


class Processor:
    """Records updates durably and processes them after the answer, serialised per chat."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.recorder = inbox_recorder(inbox.engine, Channel.TELEGRAM)
        self.tasks: set[asyncio.Task[None]] = set()
        self._chats: dict[str, tuple[asyncio.Lock, int]] = {}
        self._turns = asyncio.Semaphore(TURNS_AT_ONCE)

    async def record(self, body: bytes) -> bool:
        """Stores an update (once) and schedules it; returns False for a duplicate."""
        keys = peek(body)
        self.inbox.arrived()
        inbound_id = await self.recorder.submit((str(keys.update_id), keys.chat_id, body))
        if inbound_id is None:
            return False
        if self.inbox.hand_off is not None:  # the worker process runs the turn
            self.inbox.hand_off()
        else:
            self.submit(inbound_id, keys.chat_id or f"update:{keys.update_id}")
        return True

    def submit(self, inbound_id: int, chat: str) -> None:
        """Processes one recorded update in the background, after those of its chat before it."""
        self.inbox.in_flight.add(inbound_id)
        lock, waiting = self._chats.get(chat) or (asyncio.Lock(), 0)
        self._chats[chat] = (lock, waiting + 1)
        task = asyncio.create_task(self._run(inbound_id, chat, lock))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, inbound_id: int, chat: str, lock: asyncio.Lock) -> None:
        try:
            async with lock, self._turns:
                try:
                    await self.inbox.process(inbound_id)
                except DOWN as error:  # the database is away: the claim lapses, found again
                    extra = {"inbound_id": inbound_id, "error": type(error).__name__}
                    log.warning("telegram update left pending: database unavailable", extra=extra)
                except Exception as error:  # tried again on the inbox's schedule
                    log.exception("telegram update failed", extra={"inbound_id": inbound_id})
                    await self.inbox.failed(inbound_id, error)
        except Exception:  # the database is lost too: the claim lapses, and a worker tries again
            log.exception("telegram update not rescheduled", extra={"inbound_id": inbound_id})
        finally:
            lock_now, waiting = self._chats[chat]
            if waiting <= 1:
                del self._chats[chat]
            else:
                self._chats[chat] = (lock_now, waiting - 1)

    async def join(self, limit_seconds: float | None = None) -> None:
        """Waits for every update scheduled so far (and those they lead to)."""
        loop = asyncio.get_running_loop()
        deadline = None if limit_seconds is None else loop.time() + limit_seconds
        while self.tasks:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return
            await asyncio.wait(set(self.tasks), timeout=left)
