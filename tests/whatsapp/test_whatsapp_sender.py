"""Rendering for WhatsApp, pacing, and what each Cloud API error does to an outbox message."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from fake_graph import MEDIA_URL_MARKER, TOKEN, Served, check
from sqlalchemy import inspect, text
from sqlmodel import col, update
from wa_harness import Phone, WaApp, running

from bot.envelopes import OutButton, OutgoingMessage
from bot.i18n import Catalogs, Renderer
from flows.commands import parse_command
from flows.context import Context
from flows.registry import INTAKE
from flows.state import State
from flows.steps import Ask, Choose, Collect
from flows.turn import Draft, prompt
from flows.vocabulary import Locale
from handlers.whatsapp.render import WORDS, render, shorten, typed_word
from handlers.whatsapp.sender import Pacer
from storage import db, models

CHAT = "6281234567890"


def out(text: str, *labels: str, locale: str = "id") -> OutgoingMessage:
    buttons = tuple(OutButton(f"step.o{n}", label) for n, label in enumerate(labels, start=1))
    return OutgoingMessage(text=text, locale=locale, buttons=buttons)


def test_three_short_options_are_reply_buttons_with_the_engine_ids() -> None:
    [content] = render(out("Aman?", "Aman", "Tidak yakin", "Tidak aman"))
    assert content["interactive"]["type"] == "button"
    assert content["interactive"]["body"] == {"text": "Aman?"}
    assert [b["reply"] for b in content["interactive"]["action"]["buttons"]] == [
        {"id": "step.o1", "title": "Aman"},
        {"id": "step.o2", "title": "Tidak yakin"},
        {"id": "step.o3", "title": "Tidak aman"},
    ]


def test_title_over_20_characters_makes_a_list_and_over_24_a_described_row() -> None:
    [content] = render(out("Apa?", "Gaji tidak dibayar", "Kekerasan / pelecehan", "Lainnya"))
    assert content["interactive"]["type"] == "list"
    long = "Sexual harassment or assault at work"
    [content] = render(out("What?", "Wages", long, locale="en"))
    rows = content["interactive"]["action"]["sections"][0]["rows"]
    assert rows[1] == {"id": "step.o2", "title": "Sexual harassment or…", "description": long}
    assert content["interactive"]["action"]["button"] == "Choose"
    assert check({"messaging_product": "whatsapp", "to": CHAT, **content}) is None


def test_more_than_ten_options_are_numbered_with_commands_to_type() -> None:
    labels = [f"Pilihan {n}" for n in range(1, 12)]
    message = OutgoingMessage(
        text="Pilih satu.",
        locale="id",
        buttons=(
            *(OutButton(f"s.o{n}", label) for n, label in enumerate(labels, 1)),
            OutButton("cmd:done", "Selesai"),
            OutButton("cmd:human", "Chat dengan petugas"),
        ),
    )
    [content] = render(message)
    body = content["text"]["body"]
    assert body.startswith("Pilih satu.\n\n1. Pilihan 1\n2. Pilihan 2\n")
    assert "\n11. Pilihan 11\n\nKetik: SELESAI · PETUGAS" in body


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_command_word_is_read_back_as_its_command(locale: str) -> None:
    for command, words in WORDS.items():
        found = parse_command(words[locale])
        assert found is not None, (command, locale)
        assert found[0] is command
    assert typed_word(OutButton("cmd:language", "English"), "id") == "English"


def test_duplicate_titles_never_reach_whatsapp() -> None:
    [content] = render(out("?", "Ya", "Ya", "Tidak"))
    assert content["type"] == "text"
    assert content["text"]["body"] == "?\n\n1. Ya\n2. Ya\n3. Tidak"


def test_long_text_is_split_at_4096_and_long_bodies_at_1024() -> None:
    paragraph = "Kalimat yang cukup panjang untuk diuji. " * 40
    long = "\n\n".join([paragraph] * 4)
    parts = render(out(long))
    assert [p["type"] for p in parts] == ["text", "text"]
    assert all(len(p["text"]["body"]) <= 4096 for p in parts)
    assert " ".join(p["text"]["body"] for p in parts).split() == long.split()
    parts = render(out(paragraph * 2, "Ya", "Tidak"))
    assert [p["type"] for p in parts] == ["text", "interactive"]
    assert len(parts[-1]["interactive"]["body"]["text"]) <= 1024
    joined = parts[0]["text"]["body"] + " " + parts[-1]["interactive"]["body"]["text"]
    assert joined.split() == (paragraph * 2).split()


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("Pekerja rumah tangga di luar negeri", 24) == "Pekerja rumah tangga di…"
    assert shorten("Pendek", 24) == "Pendek"


@pytest.mark.parametrize("locale", list(Locale))
def test_every_question_of_every_flow_renders_to_what_meta_accepts(locale: Locale) -> None:
    catalogs = Catalogs()
    context = Context(aliases=catalogs.aliases())
    at = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    shapes: dict[str, int] = {}
    for step in INTAKE.steps.values():
        if not isinstance(step, Choose | Ask | Collect):
            continue
        draft = Draft(INTAKE, context, State(step_id=step.id, locale=locale), at)
        prompt(draft, step)
        for reply in draft.replies:
            message = Renderer(catalogs, locale, "Asia/Jakarta", {}).reply(reply)
            for content in render(message):
                problem = check({"messaging_product": "whatsapp", "to": CHAT, **content})
                assert problem is None, (step.id, problem)
                kind = content.get("interactive", {}).get("type", content["type"])
                shapes[kind] = shapes.get(kind, 0) + 1
    assert set(shapes) == {"button", "list", "text"}


def test_pacer_allows_a_burst_then_one_message_per_interval() -> None:
    pacer = Pacer(burst=3, interval=6.0)
    assert [pacer.delay("a", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.delay("a", now=100.0) == pytest.approx(6.0)
    assert pacer.delay("b", now=100.0) == 0.0  # per reporter
    assert pacer.delay("a", now=118.0) == pytest.approx(0.0)


async def make_due(wa: WaApp) -> None:
    """Makes messages waiting for a retry due now (instead of sleeping through the backoff)."""
    with db.session(wa.core.engine) as session:
        session.exec(
            update(models.OutboxMessage)
            .where(col(models.OutboxMessage.status) == "pending")
            .values(next_attempt_at=dt.datetime.now(dt.UTC))
        )
    await wa.core.dispatcher.drain()


@pytest.mark.parametrize(("code", "wait"), [(130429, 2.0), (131056, 6.0), (429, 2.0), (80007, 2.0)])
async def test_throttling_errors_are_retried_later_and_delivered_once(
    wa: WaApp, code: int, wait: float
) -> None:
    wa.fake.fail_next(code)
    before = dt.datetime.now(dt.UTC)
    assert await Phone(wa, CHAT).say("halo") == []
    after = dt.datetime.now(dt.UTC)
    [row] = wa.rows(models.OutboxMessage)
    assert (row.status, row.attempts) == ("pending", 0)  # a throttle is not a failed attempt
    assert row.error is not None
    assert row.error.startswith(f"whatsapp {code}")
    retry = dt.timedelta(seconds=wait)
    assert before + retry <= row.next_attempt_at <= after + retry
    await make_due(wa)
    [row] = wa.rows(models.OutboxMessage)
    assert (row.status, row.attempts, row.error) == ("sent", 1, None)
    assert len(wa.fake.sent) == 1


async def test_undeliverable_is_permanent_and_stops_the_reporters_timers(wa: WaApp) -> None:
    wa.fake.fail_next(131026)
    await Phone(wa, CHAT).say("halo")
    [row] = wa.rows(models.OutboxMessage)
    assert (row.status, row.error) == ("failed", "whatsapp 131026: (#131026) Message undeliverable")
    [reporter] = wa.rows(models.Reporter)
    assert reporter.unreachable


async def test_pacing_gives_messages_back_to_the_outbox(tmp_path: Path, graph: Served) -> None:
    url = f"sqlite:///{tmp_path / 'paced.db'}"
    async with running(url, tmp_path / "files", graph, whatsapp_pair_burst=2) as wa:
        wa.fake.reset()
        phone = Phone(wa, CHAT)
        await phone.say("halo")
        await phone.tap("language.id")
        third = await phone.tap("danger.no")
        assert third == []
        waiting = [r for r in wa.rows(models.OutboxMessage) if r.status == "pending"]
        assert [r.error for r in waiting] == ["paced: pair rate limit"]
        assert waiting[0].next_attempt_at > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=4)


async def test_token_and_media_links_never_reach_logs_or_rows(
    wa: WaApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    phone = Phone(wa, CHAT)
    await phone.say("halo")
    wa.fake.fail_next(131047)
    await phone.tap("language.id")
    await phone.photo("1286451905998041")
    wa.fake.fail_next(130429)
    await phone.say("tidak")
    assert wa.rows(models.Attachment)
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert TOKEN not in logged
    assert MEDIA_URL_MARKER not in logged
    assert "whatsapp_media" not in logged
    with db.session(wa.core.engine) as session:
        tables = inspect(session.get_bind()).get_table_names()
        dump = "".join(
            str(list(session.execute(text(f'SELECT * FROM "{table}"')).all())) for table in tables
        )
    assert "1286451905998041" in dump  # the media id is kept (it is not a secret)
    assert TOKEN not in dump
    assert MEDIA_URL_MARKER not in dump
    assert "whatsapp_media" not in dump


async def test_read_receipts_only_when_switched_on(tmp_path: Path, graph: Served) -> None:
    url = f"sqlite:///{tmp_path / 'read.db'}"
    async with running(url, tmp_path / "files", graph, whatsapp_mark_read=True) as wa:
        wa.fake.reset()
        phone = Phone(wa, CHAT)
        await phone.say("halo")
        receipts = [c["json"] for c in wa.fake.calls if c["json"] and "status" in c["json"]]
        assert receipts == [
            {
                "messaging_product": "whatsapp",
                "status": "read",
                "message_id": wa.rows(models.InboundUpdate)[0].external_id,
            }
        ]
    async with running(f"sqlite:///{tmp_path / 'unread.db'}", tmp_path / "f2", graph) as wa:
        wa.fake.reset()
        await Phone(wa, CHAT).say("halo")
        assert not [c for c in wa.fake.calls if c["json"] and "status" in c["json"]]
