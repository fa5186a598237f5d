"""The lease keeper renews the claims on rows in hand only, and frees the rest when it stops."""

from __future__ import annotations

import asyncio
import datetime as dt

from inbox_rows import record_many
from sqlalchemy import Engine

from bot.envelopes import Channel
from bot.runtime.keeper import LeaseKeeper
from storage import db, inbox_claims, models, outbox

LEASE = 1.0


def claim_inbox(engine: Engine, owner: str, *, after: float = 0) -> list[int]:
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=after)
    with db.session(engine) as session:
        found = inbox_claims.claim_inbound(
            session=session, owner=owner, now=now, seconds=LEASE, limit=10
        )
    return [row_id for row_id, _, _ in found]


def claim_outbox(engine: Engine, owner: str, *, after: float = 0) -> list[int]:
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=after)
    with db.session(engine) as session:
        rows = outbox.claim_outbox(
            session=session, now=now, lease_seconds=LEASE, limit=10, owner=owner
        )
        return [row.id or 0 for row in rows]


async def test_only_rows_in_hand_are_renewed_and_the_rest_lapse(engine: Engine) -> None:
    recorded = record_many(engine, Channel.TELEGRAM, [("1", "a", b"{}"), ("2", "b", b"{}")])
    in_hand, dropped = (row_id or 0 for row_id in recorded)
    with db.session(engine) as session:
        outbox.enqueue_outbox(
            session=session, conversation_id=None, channel="web", chat_id="c", payloads=[{}]
        )
    assert claim_inbox(engine, "me") == [in_hand, dropped]
    [sending] = claim_outbox(engine, "me")
    keeper = LeaseKeeper(
        engine,
        "me",
        inbox_seconds=LEASE,
        outbox_seconds=LEASE,
        inbox_held=lambda: {in_hand},
        outbox_held=lambda: {sending},
    )
    keeper.start()
    await asyncio.sleep(LEASE * 1.5)
    assert claim_inbox(engine, "other") == [dropped]  # its task failed: taken over
    assert claim_outbox(engine, "other") == []
    await keeper.stop()
    assert claim_inbox(engine, "other") == [in_hand]  # freed at the stop
    with db.session(engine) as session:
        row = session.get(models.OutboxMessage, sending)
        assert row is not None
        assert (row.status, row.lease_owner) == ("sending", "me")  # left to lapse: maybe sent
