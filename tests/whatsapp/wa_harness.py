"""The WhatsApp test harness: the app on the fake Graph API, a reporter's phone, body helpers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fake_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph, Sent, Served, media_sha256_b64
from fastapi import FastAPI
from settings_helpers import make_settings
from sqlmodel import col, select
from wa_bodies import (
    APP_SECRET,
    VERIFY_TOKEN,
    contact,
    envelope,
    image,
    meta_bytes,
    reply,
    sign,
    text,
    value,
    voice,
)

from bot.core import Core
from bot.settings import Settings
from handlers.app import core_of, create_app
from storage import db
from storage.migrate import upgrade

BODIES = Path(__file__).parent / "bodies"


def wa_settings(database_url: str, files: Path, api_base_url: str, **extra: Any) -> Settings:
    """Returns settings with the WhatsApp channel on, pointed at the fake."""
    return make_settings(
        env_file=None,
        database_url=database_url,
        file_store=files,
        whatsapp_access_token=TOKEN,
        whatsapp_app_secret=APP_SECRET,
        whatsapp_verify_token=VERIFY_TOKEN,
        whatsapp_phone_number_id=PHONE_NUMBER_ID,
        whatsapp_api_base_url=api_base_url,
        **extra,
    )


@dataclass
class WaApp:
    """The app under test, an HTTP client on it, and the fake that receives its messages."""

    app: FastAPI
    core: Core
    client: httpx.AsyncClient
    fake: FakeGraph

    async def post(self, raw: bytes, signature: str | None = None) -> httpx.Response:
        """Posts exact bytes as Meta does (signed unless a signature is given)."""
        headers = {"content-type": "application/json"}
        headers["x-hub-signature-256"] = sign(raw) if signature is None else signature
        if signature == "":
            del headers["x-hub-signature-256"]
        return await self.client.post("/webhooks/whatsapp", content=raw, headers=headers)

    async def settle(self) -> None:
        """Waits for every posted update to be processed and every reply to be sent."""
        await self.app.state.whatsapp.settle()
        await self.core.dispatcher.drain()

    def rows(self, model: Any) -> list[Any]:
        """Returns every row of a table, oldest first."""
        with db.session(self.core.engine) as session:
            return list(session.exec(select(model).order_by(col(model.id))))


@contextlib.asynccontextmanager
async def running(
    database_url: str, files: Path, graph: Served, **extra: Any
) -> AsyncIterator[WaApp]:
    """Runs the app with WhatsApp configured on a migrated database (no lifespan: tests drive)."""
    upgrade(database_url)
    extra.setdefault("whatsapp_pair_burst", 1000)
    app = create_app(
        wa_settings(database_url, files, graph.api_base_url, **extra), background=False
    )
    core = core_of(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://suara.test") as client:
        yield WaApp(app, core, client, graph.fake)
        for stop in core.on_stop:
            await stop()
    core.engine.dispose()


def words(sent: Sent) -> str:
    """Returns what a reporter reads in one message."""
    body = sent.body
    if sent.type == "text":
        return str(body["text"]["body"])
    if sent.type == "interactive":
        return str(body["interactive"]["body"]["text"])
    return f"[template {body['template']['name']} {body['template']['language']['code']}]"


def choices(sent: Sent) -> list[tuple[str, str, str]]:
    """Returns (reply kind, id, title) of the buttons or rows of an interactive message."""
    if sent.type != "interactive":
        return []
    interactive = sent.body["interactive"]
    if interactive["type"] == "button":
        return [
            ("button_reply", b["reply"]["id"], b["reply"]["title"])
            for b in interactive["action"]["buttons"]
        ]
    rows = [r for s in interactive["action"]["sections"] for r in s["rows"]]
    return [("list_reply", r["id"], r["title"]) for r in rows]


class Phone:
    """A reporter's WhatsApp: sends what they type or tap, returns what came back."""

    def __init__(self, wa: WaApp, wa_id: str, name: str = "Sari") -> None:
        self.wa, self.wa_id, self.name = wa, wa_id, name
        self.inbox: list[Sent] = []

    async def say(self, body: str) -> list[Sent]:
        """Types a message."""
        return await self.send(text(self.wa_id, body))

    async def tap(self, choice_id: str) -> list[Sent]:
        """Taps a button or list row shown earlier (by its id; the title comes with it)."""
        for sent in reversed(self.inbox):
            for kind, found, title in choices(sent):
                if found == choice_id:
                    return await self.send(reply(self.wa_id, kind, found, title, sent.wamid))
        raise AssertionError(f"no button {choice_id!r} on screen")

    async def photo(self, media_id: str, caption: str | None = None) -> list[Sent]:
        """Sends a photo."""
        return await self.send(image(self.wa_id, media_id, media_sha256_b64(media_id), caption))

    async def voice_note(self, media_id: str) -> list[Sent]:
        """Sends a voice note."""
        return await self.send(voice(self.wa_id, media_id, media_sha256_b64(media_id)))

    async def send(self, message: dict[str, Any]) -> list[Sent]:
        """Posts one signed message, waits for the replies, returns them."""
        body = envelope(value(contacts=[contact(self.wa_id, self.name)], messages=[message]))
        before = len(self.wa.fake.to(self.wa_id))
        response = await self.wa.post(meta_bytes(body))
        assert response.status_code == 200
        await self.wa.settle()
        replies = self.wa.fake.to(self.wa_id)[before:]
        self.inbox.extend(replies)
        return replies
