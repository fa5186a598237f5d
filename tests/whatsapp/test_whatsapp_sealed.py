"""The reporter's phone number (WhatsApp's chat id) is sealed at rest yet finds the conversation."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select
from wa_harness import Phone, WaApp, words

from storage import db, models

PHONE = "6281299887766"


def database_bytes(folder: Path) -> bytes:
    """Returns the raw bytes of the SQLite database and its journal files."""
    return b"".join(p.read_bytes() for p in sorted(folder.glob("suara.db*")) if p.is_file())


async def test_the_phone_number_never_lies_in_the_database_file_in_clear(
    wa_lite: WaApp, tmp_path: Path
) -> None:
    phone = Phone(wa_lite, PHONE)
    await phone.say("halo")
    await phone.tap("language.id")
    replies = await phone.tap("danger.no")
    assert "aman" in words(replies[-1]).lower()  # the same conversation went on
    with db.session(wa_lite.core.engine) as session:
        query = select(models.Conversation).where(col(models.Conversation.chat_id) == PHONE)
        conversation = session.exec(query).one()
        assert conversation.chat_id == PHONE  # opened on read
        assert session.exec(select(models.Reporter)).one().channel_user_id == PHONE
    raw = database_bytes(tmp_path)
    assert len(raw) > 10_000  # the database itself, not an empty glob
    assert PHONE.encode() not in raw
    assert PHONE.encode("utf-16-le") not in raw
