"""Where the channels' webhook routes go in the app: in front of every other route."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI


def add_webhook_routes(app: FastAPI, router: APIRouter) -> None:
    """Puts a channel's webhook routes before the app's other routes (called before serving).

    FastAPI tries routes in order, and each route tried before the match costs a request some
    microseconds: the docs pages, /healthz and the caseworker API came first and took about a
    quarter of the WhatsApp route's own time in front of the recording (measured in-process,
    docs/benchmarks.md). Webhooks are nearly all of the traffic, so they are tried first.
    """
    app.router.routes[:0] = router.routes
