"""A fake Bot API server: records every call, serves getFile downloads, answers like Telegram.

Run it with `FakeServer()` (uvicorn on loopback, see loopback.py) and point either driver at
`server.base_url`. `fake.fail(...)` scripts errors (429, 403, 400).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from loopback import LoopbackServer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "123456789:AAHfakeTokenForTestsOnly_xyz-0123456789"
BOT_ID = 123456789
FILE_LIMIT = 20 * 1024 * 1024


@dataclass
class Call:
    """One Bot API request as the fake received it."""

    method: str
    params: dict[str, Any]
    at: float
    result: Any = None


@dataclass
class Failure:
    """A scripted error for the next calls of one method."""

    status: int
    description: str
    retry_after: int | None = None
    times: int = 1
    skip: int = 0
    """Calls of the method answered as usual before this failure (fail the 2nd part: skip=1)."""


@dataclass
class StoredFile:
    """A file the fake serves through getFile and /file/bot<token>/<path>."""

    file_id: str
    unique_id: str
    data: bytes
    size: int
    path: str


@dataclass
class FakeBotAPI:
    """The fake's state: calls, files, scripted failures, pending updates, webhook."""

    token: str = TOKEN
    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    files: dict[str, StoredFile] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    webhook_status: dict[str, Any] = field(default_factory=dict)
    """Extra getWebhookInfo fields, such as Telegram's last_error_date and last_error_message."""
    downloads: list[str] = field(default_factory=list)
    on_call: Callable[[Call], None] | None = None
    """Called with each answered call (the benchmark times replies with it)."""

    def __post_init__(self) -> None:
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ test helpers

    def add_file(self, file_id: str, data: bytes, *, size: int | None = None) -> None:
        """Makes a file downloadable (size: what getFile says, to fake a huge file)."""
        path = f"documents/file_{len(self.files)}.bin"
        unique = f"U{file_id}"
        self.files[file_id] = StoredFile(file_id, unique, data, size or len(data), path)

    def fail(self, method: str, status: int, description: str, **kwargs: Any) -> None:
        """Makes the next call(s) of a method fail like Telegram would."""
        self.failures.setdefault(method, []).append(Failure(status, description, **kwargs))

    def of(self, method: str) -> list[Call]:
        """Returns the recorded calls of one method."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def showing(self, chat_id: int | str, data: str) -> dict[str, Any]:
        """Returns the newest message sent to a chat (as Telegram returned it) with a button."""
        for call in reversed(self.of("sendMessage")):
            if str(call.params["chat_id"]) != str(chat_id) or call.result is None:
                continue
            rows = call.result.get("reply_markup", {}).get("inline_keyboard", [])
            if any(b.get("callback_data") == data for row in rows for b in row):
                shown: dict[str, Any] = call.result
                return shown
        raise AssertionError(f"no message shows a {data!r} button")

    def sent(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Returns the params of every sendMessage (to one chat)."""
        calls = self.of("sendMessage")
        return [
            c.params for c in calls if chat_id is None or str(c.params["chat_id"]) == str(chat_id)
        ]

    def texts(self, chat_id: int | str | None = None) -> list[str]:
        """Returns the texts sent (to one chat)."""
        return [str(p["text"]) for p in self.sent(chat_id)]

    def clear(self) -> None:
        """Forgets the calls recorded so far."""
        with self._lock:
            self.calls.clear()

    # ------------------------------------------------------------------ the API

    async def api(self, request: Request) -> Response:
        """Answers POST /bot<token>/<method>."""
        token, method = request.path_params["token"], request.path_params["method"]
        params = await _params(request)
        call = Call(method, params, time.monotonic())
        with self._lock:
            self.calls.append(call)
        if token != self.token:
            return _error(401, "Unauthorized")
        scripted = self.failures.get(method)
        if scripted and scripted[0].skip > 0:
            scripted[0].skip -= 1
        elif scripted:
            failure = scripted[0]
            failure.times -= 1
            if failure.times <= 0:
                scripted.pop(0)
            return _error(failure.status, failure.description, failure.retry_after)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        result = await handler(params)
        if isinstance(result, Response):
            return result
        call.result = result
        if self.on_call is not None:
            self.on_call(call)
        return JSONResponse({"ok": True, "result": result})

    async def download(self, request: Request) -> Response:
        """Serves GET /file/bot<token>/<path>."""
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        path = request.path_params["path"]
        found = next((f for f in self.files.values() if f.path == path), None)
        if found is None:
            return Response(status_code=404)
        self.downloads.append(path)
        return Response(found.data, media_type="application/octet-stream")

    def message(self, chat_id: Any, **extra: Any) -> dict[str, Any]:
        """Returns a Message object the bot just sent."""
        return {
            "message_id": next(self._ids),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Suara", "username": "suara_bot"},
            "chat": {"id": int(chat_id), "type": "private", "first_name": "Reporter"},
            "date": int(time.time()),
            **extra,
        }

    async def _m_getMe(self, _: dict[str, Any]) -> Any:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Suara", "username": "suara_bot"}

    async def _m_sendMessage(self, p: dict[str, Any]) -> Any:
        extra: dict[str, Any] = {"text": p["text"]}
        for key in ("entities", "reply_markup"):
            if key in p:
                extra[key] = p[key]
        return self.message(p["chat_id"], **extra)

    async def _m_answerCallbackQuery(self, _: dict[str, Any]) -> Any:
        return True

    async def _m_editMessageReplyMarkup(self, p: dict[str, Any]) -> Any:
        extra = {"reply_markup": p["reply_markup"]} if "reply_markup" in p else {}
        return self.message(p["chat_id"], edit_date=int(time.time()), text="…", **extra)

    async def _m_editMessageText(self, p: dict[str, Any]) -> Any:
        extra: dict[str, Any] = {"text": p["text"], "message_id": int(p["message_id"])}
        for key in ("entities", "reply_markup"):
            if key in p:
                extra[key] = p[key]
        sent = self.message(p["chat_id"], edit_date=int(time.time()))
        return sent | extra

    async def _m_deleteMessage(self, _: dict[str, Any]) -> Any:
        return True

    async def _m_deleteMessages(self, p: dict[str, Any]) -> Any:
        ids = p.get("message_ids", [])
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            return _error(400, "Bad Request: message_ids must be 1-100 ids")
        return True

    async def _m_getFile(self, p: dict[str, Any]) -> Any:
        found = self.files.get(str(p.get("file_id")))
        if found is None:
            return _error(400, "Bad Request: invalid file_id")
        if found.size > FILE_LIMIT:
            return _error(400, "Bad Request: file is too big")
        return {
            "file_id": found.file_id,
            "file_unique_id": found.unique_id,
            "file_size": found.size,
            "file_path": found.path,
        }

    async def _m_setWebhook(self, p: dict[str, Any]) -> Any:
        self.webhook = {"url": p["url"], **p}
        return True

    async def _m_deleteWebhook(self, _: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    async def _m_getWebhookInfo(self, _: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }
        if self.webhook:
            info["max_connections"] = int(self.webhook.get("max_connections", 40))
            info["allowed_updates"] = self.webhook.get("allowed_updates", [])
        return {**info, **self.webhook_status}

    async def _m_getUpdates(self, p: dict[str, Any]) -> Any:
        if self.webhook:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(p.get("offset", 0))
        wait = min(float(p.get("timeout", 0)), 0.5)
        deadline = time.monotonic() + wait
        while True:
            ready = [u for u in list(self.updates) if u["update_id"] >= offset]
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.02)

    def app(self) -> Starlette:
        """Returns the ASGI app."""
        return Starlette(
            routes=[
                Route("/bot{token}/{method}", self.api, methods=["POST", "GET"]),
                Route("/file/bot{token}/{path:path}", self.download, methods=["GET"]),
            ]
        )


def _error(status: int, description: str, retry_after: int | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return JSONResponse(body, status_code=status)


async def _params(request: Request) -> dict[str, Any]:
    """Reads form, multipart or JSON parameters; JSON-encoded values are decoded."""
    if request.headers.get("content-type", "").startswith("application/json"):
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.form()
    params: dict[str, Any] = {}
    for key, value in form.items():
        text = value if isinstance(value, str) else (await value.read()).decode()
        params[key] = _decode(text)
    return params


def _decode(text: str) -> Any:
    if text[:1] in ("{", "[") or text in ("true", "false"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


class FakeServer(LoopbackServer):
    """Serves a FakeBotAPI on loopback; base_url is what TELEGRAM_API_BASE_URL should be."""

    def __init__(self, fake: FakeBotAPI | None = None) -> None:
        self.fake = fake or FakeBotAPI()
        super().__init__(self.fake.app(), "fake Bot API")


@contextlib.contextmanager
def served_fake() -> Iterator[FakeBotAPI]:
    """Yields a fake Bot API served on 127.0.0.1 for the length of the block."""
    api = FakeBotAPI()
    with FakeServer(api) as server:
        api.base_url = server.base_url
        yield api
