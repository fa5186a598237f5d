"""A fake Graph API for the WhatsApp Cloud API, served over real HTTP on 127.0.0.1.

It answers `POST /<version>/<phone_number_id>/messages` like Meta (a wamid per message, Meta's
error bodies when told to fail), checks what Meta checks on interactive messages (3 buttons of 20
characters, 10 list rows of 24, bodies of 1024, text of 4096), serves media lookups
(`GET /<version>/<media id>`) and downloads that need the bearer token, answers `suara check`'s
token and phone number look-ups (`GET /<version>/debug_token`, `GET /<version>/<phone id>`), and
records every call.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "EAAG-test-access-token-9f3b2c"
PHONE_NUMBER_ID = "109876543210987"
VERSION = "v23.0"
MEDIA_URL_MARKER = "oe=69A1B2C3-short-lived-link"
"""Part of every download link handed out: tests check it never reaches logs or rows."""

ERRORS = {
    131047: (400, "Re-engagement message"),
    130429: (400, "Rate limit hit"),
    131056: (400, "(Business Account, Consumer Account) pair rate limit hit"),
    131026: (400, "Message undeliverable"),
    80007: (400, "Rate limit issues"),
    131009: (400, "Parameter value is not valid"),
    429: (429, "Too many requests"),
}


def media_bytes(media_id: str) -> bytes:
    """Returns the deterministic content the fake serves for a media id."""
    return b"\xff\xd8\xff\xe0FAKE" + hashlib.sha256(media_id.encode()).digest() * 64


def media_sha256_b64(media_id: str) -> str:
    """Returns the sha256 of a media file as Meta writes it in webhooks (base64)."""
    return base64.b64encode(hashlib.sha256(media_bytes(media_id)).digest()).decode()


@dataclass
class Sent:
    """One message the fake accepted."""

    wamid: str
    to: str | None
    recipient: str | None
    type: str
    body: dict[str, Any]
    at: float


@dataclass
class FakeGraph:
    """The fake's state: calls, accepted messages, failures to inject, media sizes."""

    token: str = TOKEN
    phone_number_id: str = PHONE_NUMBER_ID
    base: str = ""
    calls: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    failures: deque[int] = field(default_factory=deque)
    passes: int = 0
    """Sends accepted before the scripted failures start (fail the 2nd part: after=1)."""
    sizes: dict[str, int] = field(default_factory=dict)
    scopes: tuple[str, ...] = ("whatsapp_business_messaging", "whatsapp_business_management")
    """What debug_token says the access token may do."""
    on_sent: Callable[[Sent], None] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        """Forgets every call and failure (between tests)."""
        with self._lock:
            self.calls.clear()
            self.sent.clear()
            self.failures.clear()
            self.passes = 0
            self.sizes.clear()
            self.on_sent = None

    def fail_next(self, *codes: int, after: int = 0) -> None:
        """Makes the next sends (after `after` accepted ones) fail with these Meta error codes
        (429: HTTP 429), in order."""
        with self._lock:
            self.failures.extend(codes)
            self.passes = after

    def to(self, chat_id: str) -> list[Sent]:
        """Returns the messages accepted for one chat, in order."""
        with self._lock:
            return [s for s in self.sent if chat_id in (s.to, s.recipient)]

    def app(self) -> Starlette:
        """Returns the ASGI app."""
        return Starlette(
            routes=[
                Route("/whatsapp_media/{media_id}", self._download, methods=["GET"]),
                Route("/{version}/{phone}/messages", self._messages, methods=["POST"]),
                Route("/{version}/{media_id}", self._media, methods=["GET"]),
            ]
        )

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    async def _messages(self, request: Request) -> Response:
        body = await request.json()
        with self._lock:
            self.calls.append({"path": request.url.path, "json": body})
        if not self._authorised(request):
            return _error(401, 190, "Invalid OAuth access token")
        if request.path_params["phone"] != self.phone_number_id:
            return _error(400, 100, "Unsupported post request")
        if body.get("status") == "read":
            return JSONResponse({"success": True})
        problem = check(body)
        with self._lock:
            code = None
            if self.failures and self.passes > 0:
                self.passes -= 1
            elif self.failures:
                code = self.failures.popleft()
        if problem or code:
            status, title = ERRORS[code or 131009]
            return _error(status, code or 131009, problem or title)
        sent = Sent(
            wamid=f"wamid.FAKE{next(self._ids):08d}",
            to=body.get("to"),
            recipient=body.get("recipient"),
            type=body["type"],
            body=body,
            at=time.perf_counter(),
        )
        with self._lock:
            self.sent.append(sent)
        if self.on_sent is not None:
            self.on_sent(sent)
        contact = {"input": sent.to or sent.recipient}
        contact |= {"wa_id": sent.to} if sent.to else {"user_id": sent.recipient}
        answer: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "contacts": [contact],
            "messages": [{"id": sent.wamid}],
        }
        if sent.type == "template":
            answer["messages"][0]["message_status"] = "accepted"
        return JSONResponse(answer)

    async def _media(self, request: Request) -> Response:
        media_id = request.path_params["media_id"]
        with self._lock:
            self.calls.append({"path": request.url.path, "json": None})
        if not self._authorised(request):
            return _error(401, 190, "Invalid OAuth access token")
        if media_id == "debug_token":
            valid = request.query_params.get("input_token") == self.token
            scopes = list(self.scopes) if valid else []
            return JSONResponse({"data": {"is_valid": valid, "scopes": scopes, "expires_at": 0}})
        if media_id == self.phone_number_id:
            return JSONResponse({"id": media_id, "verified_name": "Suara test"})
        if "fields" in request.query_params:  # an object look-up, and not of this number
            return _error(400, 100, "Unsupported get request")
        data = media_bytes(media_id)
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.base}/whatsapp_media/{media_id}?{MEDIA_URL_MARKER}",
                "mime_type": "image/jpeg",
                "sha256": hashlib.sha256(data).hexdigest(),
                "file_size": self.sizes.get(media_id, len(data)),
                "id": media_id,
            }
        )

    async def _download(self, request: Request) -> Response:
        with self._lock:
            self.calls.append({"path": request.url.path, "json": None})
        if not self._authorised(request):
            return Response(status_code=401)
        return Response(media_bytes(request.path_params["media_id"]), media_type="image/jpeg")


def check(body: dict[str, Any]) -> str | None:
    """Returns what Meta would refuse in a message, or None."""
    if body.get("messaging_product") != "whatsapp" or not (body.get("to") or body.get("recipient")):
        return "missing messaging_product or recipient"
    kind = body.get("type")
    if kind == "text":
        text = body["text"]["body"]
        return None if 0 < len(text) <= 4096 else "text body length"
    if kind == "template":
        template = body["template"]
        return None if template.get("name") and template["language"].get("code") else "template"
    if kind == "interactive":
        return _check_interactive(body["interactive"])
    return f"unexpected type {kind}"


def _check_interactive(interactive: dict[str, Any]) -> str | None:
    if not 0 < len(interactive["body"]["text"]) <= 1024:
        return "interactive body length"
    action = interactive["action"]
    if interactive["type"] == "button":
        replies = [b["reply"] for b in action["buttons"]]
        titles = [r["title"] for r in replies]
        if not 1 <= len(replies) <= 3 or len(set(titles)) != len(titles):
            return "buttons count or duplicate titles"
        if any(not 0 < len(t) <= 20 for t in titles) or any(len(r["id"]) > 256 for r in replies):
            return "button title or id length"
        return None
    if interactive["type"] == "list":
        rows = [row for section in action["sections"] for row in section["rows"]]
        if not 1 <= len(rows) <= 10 or not 0 < len(action["button"]) <= 20:
            return "list rows count or button length"
        if any(not 0 < len(r["title"]) <= 24 or len(r["id"]) > 200 for r in rows):
            return "row title or id length"
        if any(len(r.get("description", "")) > 72 for r in rows):
            return "row description length"
        return None
    return "unexpected interactive type"


def _error(status: int, code: int, title: str) -> JSONResponse:
    error = {
        "message": f"(#{code}) {title}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": title},
        "fbtrace_id": "AbCdEfGhIjK",
    }
    return JSONResponse({"error": error}, status_code=status)


class Served:
    """Runs the fake with uvicorn on 127.0.0.1 (ephemeral port) in a background thread."""

    def __init__(self, fake: FakeGraph) -> None:
        self.fake = fake
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(fake.app(), log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)
        fake.base = f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        """Returns what WHATSAPP_API_BASE_URL is set to."""
        return f"{self.fake.base}/{VERSION}"

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self._socket]))

    def start(self) -> Served:
        """Starts serving and waits until the port answers."""
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Graph API did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stops serving."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self._socket.close()
