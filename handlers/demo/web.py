"""The demo's "web" channel: a browser chat page, its JSON API, and the list of cases filed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from bot.casework import views
from bot.core import Core
from bot.envelopes import Channel, InboundEvent, OutgoingMessage, StoredMedia
from bot.runtime.sending import PartsDelivered
from flows.vocabulary import InputKind, MediaKind
from handlers.demo.pages import case_page, cases_page

router = APIRouter(prefix="/demo", tags=["demo"])

MAX_TEXT = 100_000
"""A browser message longer than this is refused with 413 (Telegram's own limit is 4096)."""


def get_core(request: Request) -> Core:
    """Returns the bot core of the running app."""
    core: Core = request.app.state.core
    return core


CoreDep = Annotated[Core, Depends(get_core)]


class WebMessage(BaseModel):
    """A message typed or a button pressed in the demo chat."""

    chat_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    message_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    text: str = Field(default="", max_length=MAX_TEXT)
    choice_id: str | None = Field(default=None, max_length=64)
    locale_hint: str | None = Field(default=None, max_length=16)


class Accepted(BaseModel):
    """The message was recorded (or was a duplicate)."""

    recorded: bool


class Messages(BaseModel):
    """Messages the chat received after a cursor."""

    messages: list[dict[str, Any]]


class WebSender:
    """The browser reads its messages from the outbox, so sending only marks them sent."""

    async def send(
        self, chat_id: str, message: OutgoingMessage, delivered: PartsDelivered | None = None
    ) -> str | None:
        """Returns a message id for the web chat (never split, so no part is reported)."""
        return f"web-{uuid.uuid4().hex[:12]}"


async def translate(payload: bytes) -> InboundEvent | None:
    """Turns a recorded demo payload into an inbound event."""
    data = json.loads(payload)
    media = data.get("media")
    kind = InputKind.CHOICE if data.get("choice_id") else InputKind.TEXT
    return InboundEvent(
        channel=Channel.WEB,
        chat_id=data["chat_id"],
        user_id=data["chat_id"],
        kind=InputKind.MEDIA if media else kind,
        at=dt.datetime.fromisoformat(data["at"]),
        text=data.get("text", ""),
        choice_id=data.get("choice_id"),
        media=StoredMedia(**{**media, "kind": MediaKind(media["kind"])}) if media else None,
        locale_hint=data.get("locale_hint"),
        message_ref=data["message_id"],
    )


async def record_and_run(core: Core, chat_id: str, message_id: str, data: dict[str, Any]) -> bool:
    """Records a demo message in the inbox and runs its turn at once; False for a duplicate."""
    data |= {
        "chat_id": chat_id,
        "message_id": message_id,
        "at": dt.datetime.now(dt.UTC).isoformat(),
    }
    payload = json.dumps(data, ensure_ascii=False).encode()
    inbound_id = core.inbox.record(
        channel=Channel.WEB, external_id=message_id, chat_id=chat_id, payload=payload
    )
    if inbound_id is None:
        return False
    await core.inbox.process(inbound_id)
    return True


def register(core: Core, app: FastAPI) -> None:
    """Adds the demo's web channel (and its pages) when the demo is on."""
    core.add_channel(Channel.WEB, WebSender(), translate)
    if core.settings.demo.enabled:
        app.include_router(router)


@router.get("", response_class=HTMLResponse)
def chat_page() -> str:
    """Returns the chat page."""
    return resources.files("handlers.demo").joinpath("static/demo.html").read_text(encoding="utf-8")


@router.post("/api/messages", status_code=202)
async def post_message(message: WebMessage, core: CoreDep) -> Accepted:
    """Takes a typed message or a pressed button."""
    data = {
        "text": message.text,
        "choice_id": message.choice_id,
        "locale_hint": message.locale_hint,
    }
    return Accepted(recorded=await record_and_run(core, message.chat_id, message.message_id, data))


@router.post("/api/files", status_code=202)
async def post_file(
    core: CoreDep,
    chat_id: Annotated[str, Form(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
    message_id: Annotated[str, Form(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
    file: Annotated[UploadFile, File()],
) -> Accepted:
    """Takes a photo, voice note or document into the file store, then runs its turn."""
    mime = file.content_type or "application/octet-stream"
    data = await file.read(core.files.max_bytes + 1)
    kind = media_kind(mime)
    stored = await asyncio.to_thread(core.files.save, data, kind=kind, mime_type=mime)
    media = {k: v for k, v in stored.__dict__.items()} | {"kind": kind.value}
    return Accepted(recorded=await record_and_run(core, chat_id, message_id, {"media": media}))


def media_kind(mime: str) -> MediaKind:
    """Returns the kind of file a mime type stands for."""
    if mime.startswith("image/"):
        return MediaKind.PHOTO
    if mime.startswith("audio/"):
        return MediaKind.VOICE
    if mime.startswith("video/"):
        return MediaKind.VIDEO
    return MediaKind.DOCUMENT


@router.get("/api/messages")
async def get_messages(chat_id: str, core: CoreDep, after: int = 0) -> Messages:
    """Returns the messages delivered to a chat after a cursor."""
    await core.dispatcher.drain()
    found = views.delivered(core.engine, Channel.WEB, chat_id, after)
    return Messages(messages=[{"id": m.id, **m.payload} for m in found])


@router.get("/cases", response_class=HTMLResponse)
def list_cases(core: CoreDep) -> str:
    """Returns the page listing the cases filed so far."""
    found = views.cases(core.engine)
    return cases_page(found, views.whatsapp_windows(core.engine, found))


@router.get("/cases/{reference}", response_class=HTMLResponse)
def show_case(reference: str, core: CoreDep) -> str:
    """Returns one case with its answers and timeline."""
    found = views.case_with_timeline(core.engine, reference)
    if found is None:
        raise HTTPException(status_code=404, detail="no such case")
    return case_page(*found)
