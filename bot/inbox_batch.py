"""Group commit for the inbox: updates that arrive together are recorded in one statement.

The same row as storage.queries.record_inbound writes, for many updates at once; a candidate to
move into storage/queries.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite

from bot.envelopes import Channel
from storage import db, models

Item = tuple[str, str | None, bytes]
"""(external id, chat id, payload) of one update."""


def record_many(engine: Engine, channel: Channel, items: Sequence[Item]) -> list[int | None]:
    """Stores updates in one commit; returns each one's inbox id, or None for a duplicate."""
    first: dict[str, Item] = {}
    for item in items:
        first.setdefault(item[0], item)
    if not first:
        return []
    table = models.InboundUpdate.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if db.is_postgres(engine) else sqlite.insert
    rows = [
        {"channel": channel.value, "external_id": key, "chat_id": chat_id, "payload": payload}
        for key, chat_id, payload in first.values()
    ]
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(table.c.id, table.c.external_id)
    )
    with db.session(engine) as session:  # executemany: one cached statement, batched VALUES
        created = {key: row_id for row_id, key in session.execute(statement, rows)}
    found: list[int | None] = []
    for key, *_ in items:
        found.append(created.pop(key, None))
    return found
