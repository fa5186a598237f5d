"""What the footprint and soak benches share: `suara serve` as an operator runs it, a crowd of
reporters driven through the fake Bot API, and the memory of each Suara process.

Suara runs as `suara serve` (the web process and the worker it starts) from this clone's
virtualenv, on a migrated database, with fake tokens pointing at the fake Bot API of the tests
(in a child process, bench/webhook_load.py) and the channel rate limit lifted. Each reporter
sends a first message and a few answers, each after the replies to the one before reached the
fake; reporters arrive at a steady pace (or all at once) with a bounded number of connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / p) for p in ("", "tests", "tests/telegram", "bench")]

import harness  # noqa: E402
from telegram_load import REPORT, reporter  # noqa: E402
from telegram_webhook import serve_fake, suara_env  # noqa: E402
from webhook_load import FakeProcess, Reporter, client, post, reply_counts  # noqa: E402

ANSWERS = 3
"""Updates each reporter sends after its first message (/start, then the first questions)."""
SUARA = Path(sys.executable).parent / "suara"
START_LIMIT = 90.0
"""Seconds `suara serve` may take to answer /healthz before the bench gives up."""


@dataclass(frozen=True)
class Memory:
    """One process's resident memory, in MB: RSS, and PSS (shared pages split between users)."""

    rss: float
    pss: float


def memory(pid: int) -> Memory:
    """Returns a process's RSS and PSS from /proc/<pid>/smaps_rollup."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return Memory(fields["Rss"], fields["Pss"])


def children(pid: int) -> list[int]:
    """Returns the ids of a process's children (the worker of a web process)."""
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


@dataclass
class Served:
    """A running `suara serve`: its URL, process, the seconds to /healthz 200."""

    base: str
    process: subprocess.Popen[bytes]
    started_in: float

    def processes(self) -> dict[str, int]:
        """Names the web process and its worker by pid."""
        found = {"web": self.process.pid}
        worker = children(self.process.pid)
        if worker:
            found["worker"] = worker[0]
        return found

    def memory(self) -> dict[str, Memory]:
        """Returns the memory of the web process, the worker and their sum."""
        each = {name: memory(pid) for name, pid in self.processes().items()}
        each["sum"] = Memory(sum(m.rss for m in each.values()), sum(m.pss for m in each.values()))
        return each


def answers(url: str) -> int:
    """Returns the status a GET gets (0: no answer)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def wait_for(url: str, process: subprocess.Popen[bytes], began: float) -> float:
    """Waits until a GET of url answers 200; returns the seconds since `began`."""
    while answers(url) != 200:
        if process.poll() is not None or time.monotonic() - began > START_LIMIT:
            raise RuntimeError(f"suara serve did not answer {url}")
        time.sleep(0.02)
    return time.monotonic() - began


@contextlib.contextmanager
def serving(env: dict[str, str], folder: Path, *, ready: bool = True) -> Iterator[Served]:
    """Runs `suara serve` in folder until the block ends; `ready`: waits for /readyz too."""
    port = harness.free_port()
    command = [str(SUARA), "serve", "--port", str(port)]
    log = (folder / "serve.log").open("ab")
    began = time.monotonic()
    process = subprocess.Popen(
        command, cwd=folder, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        served = Served(base, process, wait_for(f"{base}/healthz", process, began))
        if ready:  # the worker is up and beating: it has built everything it idles with
            wait_for(f"{base}/readyz", process, began)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def environment(database_url: str, folder: Path, fake: FakeProcess) -> dict[str, str]:
    """Returns what an operator sets for a PTB webhook deployment, plus the lifted rate limit."""
    env = suara_env(database_url, folder / "files", fake, "ptb")
    env.pop("WORKER_PROCESS")  # `suara serve` starts its worker by itself
    return {**env, "ESCALATION_DISPATCH": "false", "HELP_CONTACTS_FILE": help_numbers(folder)}


def help_numbers(folder: Path) -> str:
    """Writes the packaged help numbers, verified today (serve refuses none, warns of old)."""
    from bot.settings import packaged_config

    text = packaged_config("help_contacts.toml").read_text(encoding="utf-8")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    path = folder / "help_contacts.toml"
    path.write_text(text.replace('last_verified = ""', f'last_verified = "{today}"', 1))
    return str(path)


def reporters(first_id: int, count: int) -> list[Reporter]:
    """Returns `count` reporters, each with its first message and ANSWERS answers."""
    found = []
    for user_id in range(first_id, first_id + count):
        one = reporter(user_id)
        one.requests = one.requests[: 1 + ANSWERS]
        found.append(one)
    return found


async def warm_up(url: str, fake: FakeProcess, first_id: int) -> list[int]:
    """Files one reporter's updates alone; returns how many replies each update gets."""
    (one,) = reporters(first_id, 1)
    counts = await reply_counts(url, fake, one)
    assert all(c >= 1 for c in counts), counts
    return counts


async def drive(
    url: str,
    fake: FakeProcess,
    crowd: list[Reporter],
    counts: list[int],
    *,
    seconds: float = 0.0,
    connections: int = 64,
) -> float:
    """Reporters arrive evenly over `seconds` (0: all at once) and talk until answered;
    returns the seconds until the last reply arrived."""
    fake.listen(crowd)
    gate = asyncio.Semaphore(connections)
    spacing = seconds / len(crowd) if crowd else 0.0
    began = time.monotonic()
    async with client(connections) as session:

        async def talk(index: int, one: Reporter) -> None:
            await asyncio.sleep(max(began + index * spacing - time.monotonic(), 0))
            expected = 0
            for step, (body, headers) in enumerate(one.requests):
                expected += counts[step]
                async with gate:
                    one.sent_at.append(time.monotonic())
                    one.acks.append(await post(session, url, body, headers))
                while len(one.replies) < expected:
                    one.arrived.clear()
                    await asyncio.wait_for(one.arrived.wait(), timeout=600)

        await asyncio.gather(*(talk(i, one) for i, one in enumerate(crowd)))
    return time.monotonic() - began


@contextlib.contextmanager
def fake_api() -> Iterator[FakeProcess]:
    """Runs the fake Bot API in a child process."""
    with FakeProcess(serve_fake) as fake:
        yield fake


@contextlib.contextmanager
def workplace() -> Iterator[Path]:
    """Yields an empty folder for the server's data directory, its files and its log."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def updates_per_reporter() -> int:
    """Returns how many updates each reporter sends."""
    return min(1 + ANSWERS, len(REPORT))
