"""Each corpus body through the real normaliser and translator: the events the engine gets."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from fake_graph import PHONE_NUMBER_ID, media_bytes
from hypothesis import given, settings
from hypothesis import strategies as st
from wa_harness import BODIES, WaApp

from bot.envelopes import Channel, InboundEvent
from flows.vocabulary import ContactRef, InputKind, MediaKind
from handlers.whatsapp import payloads
from storage import models
from storage.whatsapp import WhatsAppDelivery

T = dt.datetime(2025, 11, 28, 2, 20, tzinfo=dt.UTC)


def items(name: str) -> payloads.Notification:
    return payloads.parse((BODIES / name).read_bytes(), PHONE_NUMBER_ID)


async def events(wa: WaApp, name: str) -> list[InboundEvent | None]:
    translate = wa.core.inbox.translators[Channel.WHATSAPP]
    found = items(name)
    return [await translate(i.payload) for i in [*found.messages, *found.statuses]]


async def one(wa: WaApp, name: str) -> InboundEvent:
    [event] = await events(wa, name)
    assert event is not None
    assert event.channel is Channel.WHATSAPP
    assert event.chat_id == event.user_id == "6281234567890"
    assert event.locale_hint is None  # never guessed from the +62
    assert event.at == T
    assert event.message_ref is not None
    assert event.message_ref.startswith("wamid.")
    assert event.edited_ref is None
    return event


async def test_text_keeps_its_non_ascii_characters(wa_lite: WaApp) -> None:
    event = await one(wa_lite, "text.json")
    assert event.kind is InputKind.TEXT
    assert event.text == "Halo, saya butuh bantuan \u2014 gaji belum dibayar \U0001f622"


@pytest.mark.parametrize(
    ("name", "choice"),
    [("button_reply.json", "language.id"), ("list_reply.json", "self_country.MY")],
)
async def test_interactive_replies_are_keyed_on_the_id_not_the_title(
    wa_lite: WaApp, name: str, choice: str
) -> None:
    event = await one(wa_lite, name)
    assert event.kind is InputKind.CHOICE
    assert event.choice_id == choice
    assert event.text == ""


@pytest.mark.parametrize(
    ("name", "media_id", "kind", "mime", "caption"),
    [
        (
            "image.json",
            "1286451905998041",
            MediaKind.PHOTO,
            "image/jpeg",
            "Slip gaji bulan Agustus",
        ),
        ("audio_voice.json", "2041588643364512", MediaKind.VOICE, "audio/ogg; codecs=opus", ""),
        ("video.json", "1157004712881244", MediaKind.VIDEO, "video/mp4", "Kamar saya"),
        ("document.json", "3321077891201457", MediaKind.DOCUMENT, "application/pdf", "Kontrak"),
    ],
)
async def test_media_is_downloaded_at_once_with_its_hash(
    wa_lite: WaApp, name: str, media_id: str, kind: MediaKind, mime: str, caption: str
) -> None:
    event = await one(wa_lite, name)
    assert event.kind is InputKind.MEDIA
    assert event.text == caption
    media = event.media
    assert media is not None
    assert (media.kind, media.mime_type, media.too_large) == (kind, mime, False)
    assert media.sha256 == hashlib.sha256(media_bytes(media_id)).hexdigest()
    assert media.size_bytes == len(media_bytes(media_id))
    assert media.external_ref == media_id
    assert wa_lite.core.files.open(media.path or "") == media_bytes(media_id)
    paths = [c["path"] for c in wa_lite.fake.calls]
    assert paths == [f"/v23.0/{media_id}", f"/whatsapp_media/{media_id}"]


async def test_ready_media_url_in_the_webhook_is_never_recorded(wa_lite: WaApp) -> None:
    raw = (BODIES / "image.json").read_bytes()
    assert b"lookaside.fbsbx.com" in raw
    [item] = items("image.json").messages
    assert b"lookaside" not in item.payload
    assert b"hash=" not in item.payload


async def test_file_larger_than_the_store_takes_is_refused_without_downloading(
    wa_lite: WaApp,
) -> None:
    wa_lite.fake.sizes["1286451905998041"] = 64 * 1024 * 1024
    event = await one(wa_lite, "image.json")
    assert event.media is not None
    assert event.media.too_large
    assert event.media.path is None
    assert [c["path"] for c in wa_lite.fake.calls] == ["/v23.0/1286451905998041"]


@pytest.mark.parametrize("name", ["sticker.json", "unsupported.json"])
async def test_stickers_and_unknown_types_get_a_re_prompt(wa_lite: WaApp, name: str) -> None:
    event = await one(wa_lite, name)
    assert event.kind is InputKind.UNSUPPORTED
    assert wa_lite.fake.calls == []  # a sticker is not evidence: nothing downloaded


async def test_location_is_a_pair_of_coordinates(wa_lite: WaApp) -> None:
    event = await one(wa_lite, "location.json")
    assert event.kind is InputKind.LOCATION
    assert event.location == (1.4655, 103.7578)


async def test_shared_contact_card_is_a_third_party_not_the_reporter(wa_lite: WaApp) -> None:
    event = await one(wa_lite, "contacts.json")
    assert event.kind is InputKind.CONTACT
    assert event.contact == ContactRef(phone="+62 812-9876-5432", is_own=False)


async def test_reaction_is_never_an_answer_but_asks_again(wa_lite: WaApp) -> None:
    [event] = await events(wa_lite, "reaction.json")
    assert event is not None
    assert (event.kind, event.text, event.choice_id) == (InputKind.UNSUPPORTED, "", None)


async def test_older_shape_without_user_ids_is_read(wa_lite: WaApp) -> None:
    found = items("older_shape.json")
    assert [i.external_id for i in found.statuses] == [
        "status:wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEkI2RkQ4OEZBRTlCMkQyMzg1QgA=:delivered"
    ]
    text_event, status_event = await events(wa_lite, "older_shape.json")
    assert text_event is not None
    assert text_event.text == "tolong bantu"
    assert text_event.chat_id == "6281234567890"
    assert status_event is None
    [delivery] = wa_lite.rows(WhatsAppDelivery)
    assert (delivery.status, delivery.chat_id) == ("delivered", "6281234567890")


async def test_business_scoped_id_without_a_phone_number_is_the_chat(wa_lite: WaApp) -> None:
    [event] = await events(wa_lite, "bsuid.json")
    assert event is not None
    assert event.chat_id == event.user_id == "HK.13491208655302741918"
    assert event.text == "Saya di Hong Kong"


async def test_batch_gives_every_message_in_timestamp_order(wa_lite: WaApp) -> None:
    found = items("batch.json")
    assert found.skipped == 1  # the account_update change
    texts = [_message(i.payload) for i in found.messages]
    assert texts == ["language.en", "hello", "Johor Bahru"]
    assert [i.chat_id for i in found.messages] == ["6281234567890", "85291234567", "6281234567890"]
    assert len(found.statuses) == 1


async def test_statuses_in_any_order_keep_the_furthest_and_every_time(wa_lite: WaApp) -> None:
    for name in ("status_read.json", "status_sent.json", "status_delivered.json"):
        assert await events(wa_lite, name) == [None]
    [row] = wa_lite.rows(WhatsAppDelivery)
    assert row.status == "read"
    assert (row.sent_at, row.delivered_at, row.read_at) == (
        T + dt.timedelta(seconds=1),
        T + dt.timedelta(seconds=2),
        T + dt.timedelta(seconds=3),
    )
    assert await events(wa_lite, "status_failed.json") == [None]
    [row] = wa_lite.rows(WhatsAppDelivery)
    assert (row.status, row.error_code, row.error_title) == (
        "failed",
        131047,
        "Re-engagement message",
    )
    assert wa_lite.rows(models.OutboxMessage) == []  # not one of ours: nothing to hold


def _message(payload: bytes) -> str:
    message: dict[str, Any] = json.loads(payload)["message"]
    if message["type"] == "text":
        return str(message["text"]["body"])
    return str(message["interactive"]["button_reply"]["id"])


def test_on_premises_top_level_shape_and_unusable_items_are_handled() -> None:
    body = {
        "contacts": [{"wa_id": "6281234567890"}, {"wa_id": "85291234567"}],
        "messages": [
            {"from": "6281234567890", "id": "ABGGFlA5Fpa", "timestamp": "1764296400",
             "type": "voice", "voice": {"id": "2041588643364512", "mime_type": "audio/ogg"}},
            {"id": "", "type": "text", "text": {"body": "no id"}},
            {"id": "wamid.NOSENDER", "type": "text", "text": {"body": "no sender"}},
        ],
    }  # fmt: skip
    found = payloads.parse(json.dumps(body).encode(), PHONE_NUMBER_ID)
    assert [i.external_id for i in found.messages] == ["ABGGFlA5Fpa"]
    assert found.skipped == 2
    assert found.messages[0].wa_id == "6281234567890"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(["messages", "statuses", "contacts", "errors", "metadata", "entry"])


@given(
    st.dictionaries(
        FIELDS,
        JSON
        | st.lists(
            st.dictionaries(
                st.sampled_from(
                    [
                        "id",
                        "from",
                        "from_user_id",
                        "timestamp",
                        "type",
                        "text",
                        "status",
                        "wa_id",
                        "user_id",
                        "changes",
                        "value",
                        "field",
                        "recipient_id",
                        "errors",
                        "code",
                    ]
                ),
                JSON,
                max_size=6,
            ),
            max_size=3,
        ),
        max_size=4,
    )
)
@settings(max_examples=150, deadline=None)
def test_any_json_object_is_read_or_refused_never_crashes(body: dict[str, Any]) -> None:
    for shape in (
        body,
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"field": "messages", "value": body}]}],
        },
    ):
        try:
            found = payloads.parse(json.dumps(shape).encode(), PHONE_NUMBER_ID)
        except payloads.BadBody:
            continue
        for item in [*found.messages, *found.statuses]:
            assert item.external_id
            assert json.loads(item.payload)["type"] in ("message", "status")
