"""A depth check of raw JSON bytes, made before any parser sees them.

Python's json module parses by recursion and has no depth limit of its own: a body of a few
kilobytes nested a thousand deep raises RecursionError (a 500, and a reset connection) in
json.loads or in the validation after it. Counting brackets on the raw bytes costs nothing for
an ordinary body (it has fewer brackets than the limit in all, which two bytes.count calls tell)
and stays linear for a hostile one, whatever parser runs next (the channel libraries' and
FastAPI's included).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from itertools import accumulate
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

MAX_DEPTH = 64
"""Deepest nesting of objects and arrays a body may have (Telegram's and Meta's stay under 10)."""

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
"""A JSON string, whose brackets are text and do not nest."""
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Tells whether the JSON in body nests objects and arrays deeper than limit."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b'""', body).translate(None, _NOT_BRACKET)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


class DepthCheckedRoute(APIRoute):
    """A route that answers 400 to a body nested deeper than MAX_DEPTH, before FastAPI parses it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wraps FastAPI's handler; the body read here is the one it reads (Request caches it)."""
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            if request.method in _WITH_BODY and too_deep(await request.body()):
                return JSONResponse({"detail": "body nested too deep"}, status_code=400)
            return await handler(request)

        return checked


_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
