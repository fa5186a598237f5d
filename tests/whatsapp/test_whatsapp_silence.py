"""Nothing a reporter sends on WhatsApp is dropped in silence, in Indonesian and English."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from fake_graph import FakeGraph, media_sha256_b64
from sqlmodel import col, select
from wa_bodies import message
from wa_harness import Phone, WaApp, choices, words

from bot.envelopes import OutgoingMessage
from bot.i18n import Catalogs
from flows import messages as msg
from flows.registry import INTAKE
from flows.vocabulary import Locale
from storage import db, models, outbox

CATALOGS = Catalogs()
MB = 1024 * 1024


@pytest.fixture(params=["id", "en"])
def locale(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


def said(locale: str, msgid: str) -> str:
    return CATALOGS.gettext(Locale(locale), msgid)


def question(locale: str, step_id: str) -> str:
    return said(locale, INTAKE.step(step_id).prompt)  # type: ignore[union-attr]


async def at_country(wa: WaApp, locale: str, number: str = "6281234567001") -> Phone:
    """Returns a reporter's phone at the question 'where are you now?'."""
    phone = Phone(wa, number)
    await phone.say("Halo" if locale == "id" else "Hello")
    for pressed in (f"language.{locale}", "danger.no", "safe_now.safe", "role.worker"):
        await phone.tap(pressed)
    shown = await phone.tap("consent.agree")
    assert words(shown[-1]) == question(locale, "self_country")
    return phone


def evidence(wa: WaApp) -> list[models.Attachment]:
    return wa.rows(models.Attachment)


def file(sender: str, kind: str, media_id: str, mime: str, **extra: Any) -> dict[str, Any]:
    content = {"mime_type": mime, "sha256": media_sha256_b64(media_id), "id": media_id, **extra}
    return message(sender, kind, content)


async def test_files_over_the_limit_are_not_fetched(
    wa: WaApp, fake: FakeGraph, locale: str
) -> None:
    phone = await at_country(wa, locale)
    fake.sizes["4801"], fake.sizes["6001"] = 48 * MB, 60 * MB
    document = file(phone.wa_id, "document", "4801", "application/pdf", filename="kontrak.pdf")
    for update in (document, file(phone.wa_id, "video", "6001", "video/mp4")):
        shown = await phone.send(update)
        assert [words(s) for s in shown] == [
            said(locale, msg.MEDIA_TOO_LARGE),
            question(locale, "self_country"),
        ]
    assert not [c for c in fake.calls if "/whatsapp_media/" in c["path"]]  # nothing downloaded
    offered = [(a.kind, a.status, a.size_bytes, a.mime_type, a.path) for a in evidence(wa)]
    assert offered == [
        ("document", "too_large", 48 * MB, "application/pdf", None),
        ("video", "too_large", 60 * MB, "video/mp4", None),
    ]


async def test_a_caption_is_kept_with_its_photo_encrypted(wa: WaApp, locale: str) -> None:
    phone = await at_country(wa, locale)
    await phone.tap("self_country.MY")
    caption = "slip gaji Oktober" if locale == "id" else "October payslip"
    shown = await phone.photo("1286451905998777", caption=caption)
    assert words(shown[-1]) == question(locale, "self_help")
    [photo] = evidence(wa)
    assert (photo.kind, photo.status, photo.caption) == ("photo", "stored", caption)
    [case] = wa.rows(models.Case)
    assert case.answers["self_city"] == {"media": [str(photo.id)], "kind": "photo"}
    with wa.core.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT caption FROM attachment")).scalar_one()
    assert caption not in stored  # encrypted like every other text of the reporter


async def test_a_contact_is_kept_and_a_location_only_after_yes(wa: WaApp, locale: str) -> None:
    phone = await at_country(wa, locale)
    card = {"name": {"formatted_name": "Bu Rina"}, "phones": [{"phone": "+62 812-9876-5432"}]}
    kept = await phone.send({**message(phone.wa_id, "contacts", {}), "contacts": [card]})
    assert [words(s) for s in kept] == [
        said(locale, msg.CONTACT_KEPT),
        question(locale, "self_country"),
    ]
    place = {"latitude": 3.139, "longitude": 101.6869}
    asked = await phone.send(message(phone.wa_id, "location", place))
    assert [words(s) for s in asked] == [said(locale, msg.PLACE_CONFIRM)]
    assert [c[1] for c in choices(asked[0])] == ["place.yes", "place.no"]
    refused = await phone.tap("place.no")
    assert [words(s) for s in refused][0] == said(locale, msg.PLACE_NOT_KEPT)
    assert [a.kind for a in evidence(wa)] == ["contact"]
    await phone.send(message(phone.wa_id, "location", place))
    confirmed = await phone.tap("place.yes")
    assert [words(s) for s in confirmed] == [
        said(locale, msg.PLACE_KEPT),
        question(locale, "self_country"),
    ]
    shared = [(a.kind, a.shared) for a in evidence(wa)]
    assert shared == [
        ("contact", {"phone": "+62 812-9876-5432", "is_own": False}),
        ("location", {"latitude": 3.139, "longitude": 101.6869}),
    ]


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("sticker", {"mime_type": "image/webp", "sha256": "x", "id": "771", "animated": False}),
        ("reaction", {"message_id": "wamid.earlier", "emoji": "👍"}),
        ("unsupported", {}),
        ("order", {"catalog_id": "1", "product_items": []}),
        ("system", {"body": "Sari changed their phone number", "type": "user_changed_number"}),
        ("hologram", {"depth": 3}),
    ],
)
async def test_what_cannot_be_read_asks_the_question_again(
    wa: WaApp, locale: str, kind: str, content: dict[str, Any]
) -> None:
    phone = await at_country(wa, locale)
    shown = await phone.send(message(phone.wa_id, kind, content))
    assert [words(s) for s in shown] == [
        said(locale, msg.NOT_UNDERSTOOD_CHOICE),
        question(locale, "self_country"),
    ]


async def test_a_reaction_taken_back_asks_nothing(wa: WaApp, locale: str) -> None:
    phone = await at_country(wa, locale)
    removed = message(phone.wa_id, "reaction", {"message_id": "wamid.earlier", "emoji": ""})
    assert await phone.send(removed) == []


async def test_a_split_reply_is_retried_from_the_part_that_failed(
    wa: WaApp, fake: FakeGraph, locale: str
) -> None:
    phone = await at_country(wa, locale)
    line = said(locale, msg.GREETING)
    long_text = "\n".join(f"{n}. {line}" for n in range(1, 121))
    with db.session(wa.core.engine) as session:
        [conversation] = session.exec(select(models.Conversation)).all()
        outbox.enqueue_outbox(
            session=session,
            conversation_id=conversation.id or 0,
            channel="whatsapp",
            chat_id=conversation.chat_id,
            payloads=[OutgoingMessage(long_text, locale).to_payload()],
        )
    before = len(fake.to(phone.wa_id))
    fake.fail_next(131056, after=1)  # the pair rate limit, on the second part
    await wa.settle()
    first = [words(s) for s in fake.to(phone.wa_id)[before:]]
    assert [part.split(".")[0] for part in first] == ["1"]
    with db.session(wa.core.engine) as session:
        row = session.exec(
            select(models.OutboxMessage).where(col(models.OutboxMessage.status) == "pending")
        ).one()
        assert row.parts_sent == 1
        row.next_attempt_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await wa.settle()
    parts = [words(s) for s in fake.to(phone.wa_id)[before:]]
    assert len(parts) == 3
    assert parts[0] == first[0]  # the first part, sent once: the retry began at the second
    assert "\n".join(parts) == long_text  # each part once, in order, nothing lost
