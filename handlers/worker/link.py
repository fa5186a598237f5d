"""The webhook process's side of the worker: starts it, keeps it running, tells it of new work.

With WORKER_PROCESS on, this process only records what comes in and answers; a second process
(`python -m handlers.worker.process`) runs the turns, the senders, the timers and the escalation
dispatcher. One byte on the worker's stdin says what kind of work is waiting; the worker also
looks every second, so a lost byte delays work by a second and loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from enum import Enum

from escalation.delivery import wakeup

log = logging.getLogger(__name__)

RESTART_SECONDS = (1.0, 60.0)
"""Pause before starting a worker again after it stopped on its own: the first, and the most
it doubles to while the worker keeps dying within a minute of its start."""
STOP_SECONDS = 15.0
"""How long a stopping app waits for its worker to finish the work in hand."""
FLUSH_SECONDS = 0.005
"""Wake-up bytes go out at most this often (a burst of webhooks is one wake-up per period)."""
MAX_UNREAD = 4096
"""Wake-up bytes the worker has not read yet: beyond this it is busy and looks again anyway."""


class Work(Enum):
    """The kinds of work a wake-up byte announces (stable values: they cross processes)."""

    INBOX = b"i"
    OUTBOX = b"o"
    ESCALATION = b"e"


class WorkerLink:
    """Runs the worker process beside this one and tells it when there is work."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.command = command or [sys.executable, "-m", "handlers.worker.process"]
        self.process: asyncio.subprocess.Process | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._waiting: set[Work] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._last_flush = 0.0

    def wake_inbox(self) -> None:
        """Says that new updates are recorded (safe from any thread)."""
        self.wake(Work.INBOX)

    def wake_outbox(self) -> None:
        """Says that new replies are queued (safe from any thread)."""
        self.wake(Work.OUTBOX)

    def wake(self, work: Work) -> None:
        """Tells the worker of work of this kind, once per turn of this process's event loop."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # not started yet: the worker looks at everything when it starts
        if threading.get_ident() == self._loop_thread:
            self._note(work)
        else:
            loop.call_soon_threadsafe(self._note, work)

    async def start(self) -> None:
        """Starts the worker and the watch that starts it again if it stops."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        await self._spawn()
        self._tasks = [
            asyncio.create_task(self._keep_running()),
            asyncio.create_task(self._relay_escalations()),
        ]

    async def stop(self) -> None:
        """Closes the worker's stdin (it finishes and exits); kills it if it does not."""
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        process = self.process
        if process is None or process.returncode is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), timeout=STOP_SECONDS)
        except TimeoutError:
            log.warning("worker did not stop in time; killing it", extra={"pid": process.pid})
            process.kill()
            await process.wait()

    def _note(self, work: Work) -> None:
        if not self._waiting and self._loop is not None:
            wait = self._last_flush + FLUSH_SECONDS - self._loop.time()
            self._loop.call_later(max(wait, 0), self._flush)
        self._waiting.add(work)

    def _flush(self) -> None:
        assert self._loop is not None
        self._last_flush = self._loop.time()
        kinds, self._waiting = b"".join(w.value for w in self._waiting), set()
        stdin = self.process.stdin if self.process is not None else None
        if stdin is None or stdin.is_closing():
            return
        if stdin.transport.get_write_buffer_size() < MAX_UNREAD:
            stdin.write(kinds)

    async def _spawn(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.command, stdin=asyncio.subprocess.PIPE
        )
        log.info("worker started", extra={"pid": self.process.pid})

    async def _keep_running(self) -> None:
        pause, loop = RESTART_SECONDS[0], asyncio.get_running_loop()
        while self.process is not None:
            started = loop.time()
            code = await self.process.wait()
            if self._stopping:
                return
            if loop.time() - started >= 60:  # it ran a while: start again soon
                pause = RESTART_SECONDS[0]
            log.error("worker stopped; starting it again", extra={"exit_code": code})
            await asyncio.sleep(pause)
            pause = min(pause * 2, RESTART_SECONDS[1])
            await self._spawn()

    async def _relay_escalations(self) -> None:
        """Passes this process's escalation commits on (PostgreSQL's NOTIFY does it too)."""
        assert self._loop is not None
        flag = asyncio.Event()
        key = wakeup.register(self._loop, flag)
        try:
            while True:
                await flag.wait()
                flag.clear()
                self.wake(Work.ESCALATION)
        finally:
            wakeup.unregister(key)
