"""Plants a submitted case carrying marked personal data in every table that can hold it."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel

from bot.evidence.files import FileStore
from flows.vocabulary import MediaKind
from storage import db
from storage.escalation_models import CaseNote, Caseworker, Delivery, Escalation, WebhookEndpoint
from storage.models import (
    Attachment,
    Case,
    CaseEvent,
    Consent,
    Conversation,
    InboundUpdate,
    OutboxMessage,
    Reporter,
)
from storage.safety_models import ChatMessage
from storage.whatsapp import WhatsAppContact, WhatsAppDelivery

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def jpeg(tag: str) -> bytes:
    """Returns a small real JPEG, different for each tag."""
    seed = sum(tag.encode())
    image = Image.new("RGB", (8, 8), (seed % 256, (seed * 7) % 256, (seed * 13) % 256))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


@dataclass(frozen=True)
class Planted:
    """Ids of the planted case and the markers that must vanish with it."""

    case_id: int
    reporter_id: int
    conversation_id: int
    markers: tuple[str, ...]
    files: tuple[Path, ...]


def plant_case(
    engine: Engine,
    store: FileStore,
    tag: str,
    *,
    phone: str,
    at: dt.datetime = NOW,
    status: str = "submitted",
    shared_photo: bytes = b"",
    consent: bool = True,
) -> Planted:
    """Writes a case for a WhatsApp reporter with `tag` in its answers, messages, files, notes."""
    name, passport = f"Siti {tag}", f"PASSPORT-{tag}"
    photo = store.save(jpeg(tag), kind=MediaKind.PHOTO, mime_type="image/jpeg")
    shared = store.save(
        shared_photo or jpeg("shared"), kind=MediaKind.PHOTO, mime_type="image/jpeg"
    )
    with db.session(engine) as session:
        reporter = Reporter(channel="whatsapp", channel_user_id=phone, safe_times=["08:00-10:00"])
        session.add(reporter)
        session.flush()
        conversation = Conversation(
            reporter_id=reporter.id or 0,
            channel="whatsapp",
            chat_id=phone,
            state={"engine": {"answers": {"name": name}}, "case_id": None},
            last_inbound_at=at,
        )
        session.add(conversation)
        session.flush()
        case = Case(
            reference=f"MC-2026-{abs(hash(tag)) % 1_000_000:06d}",
            conversation_id=conversation.id or 0,
            reporter_id=reporter.id or 0,
            status=status,
            primary_category="wages",
            categories=["wages"],
            urgency="P2",
            destination_country="MY",
            home_regency=f"Regency {tag}",
            locale="id",
            channel="whatsapp",
            answers={"name": name, "passport": passport, "story": f"Majikan {tag} tidak bayar"},
            submitted_at=at,
            updated_at=at,
        )
        session.add(case)
        session.flush()
        _around(session, case, conversation, tag, at, consent)
        for stored in (photo, shared):
            session.add(
                Attachment(
                    case_id=case.id,
                    conversation_id=conversation.id or 0,
                    kind="photo",
                    sha256=stored.sha256,
                    path=stored.path,
                    clean_path=stored.clean_path,
                    clean_sha256=stored.clean_sha256,
                    external_ref=f"media-{tag}-{stored.sha256}",
                    caption=f"Slip gaji {tag}",
                )
            )
        for kind, detail in (("contact", {"phone": f"0812-{tag}", "is_own": False}),
                             ("location", {"latitude": 3.139, "longitude": 101.6869})):  # fmt: skip
            session.add(
                Attachment(
                    case_id=case.id,
                    conversation_id=conversation.id or 0,
                    kind=kind,
                    shared=detail,
                )
            )
        ids = (case.id or 0, reporter.id or 0, conversation.id or 0)
    paths = [p.path for p in (photo, shared)] + [p.clean_path for p in (photo, shared)]
    files = tuple(store.root / str(p) for p in paths if p)
    return Planted(*ids, (name, passport, tag, phone), files)


def _around(
    session: Session,
    case: Case,
    conversation: Conversation,
    tag: str,
    at: dt.datetime,
    consent: bool,
) -> None:
    """Adds the rows around a case: inbox, outbox, ids, WhatsApp, notes, escalation, consent."""
    phone = conversation.chat_id
    body = json.dumps({"from": phone, "text": f"nama saya Siti {tag}"}).encode()
    session.add(
        InboundUpdate(
            channel="whatsapp", external_id=f"wamid.in.{tag}", chat_id=phone, payload=body,
            status="processed", received_at=at,
        )
    )  # fmt: skip
    for status in ("sent", "pending"):
        session.add(
            OutboxMessage(
                conversation_id=conversation.id, channel="whatsapp", chat_id=phone, status=status,
                payload={"text": f"Ringkasan: Siti {tag}", "locale": "id"},
                external_id=f"wamid.out.{tag}.{status}", created_at=at,
            )
        )  # fmt: skip
    session.add(
        ChatMessage(channel="whatsapp", chat_id=phone, message_id="7", direction="in", at=at)
    )
    session.add(WhatsAppContact(chat_id=phone, wa_id=phone))
    session.add(WhatsAppDelivery(wamid=f"wamid.out.{tag}.sent", chat_id=phone))
    worker = Caseworker(name=f"worker {case.id}", office="KL")
    session.add(worker)
    session.flush()
    session.add(CaseNote(case_id=case.id or 0, caseworker_id=worker.id, text=f"Called Siti {tag}"))
    said = CaseNote(case_id=case.id or 0, caseworker_id=None, kind="reporter_message",
                    text=f"Siti {tag} again: they took my phone")  # fmt: skip
    session.add(said)
    session.flush()
    session.add(CaseEvent(case_id=case.id or 0, type="follow_up_received", actor="reporter",
                          data={"kind": "text", "note_id": said.id}, at=at))  # fmt: skip
    session.add(CaseEvent(case_id=case.id or 0, type="answer_recorded", actor="reporter",
                          data={"step": "name", "answer": f"Siti {tag}"}, at=at))  # fmt: skip
    if consent:
        session.add(
            Consent(reporter_id=case.reporter_id, case_id=case.id, purpose="case_handling",
                    text_version="v1", locale="id", channel="whatsapp", answer="given", at=at)
        )  # fmt: skip
    endpoint = WebhookEndpoint(
        name=f"office-{case.id}", office="KL", url="https://example.org/hook"
    )
    session.add(endpoint)
    session.flush()
    escalation = Escalation(case_id=case.id or 0, kind="case", urgency="P2", office="KL",
                            resolution=f"Siti {tag} helped")  # fmt: skip
    session.add(escalation)
    session.flush()
    session.add(
        Delivery(msg_id=f"msg-{case.id}", escalation_id=escalation.id or 0,
                 endpoint_id=endpoint.id or 0, office="KL", event_type="case.opened",
                 payload=json.dumps({"data": {"case_ref": case.reference}}))  # thin, as sent
    )  # fmt: skip


def dump_database(engine: Engine) -> str:
    """Returns every value of every table as text (through the column types: decrypted)."""
    parts: list[str] = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                parts.extend(_text(value) for value in row)
    return "\n".join(parts)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
