"""A small HTTP/1.1 client for webhooks: one POST, keep-alive, capped reads, never a redirect.

httpx managed 129 requests/s against the loopback receiver on the 2-core machine where plain
asyncio streams did 2,200/s (docs/benchmarks.md); a webhook needs only this much of HTTP. The
caller bounds each request with asyncio.timeout; a connection in an unknown state is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_HEAD = 32 * 1024
IDLE_SECONDS = 30.0

Pin = Callable[[str, int, bool], list[str]]
"""(host, port, tls) -> the checked addresses to connect to; raises to refuse the host."""


class HttpError(Exception):
    """No usable HTTP answer; the class name is what the attempt row records."""


class ConnectError(HttpError):
    """The connection could not be made (refused, unreachable, TLS failure)."""


class ConnectTimeout(HttpError):
    """The connection took longer than the connect timeout."""


class ReadError(HttpError):
    """The connection broke before a whole answer arrived."""


class ProtocolError(HttpError):
    """The answer was not HTTP/1.x as we know it."""


@dataclass(frozen=True)
class Answer:
    """The status, the headers (lower-case names) and the first bytes of the body."""

    status: int
    headers: dict[str, str]
    excerpt: bytes


@dataclass
class _Conn:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def usable(self) -> bool:
        fresh = time.monotonic() - self.idle_since < IDLE_SECONDS
        return fresh and not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        self.writer.close()


def _context() -> ssl.SSLContext:
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


class Pool:
    """Keep-alive connections per (scheme, host, port)."""

    def __init__(
        self,
        *,
        connect_timeout: float,
        pin: Pin,
        max_idle: int = 64,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.connect_timeout, self.max_idle, self.pin = connect_timeout, max_idle, pin
        self._idle: dict[tuple[str, str, int], list[_Conn]] = {}
        self._tls = tls

    async def post(self, url: str, body: bytes, headers: dict[str, str], cap: int) -> Answer:
        """Sends one POST and returns the answer; raises HttpError subclasses."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProtocolError("unsupported URL")
        tls = parts.scheme == "https"
        key = (parts.scheme, parts.hostname, parts.port or (443 if tls else 80))
        head = _request_head(parts.hostname, parts.port, parts.path or "/", parts.query, headers)
        for attempt in (0, 1):
            conn = self._take(key)
            reused = conn is not None
            conn = conn or await self._connect(key, tls)
            try:
                answer, keep = await _exchange(conn, head, body, cap)
            except _Stale:
                conn.close()
                if reused and attempt == 0:
                    continue  # the server had closed an idle connection: send once more
                raise ReadError("connection closed before an answer") from None
            except BaseException:
                conn.close()
                raise
            if keep:
                self._put(key, conn)
            else:
                conn.close()
            return answer
        raise ReadError("connection closed before an answer")

    async def aclose(self) -> None:
        """Closes every idle connection."""
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()

    def _take(self, key: tuple[str, str, int]) -> _Conn | None:
        conns = self._idle.get(key, [])
        while conns:
            conn = conns.pop()
            if conn.usable():
                return conn
            conn.close()
        return None

    def _put(self, key: tuple[str, str, int], conn: _Conn) -> None:
        conns = self._idle.setdefault(key, [])
        if len(conns) >= self.max_idle:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        conns.append(conn)

    async def _connect(self, key: tuple[str, str, int], tls: bool) -> _Conn:
        _, host, port = key
        if tls and self._tls is None:
            self._tls = _context()
        try:
            async with asyncio.timeout(self.connect_timeout):
                # the check and the connection use one answer: no second lookup to rebind
                found = await asyncio.to_thread(self.pin, host, port, tls)
                return await self._open(found, host, port, tls)
        except TimeoutError:
            raise ConnectTimeout(f"no connection within {self.connect_timeout} s") from None

    async def _open(self, found: list[str], host: str, port: int, tls: bool) -> _Conn:
        """Connects to the first checked address that answers, keeping host for TLS."""
        failure = "no address"
        for address in found:
            try:
                reader, writer = await asyncio.open_connection(
                    address,
                    port,
                    ssl=self._tls if tls else None,
                    server_hostname=host if tls else None,
                    limit=MAX_HEAD,
                )
            except (OSError, ssl.SSLError) as error:
                failure = type(error).__name__
                continue
            return _Conn(reader, writer)
        raise ConnectError(failure)


class _Stale(Exception):
    """The connection ended before the first byte of an answer."""


def _request_head(
    host: str, port: int | None, path: str, query: str, headers: dict[str, str]
) -> bytes:
    target = f"{path}?{query}" if query else path
    shown = f"[{host}]" if ":" in host else host
    lines = [f"POST {target} HTTP/1.1", f"Host: {shown}:{port}" if port else f"Host: {shown}"]
    for name, value in headers.items():
        if any(c in name + value for c in "\r\n\x00"):
            raise ProtocolError("header with a line break")
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\nConnection: keep-alive\r\n").encode("latin-1")


async def _exchange(conn: _Conn, head: bytes, body: bytes, cap: int) -> tuple[Answer, bool]:
    """Writes one request and reads its answer; _Stale when nothing at all came back."""
    conn.writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    try:
        await conn.writer.drain()
        line = await conn.reader.readuntil(b"\r\n")
    except (ConnectionError, asyncio.IncompleteReadError):
        raise _Stale from None
    except asyncio.LimitOverrunError:
        raise ProtocolError("status line too long") from None
    try:
        return await _answer(conn.reader, line, cap)
    except (ConnectionError, asyncio.IncompleteReadError):
        raise ReadError("connection broke during the answer") from None
    except (asyncio.LimitOverrunError, ValueError, UnicodeDecodeError):
        raise ProtocolError("malformed answer") from None


async def _answer(reader: asyncio.StreamReader, line: bytes, cap: int) -> tuple[Answer, bool]:
    while True:
        version, _, rest = line.decode("latin-1").strip().partition(" ")
        if not version.startswith("HTTP/1."):
            raise ProtocolError("not HTTP/1.x")
        status = int(rest.split(" ", 1)[0])
        headers = await _headers(reader)
        if status >= 200 or status == 101:
            break
        line = await reader.readuntil(b"\r\n")  # 1xx: the real answer follows
    keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    if status in (204, 304) or 100 <= status < 200:
        return Answer(status, headers, b""), keep
    if "chunked" in headers.get("transfer-encoding", "").lower():
        excerpt, whole = await _chunked(reader, cap)
        return Answer(status, headers, excerpt), keep and whole
    if "content-length" in headers:
        length = int(headers["content-length"])
        if length <= cap:
            return Answer(status, headers, await reader.readexactly(length)), keep
        return Answer(status, headers, await reader.readexactly(cap)), False
    return Answer(status, headers, await reader.read(cap)), False


async def _headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    size = 0
    while True:
        line = await reader.readuntil(b"\r\n")
        size += len(line)
        if size > MAX_HEAD or len(headers) > 100:
            raise ProtocolError("too many header bytes")
        if line == b"\r\n":
            return headers
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()


async def _chunked(reader: asyncio.StreamReader, cap: int) -> tuple[bytes, bool]:
    """Reads a chunked body up to cap bytes; True when it was read to its end."""
    data = b""
    while len(data) < cap:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            with contextlib.suppress(asyncio.IncompleteReadError):
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass
            return data, True
        data += await reader.readexactly(size)
        await reader.readexactly(2)
    return data[:cap], False
