"""One webhook attempt: check the target, sign, POST under a hard deadline, classify the outcome."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from urllib.parse import urlsplit

from escalation.delivery import http, signing
from escalation.delivery.retry import parse_retry_after
from escalation.delivery.settle import Attempt
from escalation.delivery.ssrf import Resolver, UnsafeTarget, addresses, check_url, pinned
from escalation.offices import Endpoint
from storage.delivery_claims import Claimed

USER_AGENT = "Suara-Escalation/0.1"
EXCERPT_BYTES = 2048
SAFE_SECONDS = 60.0
"""How long a URL found safe is trusted before it is checked again (each connection is pinned
to freshly checked addresses all the same)."""


class Poster:
    """Sends claimed webhooks over kept-alive connections; never raises for a failed attempt."""

    def __init__(
        self,
        *,
        request_timeout: float,
        connect_timeout: float,
        max_idle: int,
        allow_private: bool,
        resolve: Resolver = addresses,
    ) -> None:
        self.request_timeout, self.connect_timeout = request_timeout, connect_timeout
        self.max_idle, self.allow_private, self.resolve = max_idle, allow_private, resolve
        self._client: http.Pool | None = None
        self._safe: dict[str, float] = {}

    def client(self) -> http.Pool:
        """Returns the keep-alive HTTP connections, opened on first use."""
        if self._client is None:
            self._client = http.Pool(
                connect_timeout=self.connect_timeout, max_idle=self.max_idle, pin=self._pin
            )
        return self._client

    def _pin(self, host: str, port: int, tls: bool) -> list[str]:
        """Returns the checked addresses of host that a new connection may use."""
        return pinned(host, port, https=tls, allow_private=self.allow_private, resolve=self.resolve)

    async def attempt(self, config: Endpoint | None, row: Claimed, started: dt.datetime) -> Attempt:
        """Posts one claimed webhook; returns what came of it (status 0 and an error class)."""
        t0 = time.monotonic()
        status, retry_after, excerpt, error = 0, None, None, None
        try:
            if config is None:
                raise UnsafeTarget("endpoint not configured")
            status, retry_after, excerpt = await self._post(config, row, started)
        except TimeoutError:
            error = "timeout"
        except UnsafeTarget:
            error = "unsafe_target"
        except http.HttpError as exc:
            error = type(exc).__name__
        took = int((time.monotonic() - t0) * 1000)
        return Attempt(started, took, status, retry_after, excerpt, error)

    async def _post(
        self, config: Endpoint, row: Claimed, started: dt.datetime
    ) -> tuple[int, float | None, str]:
        await self._check_target(config.url)
        body = row.payload.encode()
        headers = signing.headers(config.signing_keys(started), row.msg_id, body, started)
        headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
        async with asyncio.timeout(self.request_timeout):
            answer = await self.client().post(config.url, body, headers, EXCERPT_BYTES)
        retry_after = parse_retry_after(answer.headers.get("retry-after"), started)
        return answer.status, retry_after, answer.excerpt.decode("utf-8", "replace")

    async def _check_target(self, url: str) -> None:
        if self._safe.get(url, 0.0) > time.monotonic():
            return
        await asyncio.to_thread(self._check_url, url)
        self._safe[url] = time.monotonic() + SAFE_SECONDS

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        check_url(url, allow_private=self.allow_private, resolve=False)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        self._pin(parts.hostname or "", port, parts.scheme == "https")

    async def aclose(self) -> None:
        """Closes the kept connections; the next attempt opens new ones."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
