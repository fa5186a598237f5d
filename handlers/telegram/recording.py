"""The durable write before the 200, on its own thread: one commit for every update waiting."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading

from sqlalchemy import Engine

from bot.envelopes import Channel
from bot.inbox import InboxWriter, Item

log = logging.getLogger(__name__)

MAX_BATCH = 128
"""Most updates written in one transaction."""

Job = tuple[Item, "asyncio.Future[int | None]"]


class Recorder:
    """Writes webhook updates to the inbox in batches (group commit), never behind turns."""

    def __init__(self, engine: Engine, channel: Channel) -> None:
        self.engine, self.channel = engine, channel
        self.writer = InboxWriter(engine, channel)
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def record(self, item: Item) -> int | None:
        """Returns the update's inbox id once committed, or None for a duplicate."""
        self._start()
        done: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._jobs.put((item, done))
        return await done

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="inbox-recorder", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            batch = [job]
            while len(batch) < MAX_BATCH:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._jobs.put(None)
                    break
                batch.append(more)
            self._write(batch)

    def _write(self, batch: list[Job]) -> None:
        try:
            ids = self.writer.record([item for item, _ in batch])
        except Exception:  # one bad row must not fail the others: write them one by one
            log.warning("batch write failed; recording one by one", extra={"size": len(batch)})
            for job in batch:
                self._write_one(job)
            return
        _settle_all([done for _, done in batch], ids)

    def _write_one(self, job: Job) -> None:
        item, done = job
        try:
            found = self.writer.record([item])[0]
        except Exception as error:
            _settle(done, None, error)
            return
        _settle(done, found)

    def close(self) -> None:
        """Finishes the queued writes and stops the thread."""
        if self._thread is not None and self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=10)
        self.writer.close()


def _settle_all(waiting: list[asyncio.Future[int | None]], found: list[int | None]) -> None:
    """Hands a batch's results to the waiting requests in one call into their event loop."""
    if not waiting:
        return

    def deliver() -> None:
        for done, result in zip(waiting, found, strict=True):
            if not done.cancelled():
                done.set_result(result)

    with contextlib.suppress(RuntimeError):  # the app stopped meanwhile: the rows are stored
        waiting[0].get_loop().call_soon_threadsafe(deliver)


def _settle(
    done: asyncio.Future[int | None], found: int | None, error: Exception | None = None
) -> None:
    """Hands a result to the waiting request, in its event loop."""

    def deliver() -> None:
        if done.cancelled():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(found)

    with contextlib.suppress(RuntimeError):  # the app stopped meanwhile: the row is stored anyway
        done.get_loop().call_soon_threadsafe(deliver)
