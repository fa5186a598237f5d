"""Fixtures for the storage tests: seeded rows and a helper that runs work on many threads."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine

from storage import queries
from storage.db import session
from storage.models import Case, Conversation

T = TypeVar("T")


@pytest.fixture
def conversation(engine: Engine) -> Conversation:
    """Create a reporter and its conversation on a test chat."""
    with session(engine) as db:
        reporter = queries.get_or_create_reporter(
            session=db, channel="telegram", channel_user_id="u1"
        )
        assert reporter.id is not None
        row, _ = queries.lock_conversation(
            session=db, channel="telegram", chat_id="c1", reporter_id=reporter.id
        )
        return row


@pytest.fixture
def case(engine: Engine, conversation: Conversation) -> Case:
    """Create a draft case for the test conversation."""
    assert conversation.id is not None
    with session(engine) as db:
        row = Case(
            reference=queries.next_case_reference(session=db, year=2026),
            conversation_id=conversation.id,
            reporter_id=conversation.reporter_id,
            locale="id",
            channel="telegram",
        )
        db.add(row)
        db.flush()
        return row


@pytest.fixture
def threaded() -> Callable[..., list[Any]]:
    """Return run(n, work): call work(i) on n threads released together; return the results."""

    def run(count: int, work: Callable[[int], T]) -> list[T]:
        barrier = threading.Barrier(count)

        def start(index: int) -> T:
            barrier.wait(timeout=30)
            return work(index)

        with ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(start, range(count)))

    return run
