"""The outbox: leased claims, per-chat order, retries, failures and lease reaping."""

import itertools
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from storage import queries
from storage.db import session
from storage.models import Conversation, OutboxMessage
from storage.types import utcnow


def _enqueue(engine: Engine, conversation: Conversation, chat_id: str, count: int) -> list[int]:
    """Queue count numbered messages for chat_id and return their ids."""
    assert conversation.id is not None
    with session(engine) as db:
        rows = queries.enqueue_outbox(
            session=db,
            conversation_id=conversation.id,
            channel="telegram",
            chat_id=chat_id,
            payloads=[{"text": f"{chat_id} #{n}", "buttons": []} for n in range(count)],
        )
        return [row.id for row in rows if row.id is not None]


def _claim(engine: Engine, limit: int = 10, **kwargs: Any) -> list[OutboxMessage]:
    """Claim due messages now with a 60 s lease."""
    now = kwargs.pop("now", utcnow())
    with session(engine) as db:
        return queries.claim_outbox(session=db, now=now, lease_seconds=60, limit=limit, **kwargs)


def test_enqueue_keeps_order_and_claim_leases_the_head_of_each_chat(
    engine: Engine, conversation: Conversation
) -> None:
    a = _enqueue(engine, conversation, "A", 3)
    b = _enqueue(engine, conversation, "B", 1)
    assert a == sorted(a)
    claimed = _claim(engine)
    assert [m.id for m in claimed] == [a[0], b[0]]
    assert all(m.status == "sending" and m.attempts == 1 for m in claimed)
    assert all(m.lease_until is not None and m.lease_until > utcnow() for m in claimed)
    assert claimed[0].payload == {"text": "A #0", "buttons": []}
    assert _claim(engine) == []  # A #1 waits while A #0 is sending


def test_complete_releases_the_next_message_of_the_chat(
    engine: Engine, conversation: Conversation
) -> None:
    ids = _enqueue(engine, conversation, "A", 2)
    _claim(engine)
    with session(engine) as db:
        done = queries.complete_outbox(session=db, message_id=ids[0], external_id="tg-77")
    assert (done.status, done.external_id, done.lease_until) == ("sent", "tg-77", None)
    assert done.sent_at is not None
    assert [m.id for m in _claim(engine)] == [ids[1]]


def test_retry_waits_until_its_time_and_keeps_later_messages_behind_it(
    engine: Engine, conversation: Conversation
) -> None:
    ids = _enqueue(engine, conversation, "A", 2)
    _claim(engine)
    later = utcnow() + timedelta(seconds=30)
    with session(engine) as db:
        retried = queries.retry_outbox(session=db, message_id=ids[0], at=later, error="Timeout")
    assert (retried.status, retried.error) == ("pending", "Timeout")
    assert _claim(engine) == []
    again = _claim(engine, now=later)
    assert [(m.id, m.attempts) for m in again] == [(ids[0], 2)]


def test_failed_message_no_longer_blocks_its_chat(
    engine: Engine, conversation: Conversation
) -> None:
    ids = _enqueue(engine, conversation, "A", 3)
    _claim(engine)
    with session(engine) as db:
        queries.fail_outbox(session=db, message_id=ids[0], error="Forbidden")
    assert [m.id for m in _claim(engine)] == [ids[1]]
    with session(engine) as db:
        dead = queries.fail_outbox(session=db, message_id=ids[1], error="Timeout", status="dead")
        assert dead.status == "dead"
        with pytest.raises(ValueError, match="status"):
            queries.fail_outbox(session=db, message_id=ids[2], error="X", status="sent")


def test_reap_returns_expired_leases_to_pending(engine: Engine, conversation: Conversation) -> None:
    ids = _enqueue(engine, conversation, "A", 1)
    _claim(engine)
    with session(engine) as db:
        assert queries.reap_outbox_leases(session=db, now=utcnow()) == 0
        assert queries.reap_outbox_leases(session=db, now=utcnow() + timedelta(minutes=2)) == 1
    assert [(m.id, m.attempts) for m in _claim(engine)] == [(ids[0], 2)]


def test_claim_can_be_limited_to_one_channel(engine: Engine, conversation: Conversation) -> None:
    _enqueue(engine, conversation, "A", 1)
    assert _claim(engine, channel="whatsapp") == []
    assert len(_claim(engine, channel="telegram")) == 1


def test_concurrent_claimers_never_share_a_row_and_keep_chat_order(
    engine: Engine, conversation: Conversation, threaded: Callable[..., list[Any]]
) -> None:
    expected = [i for chat in range(12) for i in _enqueue(engine, conversation, f"c{chat}", 5)]
    tickets = itertools.count()

    def drain(_: int) -> list[tuple[int, str, int]]:
        seen: list[tuple[int, str, int]] = []
        idle = 0
        while idle < 20:
            claimed = _claim(engine, limit=3)
            idle = 0 if claimed else idle + 1
            for message in claimed:
                assert message.id is not None
                seen.append((next(tickets), message.chat_id, message.id))
                with session(engine) as db:
                    queries.complete_outbox(session=db, message_id=message.id, external_id="x")
        return seen

    claims = sorted(c for batch in threaded(4, drain) for c in batch)
    counts = Counter(message_id for _, _, message_id in claims)
    assert sorted(counts) == sorted(expected)
    assert set(counts.values()) == {1}
    for chat in {chat for _, chat, _ in claims}:
        ids = [message_id for _, c, message_id in claims if c == chat]
        assert ids == sorted(ids)


def test_a_lapsed_send_is_taken_over_at_once_and_still_heads_its_chat(
    engine: Engine, conversation: Conversation
) -> None:
    ids = _enqueue(engine, conversation, "A", 2)
    assert [m.id for m in _claim(engine, owner="dead")] == [ids[0]]
    assert _claim(engine, owner="live") == []  # its lease still runs: nobody else sends it
    later = utcnow() + timedelta(seconds=61)
    again = _claim(engine, owner="live", now=later)
    assert [(m.id, m.attempts, m.lease_owner) for m in again] == [(ids[0], 2, "live")]


def test_only_the_owner_of_the_attempt_settles_a_send(
    engine: Engine, conversation: Conversation
) -> None:
    [first] = _enqueue(engine, conversation, "A", 1)
    _claim(engine, owner="slow")
    _claim(engine, owner="quick", now=utcnow() + timedelta(seconds=61))
    with session(engine) as db:
        assert not queries.settle_sent(
            session=db, message_id=first, owner="slow", attempt=1, external_id="x"
        )
        assert not queries.held_by(session=db, message_id=first, owner="slow", attempt=1)
        assert queries.held_by(session=db, message_id=first, owner="quick", attempt=2)
        assert queries.settle_sent(
            session=db, message_id=first, owner="quick", attempt=2, external_id="y"
        )
        row = db.get(OutboxMessage, first)
        assert row is not None
        assert (row.status, row.external_id, row.lease_owner) == ("sent", "y", None)


def test_renewal_keeps_a_send_from_being_taken_over(
    engine: Engine, conversation: Conversation
) -> None:
    _enqueue(engine, conversation, "A", 1)
    _claim(engine, owner="live")
    with session(engine) as db:
        renewed = queries.renew_outbox_leases(
            session=db, owner="live", now=utcnow() + timedelta(seconds=50), seconds=60
        )
    assert renewed == 1
    assert _claim(engine, owner="other", now=utcnow() + timedelta(seconds=61)) == []
