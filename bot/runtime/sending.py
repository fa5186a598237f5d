"""What a channel's sender promises the dispatcher: send one message, or say why not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.envelopes import OutgoingMessage


class SendFailed(Exception):
    """A channel refused or failed a send; says whether and when to try again."""

    def __init__(
        self,
        reason: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        unreachable: bool = False,
        parts_sent: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after
        self.permanent, self.unreachable = permanent, unreachable
        self.parts_sent = parts_sent
        """The parts of a split message the channel took before it failed (None: unknown)."""


PartsDelivered = Callable[[int], Awaitable[None]]
"""Told, after each part of a split message but the last, how many parts the channel has taken."""


class Sender(Protocol):
    """Sends one rendered message on one channel; returns the channel's message id."""

    async def send(
        self, chat_id: str, message: OutgoingMessage, delivered: PartsDelivered | None = None
    ) -> str | None: ...
