"""Group commit: requests waiting together share a write; one bad job fails only its request."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.recording import GroupCommit


class Store:
    """A write that records its batches and refuses any job named "bad" (as a bad row would)."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()

    def write(self, jobs: list[str]) -> list[str]:
        self.gate.wait(timeout=5)
        self.batches.append(jobs)
        if "bad" in jobs:
            raise ValueError("refused")
        return [job.upper() for job in jobs]


async def test_requests_waiting_behind_a_write_share_the_next_one() -> None:
    store = Store()
    commit = GroupCommit(store.write, name="test-commit")
    try:
        first = asyncio.create_task(commit.submit("a"))
        await asyncio.sleep(0.05)  # "a" is being written: the next ones queue up behind it
        rest = [asyncio.create_task(commit.submit(job)) for job in "bcde"]
        await asyncio.sleep(0.05)
        store.gate.set()
        assert await first == "A"
        assert await asyncio.gather(*rest) == ["B", "C", "D", "E"]
    finally:
        commit.close()
    assert store.batches == [["a"], ["b", "c", "d", "e"]]


async def test_a_failed_batch_is_written_one_by_one_and_only_the_bad_job_fails() -> None:
    store = Store()
    commit = GroupCommit(store.write, name="test-commit")
    try:
        blocker = asyncio.create_task(commit.submit("x"))
        await asyncio.sleep(0.05)
        jobs = [asyncio.create_task(commit.submit(job)) for job in ("good", "bad", "fine")]
        await asyncio.sleep(0.05)
        store.gate.set()
        await blocker
        assert await jobs[0] == "GOOD"
        with pytest.raises(ValueError, match="refused"):
            await jobs[1]
        assert await jobs[2] == "FINE"
    finally:
        commit.close()
    assert store.batches == [["x"], ["good", "bad", "fine"], ["good"], ["bad"], ["fine"]]


async def test_a_write_answering_the_wrong_number_of_results_fails_its_requests() -> None:
    commit: GroupCommit[str, str] = GroupCommit(lambda jobs: [], name="test-commit")
    try:
        with pytest.raises(RuntimeError, match="different number"):
            await commit.submit("a")
    finally:
        commit.close()


async def test_close_writes_what_is_queued_and_runs_on_close() -> None:
    store, closed = Store(), threading.Event()
    store.gate.set()
    commit = GroupCommit(store.write, name="test-commit", on_close=closed.set)
    assert await asyncio.gather(commit.submit("a"), commit.submit("b")) == ["A", "B"]
    commit.close()
    assert closed.is_set()
    assert [job for batch in store.batches for job in batch] == ["a", "b"]
