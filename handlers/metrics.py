"""GET /metrics (Prometheus text format), the request timer, and the separate metrics listener.

Off unless METRICS_TOKEN (a bearer token for /metrics on the main port) or METRICS_BIND (a
listener of its own, without a token: keep it on loopback or a private network) is set. The
listener is prometheus-client's own server, so that a scrape never queues behind webhooks.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest, start_http_server
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.core import Core
from bot.observability import Scrape, metrics

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods that get a label of their own; any other is `other`, so a client cannot grow the
number of series by inventing methods."""


class RequestTimer:
    """Times every HTTP request by its route template (never the path, which may hold ids)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"] if scope["method"] in METHODS else "other"
            metrics().http_seconds.labels(
                route=route, method=method, status=f"{status[0] // 100}xx"
            ).observe(time.perf_counter() - started)


def _authorised(request: Request, token: str) -> bool:
    """Compares the bearer token in constant time."""
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        value.strip().encode(), token.encode()
    )


def register(core: Core, app: FastAPI) -> None:
    """Adds the request timer, and /metrics when a token is set."""
    settings = core.settings.observability
    if not settings.metrics_on:
        return
    app.add_middleware(RequestTimer)
    if settings.metrics_token is None:
        return
    token = settings.metrics_token.get_secret_value()
    scrape = Scrape(core.engine)

    @app.get("/metrics", include_in_schema=False)
    async def metrics_page(request: Request) -> Response:
        """Returns every process's metrics and the queue depths; 401 without the token."""
        if not _authorised(request, token):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        body = await asyncio.to_thread(generate_latest, scrape)
        return Response(body, media_type=CONTENT_TYPE_LATEST)


def parse_bind(bind: str) -> tuple[str, int]:
    """Returns (host, port) of METRICS_BIND (`127.0.0.1:9464`, `[::1]:9464`)."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"METRICS_BIND must be host:port, got {bind!r}")
    return host.strip("[]"), int(port)


def start_listener(core: Core) -> Callable[[], None] | None:
    """Starts the separate metrics listener when METRICS_BIND is set; returns how to stop it."""
    bind = core.settings.observability.metrics_bind
    if not bind:
        return None
    host, port = parse_bind(bind)
    server: Any
    server, thread = start_http_server(port, addr=host, registry=Scrape(core.engine))

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
