"""Group commit for webhooks: the requests waiting while a write runs share the next one.

Requests handled in one turn of the event loop go together, and so do those that arrive while a
write runs. The write itself runs on the event loop (an async driver: psycopg on PostgreSQL),
which spares each batch a hand-over to a thread and back, or on a thread of its own (a blocking
driver: SQLite), so that acknowledging a webhook never waits for a free worker thread behind
turns and sends. Each request awaits only its own result; a failed batch is written again one
job at a time, so one bad row fails only its own request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

MAX_BATCH = 128
"""Most requests written in one transaction."""

Job = TypeVar("Job")
Result = TypeVar("Result")
Waiting = tuple[Job, "asyncio.Future[Result]"]
"""A job and the future its request awaits."""


class GroupCommit(Generic[Job, Result]):
    """Writes every request waiting in one batch, one batch at a time; answers each request.

    `write` takes the batch's jobs in arrival order and returns one result per job. Build it
    with `on_loop` (a coroutine function) or `on_thread` (a blocking function).
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

    @classmethod
    def on_loop(
        cls,
        write: Callable[[list[Job]], Awaitable[Sequence[Result]]],
        *,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> GroupCommit[Job, Result]:
        """Runs the async `write` on the event loop."""
        return cls(write, on_close=on_close)

    @classmethod
    def on_thread(
        cls,
        write: Callable[[list[Job]], Sequence[Result]],
        *,
        name: str,
        on_close: Callable[[], None] | None = None,
    ) -> GroupCommit[Job, Result]:
        """Runs the blocking `write` on a thread of its own (`name`), never on the loop."""
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

        async def write_on_thread(jobs: list[Job]) -> Sequence[Result]:
            return await asyncio.get_running_loop().run_in_executor(thread, write, jobs)

        async def close() -> None:
            await asyncio.to_thread(thread.shutdown, wait=True)
            if on_close is not None:
                on_close()

        return cls(write_on_thread, on_close=close)

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
            results = await self.write([job for job, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError("a write returned a different number of results")
        except Exception as error:
            if len(batch) == 1:
                _deliver(batch, failure=error)
                return
            log.warning("batch write failed; writing one by one", extra={"size": len(batch)})
            for one in batch:
                await self._write([one])
            return
        _deliver(batch, results=results)


def _deliver(
    batch: Sequence[Waiting[Job, Result]],
    *,
    results: Sequence[Result] = (),
    failure: Exception | None = None,
) -> None:
    """Hands each waiting request its result, or the failure."""
    for index, (_, done) in enumerate(batch):
        if done.done():  # its client went away; what was written stays
            continue
        if failure is not None:
            done.set_exception(failure)
        else:
            done.set_result(results[index])
