"""Recording inbox rows in tests through the recorders' own writer."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine

from bot.envelopes import Channel
from bot.runtime.inbox import InboxWriter, Item


def record_many(engine: Engine, channel: Channel, items: Sequence[Item]) -> list[int | None]:
    """Stores updates in one commit, as a recorder does; None for each duplicate."""
    writer = InboxWriter(engine, channel)
    try:
        return writer.record(items)
    finally:
        writer.close()
