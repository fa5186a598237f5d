"""Claims on inbound updates: one owner at a time, in chat order, taken over when they lapse."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from storage import inbox_claims, queries
from storage.db import session
from storage.types import utcnow

LEASE = 5.0


def record(engine: Engine, *chats: str | None) -> list[int]:
    """Records one update per chat given, in order; returns their ids."""
    ids = []
    with session(engine) as db:
        for chat in chats:
            row = queries.record_inbound(
                session=db,
                channel="telegram",
                external_id=f"u{len(ids)}-{chat}-{utcnow().timestamp()}",
                chat_id=chat,
                payload=b"{}",
            )
            assert row is not None
            assert row.id is not None
            ids.append(row.id)
    return ids


def claim(engine: Engine, owner: str, *, after: float = 0, limit: int = 50) -> list[int]:
    """Claims for owner as if `after` seconds had passed; returns the ids claimed."""
    now = utcnow() + timedelta(seconds=after)
    with session(engine) as db:
        found = inbox_claims.claim_inbound(
            session=db, owner=owner, now=now, seconds=LEASE, limit=limit
        )
    return [row_id for row_id, _, _ in found]


def take(engine: Engine, inbound_id: int, owner: str, *, after: float = 0) -> bool:
    now = utcnow() + timedelta(seconds=after)
    with session(engine) as db:
        row = inbox_claims.take_inbound(
            session=db, inbound_id=inbound_id, owner=owner, now=now, seconds=LEASE
        )
        return row is not None


def done(engine: Engine, inbound_id: int) -> None:
    with session(engine) as db:
        queries.mark_inbound(session=db, inbound_id=inbound_id, status="processed")


def test_a_claimed_update_is_nobody_elses_until_its_lease_lapses(engine: Engine) -> None:
    ids = record(engine, "a", "b")
    assert claim(engine, "one") == ids
    assert claim(engine, "two") == []
    assert not take(engine, ids[0], "two")
    assert take(engine, ids[0], "one")  # the owner's own claim is renewed
    assert claim(engine, "two", after=LEASE + 1) == ids  # "one" died: taken over
    with session(engine) as db:
        assert inbox_claims.holds(session=db, inbound_id=ids[0], owner="two")
        assert not inbox_claims.holds(session=db, inbound_id=ids[0], owner="one")


def test_a_chat_whose_earlier_update_another_holds_waits_for_it(engine: Engine) -> None:
    first = record(engine, "a")
    assert claim(engine, "one") == first
    later, other = record(engine, "a", "b")
    assert claim(engine, "two") == [other]  # chat a stays with "one" while it works on it
    assert not take(engine, later, "two")
    assert claim(engine, "one") == [later]  # its owner may take the next one of the chat
    done(engine, first[0])


def test_a_chat_is_free_again_once_its_earlier_update_is_done(engine: Engine) -> None:
    first = record(engine, "a")
    assert claim(engine, "one") == first
    later = record(engine, "a")
    assert claim(engine, "two") == []
    done(engine, first[0])
    assert claim(engine, "two") == later


def test_a_failed_update_waits_for_its_time_and_blocks_nobody(engine: Engine) -> None:
    first = record(engine, "a")
    assert claim(engine, "one") == first
    with session(engine) as db:
        queries.defer_inbound(
            session=db, inbound_id=first[0], error="X", at=utcnow() + timedelta(seconds=30)
        )
    later = record(engine, "a")
    assert claim(engine, "two") == later
    done(engine, later[0])
    assert claim(engine, "two") == []  # not due yet
    assert claim(engine, "two", after=31) == first


def test_renewal_keeps_a_claim_and_release_gives_it_back(engine: Engine) -> None:
    ids = record(engine, "a", None)
    assert claim(engine, "one") == ids
    with session(engine) as db:
        later = utcnow() + timedelta(seconds=LEASE - 1)
        assert inbox_claims.renew_inbound(session=db, owner="one", now=later, seconds=LEASE) == 2
    assert claim(engine, "two", after=LEASE + 1) == []  # renewed: still held
    with session(engine) as db:
        assert inbox_claims.release_inbound(session=db, owner="one") == 2
    assert claim(engine, "two") == ids


def test_concurrent_claimers_never_share_an_update_and_keep_chat_order(
    engine: Engine, threaded: Callable[..., list[Any]]
) -> None:
    chats = [f"c{n % 10}" for n in range(60)]
    expected = record(engine, *chats)
    chat_of = dict(zip(expected, chats, strict=True))
    tickets = itertools.count()

    def work(index: int) -> list[tuple[int, int]]:
        seen: list[tuple[int, int]] = []
        idle = 0
        while idle < 20:
            claimed = claim(engine, f"owner-{index}", limit=4)
            idle = 0 if claimed else idle + 1
            for inbound_id in claimed:
                seen.append((next(tickets), inbound_id))
                done(engine, inbound_id)
        return seen

    handled = sorted(pair for batch in threaded(4, work) for pair in batch)
    counts = Counter(inbound_id for _, inbound_id in handled)
    assert sorted(counts) == expected
    assert set(counts.values()) == {1}
    for chat in set(chats):
        order = [inbound_id for _, inbound_id in handled if chat_of[inbound_id] == chat]
        assert order == sorted(order)
