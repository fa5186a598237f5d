"""Group commit for webhooks: the requests waiting while a write runs share the next one.

Requests handled in one turn of the event loop go together. `GroupCommit` writes on a thread of
its own (a blocking driver: SQLite), so that acknowledging a webhook never waits for a free worker
thread behind turns and sends; `LoopGroupCommit` writes on the event loop itself (an async driver:
psycopg on PostgreSQL), sparing each batch the hand-over to a thread and back. Each request awaits
only its own result; a failed batch is written again one job at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import queue
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

MAX_BATCH = 128
"""Most requests written in one transaction."""

Job = TypeVar("Job")
Result = TypeVar("Result")
Waiting = tuple[Job, "asyncio.Future[Result]"]
"""A job and the future its request awaits."""


class GroupCommit(Generic[Job, Result]):
    """Runs `write` on its own thread for every request waiting; answers each in its loop.

    `write` takes the batch's jobs in arrival order and returns one result per job. When a
    batch fails, its jobs are written one by one, so one bad row fails only its own request.
    """

    def __init__(
        self,
        write: Callable[[list[Job]], Sequence[Result]],
        *,
        name: str,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.write, self.name, self.on_close = write, name, on_close
        self._queue: queue.SimpleQueue[list[Waiting[Job, Result]] | None] = queue.SimpleQueue()
        self._gathering: list[Waiting[Job, Result]] = []
        self._thread: threading.Thread | None = None

    async def submit(self, job: Job) -> Result:
        """Returns the job's result once its batch is committed (raises what writing it raised)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Result] = loop.create_future()
        if not self._gathering:  # requests handled in this turn of the loop go together
            loop.call_soon(self._hand_over)
        self._gathering.append((job, done))
        return await done

    def close(self) -> None:
        """Finishes the queued writes, stops the thread and runs `on_close`."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=10)
        if self.on_close is not None:
            self.on_close()

    async def aclose(self) -> None:
        """Closes without blocking the event loop (see `close`)."""
        await asyncio.to_thread(self.close)

    def _hand_over(self) -> None:
        """Queues what this turn of the loop gathered for the writing thread."""
        gathered, self._gathering = self._gathering, []
        if self._thread is None or not self._thread.is_alive():  # only the loop's thread is here
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
        self._queue.put(gathered)

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            while len(batch) < MAX_BATCH:  # what queued up during the last write joins this one
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:  # closing: write what came before it, then stop
                    self._queue.put(None)
                    break
                batch = batch + more
            self._write(batch)

    def _write(self, batch: list[Waiting[Job, Result]]) -> None:
        try:
            results = _checked(self.write([job for job, _ in batch]), batch)
        except Exception as error:
            for alone in _again_alone(batch, error, _settle):
                self._write(alone)
        except BaseException as error:  # the thread goes on: its waiters must not wait forever
            log.error("batch write stopped", extra={"error": type(error).__name__})
            _settle(batch, failure=RuntimeError(f"the write stopped: {type(error).__name__}"))
        else:
            _settle(batch, results=results)


class LoopGroupCommit(Generic[Job, Result]):
    """Runs the async `write` on the event loop for every request waiting, one batch at a time.

    `write` takes the batch's jobs in arrival order and returns one result per job. When a
    batch fails, its jobs are written one by one, so one bad row fails only its own request.
    """

    def __init__(
        self,
        write: Callable[[list[Job]], Awaitable[Sequence[Result]]],
        *,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.write, self.on_close = write, on_close
        self._waiting: list[Waiting[Job, Result]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, job: Job) -> Result:
        """Returns the job's result once its batch is committed (raises what writing it raised)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Result] = loop.create_future()
        self._waiting.append((job, done))
        if self._writer is None:
            self._writer = loop.create_task(self._run())
        return await done

    async def aclose(self) -> None:
        """Finishes the writes in hand, then runs `on_close`."""
        if self._writer is not None:
            await asyncio.wait([self._writer])
        if self.on_close is not None:
            await self.on_close()

    async def _run(self) -> None:
        """Writes what is waiting, batch after batch; what arrives during a write joins the next."""
        await asyncio.sleep(0)  # requests handled in this turn of the loop go together
        try:
            while self._waiting:
                batch = self._waiting[:MAX_BATCH]
                del self._waiting[:MAX_BATCH]
                await self._write(batch)
        finally:
            self._writer = None

    async def _write(self, batch: list[Waiting[Job, Result]]) -> None:
        try:
            results = _checked(await self.write([job for job, _ in batch]), batch)
        except Exception as error:
            for alone in _again_alone(batch, error, _deliver):
                await self._write(alone)
        else:
            _deliver(batch, results=results)


def _again_alone(
    batch: list[Waiting[Job, Result]],
    error: Exception,
    answer: Callable[..., None],
) -> list[list[Waiting[Job, Result]]]:
    """Answers a lone job's failure; returns a larger failed batch as lone jobs to write again."""
    if len(batch) == 1:
        answer(batch, failure=error)
        return []
    log.warning("batch write failed; writing one by one", extra={"size": len(batch)})
    return [[one] for one in batch]


def _checked(results: Sequence[Result], batch: Sequence[Waiting[Job, Result]]) -> Sequence[Result]:
    """Returns a write's results, or raises when there is not one for each job."""
    if len(results) != len(batch):
        raise RuntimeError("a write returned a different number of results")
    return results


def _deliver(
    batch: Sequence[Waiting[Job, Result]],
    *,
    results: Sequence[Result] = (),
    failure: Exception | None = None,
) -> None:
    """Hands each waiting request its result or the failure (on the loop's own thread)."""
    for index, (_, done) in enumerate(batch):
        if done.done():  # its client went away
            continue
        if failure is not None:
            done.set_exception(failure)
        else:
            done.set_result(results[index])


def _settle(
    batch: Sequence[Waiting[Job, Result]],
    *,
    results: Sequence[Result] = (),
    failure: Exception | None = None,
) -> None:
    """Hands each waiting request its result (or the failure) in one call into its loop."""
    deliver = functools.partial(_deliver, batch, results=results, failure=failure)
    with contextlib.suppress(RuntimeError):  # the app stopped meanwhile: what was written stays
        batch[0][1].get_loop().call_soon_threadsafe(deliver)
