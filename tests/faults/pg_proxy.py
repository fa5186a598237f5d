"""A TCP proxy in front of PostgreSQL that forwards, refuses or goes silent on command.

Refusing closes every connection (those open and each new one), as a restarting server does.
Silent accepts new connections and never forwards a byte, and stops forwarding on the open ones
too, as a stopped server or a broken path does while something still acknowledges the packets.
Back to forwarding, the connections held silent are closed (their server side timed out long
ago) and new ones are forwarded again.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from enum import Enum


class Mode(Enum):
    FORWARD = "forward"
    REFUSE = "refuse"
    SILENT = "silent"


@dataclass(eq=False)
class _Link:
    """One client connection and, while forwarding, its server connection."""

    client: asyncio.StreamWriter
    server: asyncio.StreamWriter | None = None
    held: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def close(self) -> None:
        for writer in (self.client, self.server):
            if writer is not None:
                writer.transport.abort()


class PgProxy:
    """Listens on 127.0.0.1 (an ephemeral port) and passes connections on to host:port."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.target = host, port
        self.mode = Mode.FORWARD
        self.port = 0
        self._links: set[_Link] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> PgProxy:
        """Starts listening; `port` is where to connect."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Closes every connection and stops listening."""
        if self._server is not None:
            self._server.close()
        for link in list(self._links):
            link.close()
        await asyncio.wait(self._handlers, timeout=5) if self._handlers else None
        if self._server is not None:
            await self._server.wait_closed()

    def set(self, mode: Mode) -> None:
        """Switches mode; what it means for the open connections is in the module docstring."""
        self.mode = mode
        for link in list(self._links):
            if mode is Mode.REFUSE or (mode is Mode.FORWARD and link.held):
                link.close()
                self._links.discard(link)
            elif mode is Mode.SILENT:
                link.held = True

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        task.add_done_callback(self._handlers.discard)
        if self.mode is Mode.REFUSE:
            writer.transport.abort()
            return
        link = _Link(writer, held=self.mode is Mode.SILENT)
        self._links.add(link)
        if link.held:
            await self._swallow(reader)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.target)
        except OSError:
            link.close()
            self._links.discard(link)
            return
        link.server = up_writer
        await asyncio.gather(
            self._pipe(reader, up_writer, link), self._pipe(up_reader, writer, link)
        )
        link.close()
        self._links.discard(link)

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, link: _Link
    ) -> None:
        """Copies bytes one way; a held link reads and drops them (nothing answers)."""
        with contextlib.suppress(OSError, ConnectionError):
            while data := await source.read(65536):
                if link.held:
                    continue
                sink.write(data)
                await sink.drain()
        if not link.held:
            link.close()

    async def _swallow(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            while await reader.read(65536):
                pass
