"""Group commit: requests waiting together share a write; one bad job fails only its request.

Both kinds keep the same promises: `GroupCommit` writes on its own thread (SQLite),
`LoopGroupCommit` on the event loop (PostgreSQL's async connection).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

import pytest

from bot.runtime.recording import GroupCommit, LoopGroupCommit


class Store:
    """A write that records its batches and refuses any job named "bad" (as a bad row would)."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate, self.gate_async = threading.Event(), asyncio.Event()
        self.closed = False

    def open(self) -> None:
        """Lets the writes through."""
        self.gate.set()
        self.gate_async.set()

    def write(self, jobs: list[str]) -> list[str]:
        self.gate.wait(timeout=5)
        return self._take(jobs)

    async def write_async(self, jobs: list[str]) -> list[str]:
        await self.gate_async.wait()  # the loop stays free meanwhile, as it does for a query
        return self._take(jobs)

    def close(self) -> None:
        self.closed = True

    async def close_async(self) -> None:
        self.closed = True

    def _take(self, jobs: list[str]) -> list[str]:
        self.batches.append(jobs)
        if "bad" in jobs:
            raise ValueError("refused")
        return [job.upper() for job in jobs]


class Commit(Protocol):
    async def submit(self, job: str) -> str: ...
    async def aclose(self) -> None: ...


Build = Callable[[Store, Callable[[list[str]], Sequence[str]] | None], Commit]


def thread_kind(store: Store, write: Callable[[list[str]], Sequence[str]] | None) -> Commit:
    return GroupCommit(write or store.write, name="test-commit", on_close=store.close)


def loop_kind(store: Store, write: Callable[[list[str]], Sequence[str]] | None) -> Commit:
    async def given(jobs: list[str]) -> Sequence[str]:
        assert write is not None
        return write(jobs)

    write_async = store.write_async if write is None else given
    return LoopGroupCommit(write_async, on_close=store.close_async)


@pytest.fixture(params=[thread_kind, loop_kind], ids=["thread", "loop"])
def build(request: pytest.FixtureRequest) -> Build:
    kind: Build = request.param
    return kind


@pytest.fixture
def store() -> Store:
    return Store()


async def behind_a_write(
    commit: Commit, store: Store, first: str, rest: Sequence[str]
) -> tuple[asyncio.Task[str], list[asyncio.Task[str]]]:
    """Submits `first`, lets its write start, queues `rest` behind it, then opens the gate."""
    writing = asyncio.create_task(commit.submit(first))
    await asyncio.sleep(0.05)  # `first` is being written: the next ones queue up behind it
    waiting = [asyncio.create_task(commit.submit(job)) for job in rest]
    await asyncio.sleep(0.05)
    store.open()
    return writing, waiting


async def test_requests_waiting_behind_a_write_share_the_next_one(
    build: Build, store: Store
) -> None:
    commit = build(store, None)
    try:
        first, rest = await behind_a_write(commit, store, "a", "bcde")
        assert await first == "A"
        assert await asyncio.gather(*rest) == ["B", "C", "D", "E"]
    finally:
        await commit.aclose()
    assert store.batches == [["a"], ["b", "c", "d", "e"]]


async def test_requests_handled_in_one_turn_of_the_loop_go_together(
    build: Build, store: Store
) -> None:
    store.open()
    commit = build(store, None)
    try:
        assert await asyncio.gather(*(commit.submit(job) for job in "xyz")) == ["X", "Y", "Z"]
    finally:
        await commit.aclose()
    assert store.batches == [["x", "y", "z"]]


async def test_a_failed_batch_is_written_one_by_one_and_only_the_bad_job_fails(
    build: Build, store: Store
) -> None:
    commit = build(store, None)
    try:
        blocker, jobs = await behind_a_write(commit, store, "x", ("good", "bad", "fine"))
        await blocker
        assert await jobs[0] == "GOOD"
        with pytest.raises(ValueError, match="refused"):
            await jobs[1]
        assert await jobs[2] == "FINE"
    finally:
        await commit.aclose()
    assert store.batches == [["x"], ["good", "bad", "fine"], ["good"], ["bad"], ["fine"]]


async def test_a_write_answering_the_wrong_number_of_results_fails_its_requests(
    build: Build, store: Store
) -> None:
    commit = build(store, lambda jobs: [])
    try:
        with pytest.raises(RuntimeError, match="different number"):
            await commit.submit("a")
    finally:
        await commit.aclose()


async def test_close_writes_what_is_queued_and_runs_on_close(build: Build, store: Store) -> None:
    store.open()
    commit = build(store, None)
    assert await asyncio.gather(commit.submit("a"), commit.submit("b")) == ["A", "B"]
    await commit.aclose()
    assert store.closed
    assert [job for batch in store.batches for job in batch] == ["a", "b"]


async def test_a_client_gone_before_its_answer_leaves_the_others_answered(
    build: Build, store: Store
) -> None:
    commit = build(store, None)
    try:
        jobs = [asyncio.create_task(commit.submit(job)) for job in "pq"]
        await asyncio.sleep(0.05)
        jobs[0].cancel()  # the platform hung up on this request; its row is still written
        store.open()
        assert await jobs[1] == "Q"
    finally:
        await commit.aclose()
    assert store.batches == [["p", "q"]]
