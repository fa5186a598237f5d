"""Serves an ASGI app with uvicorn on 127.0.0.1 (an ephemeral port) in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Self

import uvicorn

START_SECONDS = 10


class LoopbackServer:
    """An ASGI app on loopback for the length of a `with` block."""

    def __init__(self, app: Any, name: str = "loopback server", lifespan: str = "off") -> None:
        self.name = name
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan=lifespan)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]})

    @property
    def base_url(self) -> str:
        """Returns the server's http URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + START_SECONDS
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
