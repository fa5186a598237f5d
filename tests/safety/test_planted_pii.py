"""Must show: planted personal data never appears in logs, webhooks, the database or the files.

A whole report goes through the real demo app (HTTP, inbox, runner, file store, escalation
dispatcher) carrying a name, a phone number, a passport number, an employer, a story and a photo
with GPS EXIF. Then every log record, every webhook body, the raw bytes of the database (SQLite
file with -wal and -shm, or a dump of every PostgreSQL table) and every stored file are searched.
The case must still read back decrypted, so that losing the data cannot pass the test.
The chat id is the routing key and stays plaintext: it is not planted.
"""

from __future__ import annotations

import asyncio
import io
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from enc_helpers import gps_jpeg
from fastapi.testclient import TestClient
from pii_receiver import BodyReceiver
from PIL import ExifTags, Image
from settings_helpers import make_settings
from sqlmodel import select

from bot.casework import desk as escalations
from bot.settings import Settings
from escalation.delivery.signing import new_secret
from handlers.app import core_of, create_app
from storage import db
from storage.migrate import upgrade
from storage.models import Attachment, Case, InboundUpdate

NAME = "Siti Plantedname Rahayu"
PHONE = "+852 6123 4589"
PASSPORT = "C7Q2918X4"
EMPLOYER = "Zhangplanted Trading Ltd"
STORY = "Saya dikunci di gudang berkarat lantai sembilan"
CITY = "Kampung Plantedvillage"
CAMERA = "PlantedCamMaker"
PHOTO_NOTE = "Rumah Majikan Plantednote"
PLANTED = (NAME, PHONE, PASSPORT, EMPLOYER, STORY, CITY, CAMERA, PHOTO_NOTE)
UNQUOTED = ("Plantedname", "6123 4589", "61234589", "Zhangplanted", "gudang berkarat")


@pytest.fixture
def all_logs_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Captures every logger at DEBUG (SQLAlchemy's echo excepted: a debugging tool)."""
    manager = logging.Logger.manager
    loggers = [logging.getLogger(n) for n in list(manager.loggerDict) if "sqlalchemy" not in n]
    saved = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for lg, level in saved:
        lg.setLevel(level)


class Chat:
    """A browser tab of the demo chat."""

    def __init__(self, client: TestClient) -> None:
        self.client, self.chat_id, self.cursor = client, uuid.uuid4().hex, 0

    def send(self, text: str = "", choice: str | None = None) -> list[dict[str, Any]]:
        body = {"chat_id": self.chat_id, "message_id": uuid.uuid4().hex, "text": text}
        body |= {"choice_id": choice, "locale_hint": "en-GB"}
        assert self.client.post("/demo/api/messages", json=body).status_code == 202
        return self.read()

    def upload(self, data: bytes) -> list[dict[str, Any]]:
        form = {"chat_id": self.chat_id, "message_id": uuid.uuid4().hex}
        files = {"file": ("photo.jpg", data, "image/jpeg")}
        assert self.client.post("/demo/api/files", data=form, files=files).status_code == 202
        return self.read()

    def read(self) -> list[dict[str, Any]]:
        params: dict[str, str | int] = {"chat_id": self.chat_id, "after": self.cursor}
        found: list[dict[str, Any]] = self.client.get("/demo/api/messages", params=params).json()[
            "messages"
        ]
        self.cursor = found[-1]["id"] if found else self.cursor
        return found


def file_report(chat: Chat, photo: bytes) -> None:
    """Files a whole report carrying every planted value."""
    chat.send("Hello")
    for choice in ("danger.no", "safe_now.safe", "role.worker", "consent.agree", "self_country.HK"):
        chat.send(choice=choice)
    for text in (CITY, "4", "done", "1", "done", "3", "HK$ 9,000"):  # typed picks, then done
        chat.send(text)
    chat.send(f"{STORY}. Paspor {PASSPORT} ditahan. Telepon saya {PHONE}")
    chat.send(NAME)
    for choice in ("self_contact.this_chat", "self_times.any", "self_regency.Jember"):
        chat.send(choice=choice)
    chat.send(choice="cmd:skip")
    chat.send(choice="cmd:skip")
    chat.send(EMPLOYER)
    chat.send(choice="cmd:skip")
    chat.upload(photo)
    chat.send(choice="cmd:done")
    replies = chat.send(choice="review.confirm")
    for _ in range(5):  # optional questions after submitting, if any
        if not replies or all(b["id"] != "cmd:skip" for b in replies[-1].get("buttons", [])):
            break
        replies = chat.send(choice="cmd:skip")


def _drain_webhooks(settings: Settings, engine: sa.Engine, desk: Any) -> None:
    """Sends every queued escalation webhook to the receiver."""

    async def drain() -> None:
        sender = escalations.dispatcher(engine, settings, desk)
        await sender.drain()
        await sender.aclose()

    asyncio.run(drain())


def _database_bytes(url: str, engine: sa.Engine, tmp_path: Path) -> bytes:
    """Returns the raw SQLite files, or a dump of every PostgreSQL table, as bytes."""
    if url.startswith("sqlite"):
        engine.dispose()
        return b"".join(p.read_bytes() for p in tmp_path.glob("suara.db*") if p.is_file())
    dump = []
    with engine.connect() as connection:
        metadata = sa.MetaData()
        metadata.reflect(connection)
        for table in metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                dump.extend(v if isinstance(v, bytes) else str(v).encode() for v in row)
    return b"\n".join(dump)


def _leaks(haystack: bytes) -> list[str]:
    """Returns the planted values found in some bytes (also lower-case and JSON-escaped)."""
    lowered = haystack.lower()
    found = []
    for value in PLANTED + UNQUOTED:
        if value.encode().lower() in lowered:
            found.append(value)
    return found


def test_planted_personal_data_appears_nowhere_but_reads_back(
    database_url: str, tmp_path: Path, all_logs_at_debug: pytest.LogCaptureFixture
) -> None:
    upgrade(database_url)
    photo = gps_jpeg(make=CAMERA, comment=PHOTO_NOTE)
    with BodyReceiver() as receiver:
        settings = make_settings(
            database_url=database_url,
            demo=True,
            file_store=tmp_path / "files",
            escalation_offices_file=tmp_path / "none.toml",
            escalation_webhook_url=receiver.url,
            escalation_webhook_secret=new_secret(),
        )
        app = create_app(settings, background=False)
        with TestClient(app) as client:
            chat = Chat(client)
            file_report(chat, photo)
            core = core_of(app)
            _drain_webhooks(settings, core.engine, app.state.handoff.desk)
            page = client.get("/demo/cases").text
            reference = page.split("/demo/cases/")[1].split("'")[0]
            detail = client.get(f"/demo/cases/{reference}").text
            with db.session(core.engine) as session:
                case = session.exec(select(Case)).one()
                attachment = session.exec(select(Attachment)).one()
                raw_updates = [r.payload for r in session.exec(select(InboundUpdate))]
            original = core.files.open(attachment.path or "")
            clean = core.files.caseworker_copy(attachment)
        assert receiver.bodies, "no escalation webhook was delivered"
        webhooks = b"\n".join(receiver.bodies)

    # The data is all there, decrypted through the normal code paths.
    assert case.status == "submitted"
    assert NAME in detail
    assert EMPLOYER in detail
    assert PASSPORT in detail
    assert CITY in detail
    assert any(STORY in str(v) for v in case.answers.values())
    assert any(PASSPORT.encode() in payload for payload in raw_updates)
    assert original == photo
    assert clean is not None
    with Image.open(io.BytesIO(clean)) as image:
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert dict(image.getexif()) == {}
    assert CAMERA.encode() not in clean
    assert PHOTO_NOTE.encode() not in clean

    # ...and nowhere else in the clear.
    records = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in all_logs_at_debug.records)
    assert all_logs_at_debug.records, "no logs captured: the log check would prove nothing"
    assert _leaks(records.encode()) == [], "planted data in the logs"
    assert _leaks(webhooks) == [], "planted data in an escalation webhook"
    engine = sa.create_engine(db.normalise_url(database_url))
    try:
        stored = _database_bytes(database_url, engine, tmp_path)
    finally:
        engine.dispose()
    assert len(stored) > 10_000
    assert _leaks(stored) == [], "planted data unencrypted in the database"
    address = chat.chat_id.encode()  # the channel address: a phone number on WhatsApp
    assert address not in stored, "the chat address unsealed in the database"
    assert address not in webhooks, "the chat address in an escalation webhook"
    carrying = {r.name for r in all_logs_at_debug.records if chat.chat_id in f"{r.__dict__!r}"}
    assert carrying <= {"httpx2"}, "the chat address in Suara's logs"  # httpx2: this test's client
    files = list((tmp_path / "files").rglob("*"))
    assert len([f for f in files if f.is_file()]) == 2  # the original and its clean copy
    for path in files:
        if path.is_file():
            assert _leaks(path.read_bytes()) == [], f"planted data in the file store: {path.name}"
