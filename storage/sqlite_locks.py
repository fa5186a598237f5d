"""Whose turn it is to write a SQLite database: threads of a process in order, then processes.

SQLite's own wait for the write lock polls with sleeps of up to 100 ms; these locks hand the
turn over at once within a process, and within a millisecond across processes.
"""

import fcntl
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

URGENT = "suara_urgent"
"""Connection info key: this connection's SQLite transactions go before other processes'."""

_WRITE_LOCK_TIMEOUT = 10.0
"""Seconds a SQLite transaction waits for this process's writer turn before SQLite's own wait."""


class FifoLock:
    """A lock handed to waiters in arrival order, at once on release (no polling, no sleeping)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        """Waits for the lock up to timeout seconds; tells whether it was acquired."""
        with self._guard:
            if not self._held and not self._waiters:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._guard:
            if turn.is_set():  # handed over just as the wait timed out
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        """Hands the lock to the longest waiter, or frees it."""
        with self._guard:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._held = False


class FileLock:
    """An exclusive lock on a file, shared by every process that writes one SQLite database.

    SQLite's own wait for another process's write lock sleeps up to 100 ms between looks; this
    one looks again within a millisecond. An urgent writer (recording webhooks) first takes a
    second file, the intent, which other writers wait for: it is next, whoever else is waiting.
    """

    def __init__(self, path: Path) -> None:
        self.path, self.intent_path = path, path.with_name(path.name + "-intent")
        self._fd: int | None = None
        self._intent_fd: int | None = None

    def acquire(self, timeout: float, *, urgent: bool = False) -> bool:
        """Waits for the lock up to timeout seconds; tells whether it was acquired."""
        fd, intent = self._files()
        deadline = time.monotonic() + timeout
        if urgent and not _wait(lambda: _try(intent, fcntl.LOCK_EX), deadline):
            return False
        try:
            return _wait(
                lambda: (urgent or _intent_free(intent)) and _try(fd, fcntl.LOCK_EX), deadline
            )
        finally:
            if urgent:
                fcntl.flock(intent, fcntl.LOCK_UN)

    def release(self) -> None:
        """Lets the next writer in."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _files(self) -> tuple[int, int]:
        if self._fd is None or self._intent_fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._intent_fd = os.open(self.intent_path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd, self._intent_fd


def _try(fd: int, mode: int) -> bool:
    """Takes a lock on fd if nobody holds it; tells whether it did."""
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _intent_free(intent: int) -> bool:
    """Tells whether no urgent writer is waiting."""
    if not _try(intent, fcntl.LOCK_SH):
        return False
    fcntl.flock(intent, fcntl.LOCK_UN)
    return True


def _wait(attempt: Callable[[], bool], deadline: float) -> bool:
    """Repeats attempt (sleeping 50 us, doubling up to 1 ms) until it succeeds or time is up."""
    pause = 0.00005
    while not attempt():
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.001)
    return True


class Writers:
    """Whose turn it is to write: this process's threads in order, then across processes."""

    def __init__(self, threads: FifoLock, processes: FileLock | None) -> None:
        self.threads, self.processes = threads, processes

    def acquire(self, info: dict[Any, Any]) -> None:
        """Takes both turns (each up to the timeout; past it, SQLite's own wait decides)."""
        if self.threads.acquire(_WRITE_LOCK_TIMEOUT):
            info["suara_writer"] = True
            urgent = bool(info.get(URGENT))
            if self.processes is not None and self.processes.acquire(
                _WRITE_LOCK_TIMEOUT, urgent=urgent
            ):
                info["suara_file_writer"] = True

    def release(self, info: dict[Any, Any]) -> None:
        """Gives both turns to the next transaction, once per transaction."""
        if info.pop("suara_file_writer", False) and self.processes is not None:
            self.processes.release()
        if info.pop("suara_writer", False):
            self.threads.release()
