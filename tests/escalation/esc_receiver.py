"""A loopback webhook receiver with switchable faults, run by uvicorn on a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Received:
    """One request as the receiver saw it."""

    webhook_id: str
    headers: dict[str, str]
    body: bytes
    at: float
    verified: bool


@dataclass
class Receiver:
    """Answers each request with the next scripted behaviour, else the default one.

    Behaviours: "ok", "<status>" (e.g. "500", "410", "302"), "429:<retry-after>", "sleep:<s>",
    "drip" (200, then one byte every 0.3 s), "hang" (never answers).
    """

    secret: str
    default: str = "ok"
    script: deque[str] = field(default_factory=deque)
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    active: int = 0
    peak: int = 0
    arrived: threading.Event = field(default_factory=threading.Event)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ids(self) -> list[str]:
        return [r.webhook_id for r in self.requests]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        try:
            Webhook(self.secret).verify(body, headers)
            verified = True
        except (WebhookVerificationError, ValueError):
            verified = False
        self.requests.append(
            Received(headers.get("webhook-id", ""), headers, body, time.monotonic(), verified)
        )
        self.arrived.set()
        behaviour = self.script.popleft() if self.script else self.default
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await self._answer(behaviour, send)
        finally:
            self.active -= 1

    async def _answer(self, behaviour: str, send: Any) -> None:
        name, _, argument = behaviour.partition(":")
        if name == "hang":
            await asyncio.sleep(3600)
        if name == "sleep":
            await asyncio.sleep(float(argument))
        status, extra = 200, []
        if name.isdigit():
            status = int(name)
            if status in (301, 302):
                extra = [(b"location", self.url.encode())]
        if name == "429":
            status, extra = 429, [(b"retry-after", argument.encode())]
        await send({"type": "http.response.start", "status": status, "headers": extra})
        if name == "drip":
            try:
                for _ in range(200):
                    await send({"type": "http.response.body", "body": b"x", "more_body": True})
                    await asyncio.sleep(0.3)
            except Exception:  # noqa: BLE001 - the sender hung up, as it should
                return
        await send({"type": "http.response.body", "body": b"ok"})

    def start(self) -> Receiver:
        config = uvicorn.Config(
            self, host="127.0.0.1", port=0, log_level="warning", lifespan="off", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "receiver did not start"
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)


def closed_port() -> int:
    """Returns a loopback port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
