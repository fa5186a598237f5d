"""Group commit for webhooks: the requests waiting while a write runs share the next one.

Requests handled in one turn of the event loop are handed over together; writes run on a thread
of their own, so that acknowledging a webhook never waits for a free worker thread behind turns
and sends; each request awaits only its own result.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Sequence
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
        self._lock = threading.Lock()

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

    def _hand_over(self) -> None:
        """Queues what this turn of the loop gathered for the writing thread."""
        gathered, self._gathering = self._gathering, []
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
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
            results = self.write([job for job, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError("a write returned a different number of results")
        except Exception as error:
            if len(batch) == 1:
                _settle(batch, failure=error)
                return
            log.warning("batch write failed; writing one by one", extra={"size": len(batch)})
            for one in batch:
                self._write([one])
            return
        _settle(batch, results=results)


def _settle(
    batch: Sequence[Waiting[Job, Result]],
    *,
    results: Sequence[Result] = (),
    failure: Exception | None = None,
) -> None:
    """Hands each waiting request its result (or the failure) in one call into its loop."""

    def deliver() -> None:
        for index, (_, done) in enumerate(batch):
            if done.done():  # its client went away
                continue
            if failure is not None:
                done.set_exception(failure)
            else:
                done.set_result(results[index])

    with contextlib.suppress(RuntimeError):  # the app stopped meanwhile: what was written stays
        batch[0][1].get_loop().call_soon_threadsafe(deliver)
