"""Outgoing messages: keyboards, 4096-unit parts, UTF-16 entities, pacing and error mapping."""

from __future__ import annotations

import pytest
from fakebot import FakeBotAPI
from tg_harness import Harness

from bot.envelopes import Channel, OutButton, OutgoingMessage
from flows.registry import INTAKE
from flows.steps import Choose, Review
from handlers.telegram.pacing import Pacer
from handlers.telegram.sender import (
    CALLBACK_LIMIT,
    TelegramSender,
    failure,
    keyboard,
    reference_entities,
    split_text,
    utf16_len,
)
from handlers.telegram.updates import Entity, TgError


def test_utf16_length_counts_emoji_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("🌸") == 2
    assert utf16_len("Siti 🌸👩🏽‍🌾") == 5 + 2 + 2 + 2 + 1 + 2


def test_short_text_is_one_part() -> None:
    assert split_text("Halo") == ["Halo"]
    assert split_text("") == [""]


def test_long_text_splits_at_line_breaks_within_4096_units() -> None:
    line = "Baris laporan yang cukup panjang untuk diuji. 🌸\n"
    text = line * 200
    parts = split_text(text)
    assert len(parts) == 3
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert all(p.rstrip("\n").endswith("🌸") for p in parts)
    assert "\n".join(parts) == text


def test_text_without_spaces_is_cut_hard_but_never_inside_an_emoji() -> None:
    text = "🌸" * 3000
    parts = split_text(text)
    assert [utf16_len(p) for p in parts] == [4096, 6000 - 4096]
    assert "".join(parts) == text


def test_reference_entity_offsets_count_utf16_units() -> None:
    text = "Terima kasih 🙏🏽 Siti. Nomor kasusmu MC-2026-000123."
    assert reference_entities(text) == [Entity("code", 38, 14)]
    assert len(text[: text.index("MC-")]) == 36  # Python counts 36 characters, Telegram 38
    assert reference_entities("no reference here") == []


def test_keyboard_puts_short_options_in_pairs_and_commands_last() -> None:
    buttons = (
        OutButton("cmd:menu", "Menu"),
        OutButton("danger.yes", "Ya"),
        OutButton("danger.no", "Tidak"),
        OutButton("danger.unsure", "Tidak yakin"),
        OutButton("role.family", "Keluarga atau teman pekerja migran"),
        OutButton("cmd:skip", "Lewati"),
    )
    rows = keyboard(buttons)
    assert [[k.data for k in row] for row in rows] == [
        ["danger.yes", "danger.no"],
        ["danger.unsure"],
        ["role.family"],
        ["cmd:menu", "cmd:skip"],
    ]


def test_keyboard_shortens_long_labels_and_drops_oversized_ids() -> None:
    long = OutButton("x.long", "A label far too long to read on a small phone screen at all")
    oversized = OutButton("x." + "é" * 40, "Too big")
    rows = keyboard((long, oversized))
    assert len(rows) == 1
    assert rows[0][0].label.endswith("…")
    assert len(rows[0][0].label) == 40


def test_every_button_of_every_flow_fits_callback_data() -> None:
    ids = [
        f"{s.id}.{o.id}" for s in INTAKE.steps.values() if isinstance(s, Choose) for o in s.options
    ]
    ids += [f"{s.id}.confirm" for s in INTAKE.steps.values() if isinstance(s, Review)]
    assert len(ids) > 50
    assert max(len(i.encode()) for i in ids) <= CALLBACK_LIMIT


@pytest.mark.parametrize(
    ("error", "retry_after", "permanent", "unreachable"),
    [
        (TgError("sendMessage: 429", status=429, retry_after=7), 7, False, False),
        (TgError("sendMessage: blocked", status=403), None, True, True),
        (TgError("sendMessage: chat not found", status=400), None, True, False),
        (TgError("sendMessage: timeout"), None, False, False),
    ],
)
def test_errors_map_to_dispatcher_decisions(
    error: TgError, retry_after: float | None, permanent: bool, unreachable: bool
) -> None:
    mapped = failure(error)
    assert (mapped.retry_after, mapped.permanent, mapped.unreachable) == (
        retry_after,
        permanent,
        unreachable,
    )


class Clock:
    """A clock the pacer sleeps on without waiting."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


async def test_pacer_allows_a_burst_then_one_a_second_per_chat() -> None:
    clock = Clock()
    pacer = Pacer(per_chat=1.0, chat_burst=3, overall=30.0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        await pacer.wait("chat-a")
    assert clock.slept == [1.0, 1.0]
    await pacer.wait("chat-b")
    assert clock.slept == [1.0, 1.0]


async def test_pacer_keeps_the_overall_rate() -> None:
    clock = Clock()
    pacer = Pacer(per_chat=1.0, chat_burst=1, overall=30.0, clock=clock, sleep=clock.sleep)
    for chat in range(60):
        await pacer.wait(f"chat-{chat}")
    assert 0.99 <= clock.now - 100.0 <= 1.01  # 60 messages: 30 at once, 30 more over a second


async def test_pacer_pauses_a_chat_after_429() -> None:
    clock = Clock()
    pacer = Pacer(per_chat=1.0, chat_burst=3, overall=30.0, clock=clock, sleep=clock.sleep)
    pacer.pause("chat-a", 5)
    await pacer.wait("chat-a")
    assert clock.slept == [5.0]


async def test_long_message_goes_out_in_parts_with_the_keyboard_last(harness: Harness) -> None:
    fake: FakeBotAPI = harness.fake
    sender = harness.core.dispatcher.senders[Channel.TELEGRAM]
    assert isinstance(sender, TelegramSender)
    text = ("Ringkasan jawaban 🌸 " * 40 + "\n") * 12 + "Nomor kasus MC-2026-000042."
    message = OutgoingMessage(
        text=text,
        locale="id",
        buttons=(OutButton("review.confirm", "Ya, kirim"), OutButton("cmd:menu", "Menu")),
    )
    sent_id = await sender.send("777", message)
    calls = fake.of("sendMessage")
    assert len(calls) == 3
    assert sent_id == str(calls[-1].result["message_id"])
    assert [("reply_markup" in c.params) for c in calls] == [False, False, True]
    assert all(utf16_len(c.params["text"]) <= 4096 for c in calls)
    last = calls[-1].params
    assert last["entities"] == [
        {
            "type": "code",
            "offset": utf16_len(last["text"][: last["text"].index("MC-")]),
            "length": 14,
        }
    ]
    assert last["reply_markup"]["inline_keyboard"] == [
        [{"text": "Ya, kirim", "callback_data": "review.confirm"}],
        [{"text": "Menu", "callback_data": "cmd:menu"}],
    ]
