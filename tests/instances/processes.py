"""Real `suara serve` processes for tests: started, posted to, killed and restarted by the test.

Each instance is the console script `suara serve` in a session of its own, so that a SIGKILL of
its process group kills the web process and the worker process it started, as a crashed host
would. Output goes to a file in the test's folder (shown when a test fails).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fakebot import TOKEN
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from loopback import LoopbackServer
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
SUARA = Path(sys.executable).with_name("suara")
SECRET = "s3cr3t-Webhook_token-0123456789"
HOOK_SECRET = "whsec_" + "c3VhcmEtdGVzdC1yZWNlaXZlci1zZWNyZXQtMDEyMzQ1Njc4OQ=="
START_SECONDS = 45.0


def free_port() -> int:
    """Returns a loopback port free at this moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def instance_env(database_url: str, bot_api: str, hook: str, folder: Path) -> dict[str, str]:
    """The environment of one instance: webhook mode on the fake Bot API, escalations to hook."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "DATABASE_URL": database_url,
        "FILE_STORE": str(folder / "files"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": bot_api,
        "TELEGRAM_WEBHOOK_URL": "https://suara.example.org/webhooks/telegram",
        "TELEGRAM_CHAT_RATE": "1000",
        "TELEGRAM_CHAT_BURST": "1000",
        "TELEGRAM_OVERALL_RATE": "1000",
        "ENCRYPTION_KEYS": ",".join(TEST_KEYS),
        "ENCRYPTION_ADDRESS_KEY": TEST_ADDRESS_KEY,
        "WORKER_NICE": "0",
        "RETENTION_ENABLED": "false",
        "ESCALATION_WEBHOOK_URL": hook,
        "ESCALATION_WEBHOOK_SECRET": HOOK_SECRET,
        "ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
    }


class Instance:
    """One `suara serve` (its web process and the worker it starts) on a port of its own."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name, self.env, self.folder = name, env, folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        self.log = folder / f"{name}.log"

    def start(self) -> None:
        """Starts the processes (returns at once; `ready` waits for the web process)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - the project's own console script
                [str(SUARA), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def ready(self, limit: float = START_SECONDS) -> None:
        """Waits until the web process answers /healthz."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited: {self.tail()}")
            with contextlib.suppress(httpx.TransportError):
                if (await self.client.get("/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} did not start: {self.tail()}")

    async def post(self, body: bytes) -> int:
        """Posts one update as Telegram does; returns the status (0 when nothing answered)."""
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        try:
            response = await self.client.post("/webhooks/telegram", content=body, headers=headers)
        except httpx.TransportError:
            return 0
        return response.status_code

    def kill(self) -> None:
        """SIGKILLs the web process and its worker at once (their process group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stops like a service manager does (SIGTERM to the group); kills it if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            self.kill()

    async def close(self) -> None:
        """Stops the processes and closes the HTTP client."""
        self.stop()
        await self.client.aclose()

    def tail(self, size: int = 4000) -> str:
        """Returns the end of the instance's output."""
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""


@contextlib.asynccontextmanager
async def instances(
    count: int, database_url: str, bot_api: str, hook: str, folder: Path
) -> AsyncIterator[list[Instance]]:
    """Starts `count` instances at the same moment on one database; stops them afterwards."""
    env = instance_env(database_url, bot_api, hook, folder)
    started = [Instance(f"instance-{n}", env, folder / f"instance-{n}") for n in range(count)]
    try:
        for instance in started:
            instance.start()
        for instance in started:
            await instance.ready()
        yield started
    except BaseException:
        for instance in started:  # pytest shows this beside the failure
            log.error("%s said:\n%s", instance.name, instance.tail())
        raise
    finally:
        for instance in started:
            await instance.close()


@dataclass
class Hook:
    """A caseworker system's webhook receiver: checks each signature, counts each webhook id."""

    received: list[str] = field(default_factory=list)
    refused: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def take(self, request: Request) -> Response:
        body = await request.body()
        try:
            Webhook(HOOK_SECRET).verify(body, dict(request.headers))
        except (WebhookVerificationError, ValueError):
            with self._lock:
                self.refused += 1
            return Response(status_code=400)
        with self._lock:
            self.received.append(request.headers["webhook-id"])
        return Response("ok")


@contextlib.contextmanager
def served_hook() -> Iterator[tuple[Hook, str]]:
    """Yields a receiver on loopback and its URL for the length of the block."""
    hook = Hook()
    app = Starlette(routes=[Route("/hook", hook.take, methods=["POST"])])
    with LoopbackServer(app, "webhook receiver") as server:
        yield hook, f"{server.base_url}/hook"


def describe(*found: Instance) -> dict[str, Any]:
    """Returns each instance's recent output, for an assertion message."""
    return {instance.name: instance.tail(1500) for instance in found}
