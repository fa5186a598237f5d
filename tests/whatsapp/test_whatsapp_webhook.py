"""The webhook: the handshake, signatures over raw bytes, bad bodies, duplicates, batches."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
import pytest
from fake_graph import Served
from settings_helpers import make_settings
from wa_bodies import APP_SECRET, VERIFY_TOKEN, contact, envelope, meta_bytes, sign, text, value
from wa_harness import BODIES, WaApp, running

from handlers.app import create_app
from storage import models

CORPUS = sorted(p.name for p in BODIES.glob("*.json") if p.name != "signatures.json")


async def test_handshake_echoes_the_challenge_as_plain_text(wa_lite: WaApp) -> None:
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    response = await wa_lite.client.get("/webhooks/whatsapp", params=params)
    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong-token", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
async def test_handshake_with_a_wrong_token_or_mode_gets_403(
    wa_lite: WaApp, params: dict[str, str]
) -> None:
    response = await wa_lite.client.get("/webhooks/whatsapp", params=params)
    assert response.status_code == 403
    assert "1" not in response.text


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("", 401),
        ("sha1=" + "0" * 40, 401),
        ("sha256=not-hex", 401),
        ("sha256=" + "a" * 63, 401),
        ("sha256=" + "0" * 64, 403),
        (sign(b"another body"), 403),
        ("OTHER_SECRET", 403),
    ],
)
async def test_missing_malformed_or_wrong_signature_is_refused_and_nothing_recorded(
    wa_lite: WaApp, header: str, status: int
) -> None:
    raw = (BODIES / "text.json").read_bytes()
    if header == "OTHER_SECRET":
        header = sign(raw, secret="another-app-secret")
    response = await wa_lite.post(raw, signature=header)
    assert response.status_code == status
    await wa_lite.settle()
    assert wa_lite.rows(models.InboundUpdate) == []
    assert wa_lite.fake.sent == []


async def test_signature_over_re_encoded_json_is_wrong(wa_lite: WaApp) -> None:
    raw = (BODIES / "text.json").read_bytes()
    reencoded = json.dumps(json.loads(raw), ensure_ascii=False).encode()
    response = await wa_lite.post(raw, signature=sign(reencoded))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'"text"',
        b'{"object":"whatsapp_business_account"}',
    ],
)
async def test_bad_body_with_a_valid_signature_gets_400(wa_lite: WaApp, raw: bytes) -> None:
    response = await wa_lite.post(raw)
    assert response.status_code == 400
    assert wa_lite.rows(models.InboundUpdate) == []


async def test_oversized_body_gets_413(wa_lite: WaApp) -> None:
    raw = b'{"entry":[' + b" " * (3 * 1024 * 1024) + b"]}"
    assert (await wa_lite.post(raw)).status_code == 413


def test_corpus_bodies_are_ascii_and_still_match_their_meta_signatures() -> None:
    signatures = json.loads((BODIES / "signatures.json").read_text())
    assert sorted(signatures) == CORPUS
    for name in CORPUS:
        raw = (BODIES / name).read_bytes()
        assert raw.isascii(), name
        assert sign(raw, APP_SECRET) == signatures[name], f"{name} was re-encoded"
    assert b"\\u2014" in (BODIES / "text.json").read_bytes()  # lowercase \uXXXX escapes
    assert b"\\ud83d\\ude22" in (BODIES / "text.json").read_bytes()
    assert b"image\\/jpeg" in (BODIES / "image.json").read_bytes()


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("text.json", 1),
        ("batch.json", 4),  # three messages, one status; the account_update change is skipped
        ("older_shape.json", 2),
        ("bsuid.json", 1),
        ("status_failed.json", 1),
        ("reaction.json", 1),
    ],
)
async def test_corpus_body_records_every_message_and_status(
    wa_lite: WaApp, name: str, rows: int
) -> None:
    signatures = json.loads((BODIES / "signatures.json").read_text())
    raw = (BODIES / name).read_bytes()
    response = await wa_lite.post(raw, signature=signatures[name])
    assert response.status_code == 200
    assert len(wa_lite.rows(models.InboundUpdate)) == rows
    await wa_lite.settle()
    assert {r.status for r in wa_lite.rows(models.InboundUpdate)} <= {"processed", "ignored"}


async def test_batch_is_processed_in_timestamp_order(wa_lite: WaApp) -> None:
    await wa_lite.post((BODIES / "batch.json").read_bytes())
    found = wa_lite.rows(models.InboundUpdate)
    messages = [
        json.loads(r.payload)["message"] for r in found if r.external_id.startswith("wamid")
    ]
    assert [int(m["timestamp"]) for m in messages] == sorted(int(m["timestamp"]) for m in messages)
    assert [re.search(r"NFQjA(\d{3})", m["id"])[1] for m in messages] == ["020", "022", "021"]
    await wa_lite.settle()
    assert [r.status for r in wa_lite.rows(models.InboundUpdate)] == [
        "processed",
        "processed",
        "processed",
        "ignored",
    ]
    assert {c.chat_id for c in wa_lite.rows(models.Conversation)} == {
        "6281234567890",
        "85291234567",
    }


async def test_duplicate_deliveries_change_nothing(wa: WaApp) -> None:
    raw = meta_bytes(
        envelope(
            value(contacts=[contact("6281234567890")], messages=[text("6281234567890", "halo")])
        )
    )
    assert (await wa.post(raw)).status_code == 200
    await wa.settle()
    before = (wa.rows(models.InboundUpdate), wa.rows(models.OutboxMessage), len(wa.fake.sent))
    conversation = wa.rows(models.Conversation)[0]
    for _ in range(3):
        assert (await wa.post(raw)).status_code == 200
    await wa.settle()
    after = (wa.rows(models.InboundUpdate), wa.rows(models.OutboxMessage), len(wa.fake.sent))
    assert len(after[0]) == len(before[0]) == 1
    assert len(after[1]) == len(before[1]) == 1
    assert after[2] == before[2] == 1
    assert wa.rows(models.Conversation)[0].version == conversation.version


async def test_same_message_in_two_different_bodies_is_recorded_once(wa: WaApp) -> None:
    message = text("6281234567890", "halo")
    first = envelope(value(contacts=[contact("6281234567890")], messages=[message]))
    second = envelope(
        value(
            contacts=[contact("6281234567890")],
            messages=[message, text("6281234567890", "english")],
        )
    )
    await wa.post(meta_bytes(first))
    await wa.post(meta_bytes(second))
    await wa.settle()
    assert [r.external_id for r in wa.rows(models.InboundUpdate)] == [
        message["id"],
        json.loads(meta_bytes(second))["entry"][0]["changes"][0]["value"]["messages"][1]["id"],
    ]


async def test_other_phone_number_of_the_same_app_is_not_answered(wa_lite: WaApp) -> None:
    body = envelope(
        value(contacts=[contact("6281234567890")], messages=[text("6281234567890", "halo")])
    )
    body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999999999999999"
    assert (await wa_lite.post(meta_bytes(body))).status_code == 200
    assert wa_lite.rows(models.InboundUpdate) == []


async def test_channel_is_off_without_its_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'off.db'}"
    settings = make_settings(env_file=None, database_url=url, file_store=tmp_path)
    app = create_app(settings, background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        response = await client.post("/webhooks/whatsapp", content=b"{}")
    assert response.status_code == 404
    assert not hasattr(app.state, "whatsapp")


async def test_database_down_answers_503_so_meta_retries(tmp_path: Path, graph: Served) -> None:
    async with running(f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "files", graph) as wa:
        wa.core.engine.dispose()
        (tmp_path / "x.db").unlink()
        (tmp_path / "x.db").mkdir()  # the database file is gone and cannot be created
        raw = meta_bytes(envelope(value(contacts=[contact("628")], messages=[text("628", "halo")])))
        assert (await wa.post(raw)).status_code == 503


async def test_concurrent_webhooks_are_all_recorded_and_each_answered_once(wa: WaApp) -> None:
    bodies = [
        meta_bytes(
            envelope(
                value(
                    contacts=[contact(f"62812000{n:04d}")],
                    messages=[text(f"62812000{n:04d}", "halo")],
                )
            )
        )
        for n in range(20)
    ]
    responses = await asyncio.gather(*(wa.post(raw) for raw in bodies + bodies[:5]))
    assert [r.status_code for r in responses] == [200] * 25
    await wa.settle()
    assert len(wa.rows(models.InboundUpdate)) == 20
    assert len(wa.rows(models.Conversation)) == 20
    assert sorted(s.to or "" for s in wa.fake.sent) == sorted(f"62812000{n:04d}" for n in range(20))


async def test_one_chats_messages_are_processed_in_the_order_recorded(wa: WaApp) -> None:
    chat = "6281234567890"
    first = [text(chat, "halo")]
    then = [text(chat, word) for word in ("english", "no", "safe")]
    await wa.post(meta_bytes(envelope(value(contacts=[contact(chat)], messages=first))))
    await asyncio.gather(
        *(
            wa.post(meta_bytes(envelope(value(contacts=[contact(chat)], messages=[m]))))
            for m in then
        )
    )
    await wa.settle()
    rows = wa.rows(models.InboundUpdate)
    assert [r.status for r in rows] == ["processed"] * 4
    done = [r.processed_at for r in rows]
    assert done == sorted(done)  # inbox order is processing order


def test_webhook_routes_are_tried_before_every_other_route(wa_lite: WaApp) -> None:
    paths = [getattr(route, "path", None) for route in wa_lite.app.routes]
    assert paths[:2] == ["/webhooks/whatsapp", "/webhooks/whatsapp"]
    assert "/docs" in paths[2:]  # the rest is still served, after them
