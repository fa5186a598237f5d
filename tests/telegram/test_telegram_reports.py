"""Whole reports over the webhook, in Indonesian and English, through both drivers to the fake."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlmodel import col, select
from tg_harness import Harness, Reporter

from bot.envelopes import Channel
from bot.i18n import Catalogs
from flows import messages as msg
from flows.registry import INTAKE
from flows.steps import Choose
from flows.vocabulary import Locale
from handlers.telegram.processing import peek
from handlers.telegram.sender import utf16_len
from storage import db, models

CATALOGS = Catalogs()


def said(locale: str, msgid: str) -> str:
    """Returns a sentence as the reporter reads it."""
    return CATALOGS.gettext(Locale(locale), msgid)


def prompt(locale: str, step_id: str) -> str:
    """Returns a step's question as the reporter reads it."""
    step = INTAKE.step(step_id)
    assert isinstance(step, Choose) or hasattr(step, "prompt")
    return said(locale, step.prompt)  # type: ignore[union-attr]


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [str(m["text"]) for m in messages]


def buttons(message: dict[str, Any]) -> list[list[str]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [[b["callback_data"] for b in row] for row in rows]


async def answer_opening(reporter: Reporter, locale: str) -> None:
    """/start and the opening questions, checking each question and its keyboard."""
    first = await reporter.command("/start")
    assert texts(first) == [
        said(locale, msg.GREETING)
        + "\n"
        + (msg.SWITCH_TO_EN if locale == "id" else msg.SWITCH_TO_ID),
        prompt(locale, "danger"),
    ]
    assert buttons(first[-1]) == [["danger.yes", "danger.no"], ["danger.unsure"], ["cmd:menu"]]
    for pressed, question in [
        ("danger.no", "safe_now"),
        ("safe_now.safe", "role"),
        ("role.worker", "consent"),
        ("consent.agree", "self_country"),
        ("self_country.HK", "self_city"),
    ]:
        assert texts(await reporter.press(pressed)) == [prompt(locale, question)]


async def test_whole_report_with_every_update_kind(harness: Harness, locale: str) -> None:
    fake, reporter = harness.fake, harness.reporter(locale)
    chat = reporter.user_id
    await answer_opening(reporter, locale)
    answered = len(fake.of("answerCallbackQuery"))
    assert answered == 5
    removed = fake.of("editMessageReplyMarkup")
    assert len(removed) == 5
    assert all("reply_markup" not in c.params for c in removed)
    assert texts(await reporter.say("Mong Kok")) == [prompt(locale, "self_help")]

    checklist = reporter.shown("self_help.wages")
    assert await reporter.press("self_help.wages") == []
    redrawn = fake.of("editMessageText")[-1].params
    assert int(redrawn["message_id"]) == checklist["message_id"]
    kept = redrawn["reply_markup"]["inline_keyboard"]
    labels = {b["callback_data"]: b["text"] for row in kept for b in row}
    assert labels["self_help.wages"] == "✓ " + said(locale, "Get my wages")
    assert {"self_help.legal", "cmd:done"} <= set(labels)
    assert texts(await reporter.press("cmd:done")) == [prompt(locale, "self_problem")]
    await reporter.press("self_problem.GAJI")
    assert texts(await reporter.press("cmd:done")) == [prompt(locale, "self_unpaid_months")]
    assert texts(await reporter.say("3")) == [prompt(locale, "self_wage_amount")]
    assert texts(await reporter.say("HK$ 9,000")) == [prompt(locale, "self_story")]
    assert texts(await reporter.send("voice")) == [prompt(locale, "self_name")]

    assert texts(await reporter.say("Siti")) == [prompt(locale, "self_contact")]
    name_message = reporter.last_message_id
    assert await reporter.do(reporter.build.edit(name_message, "Siti 🌸 Rahayu")) == []

    kept_contact = await reporter.send("contact_own")
    assert texts(kept_contact) == [said(locale, msg.CONTACT_KEPT), prompt(locale, "self_contact")]
    sticker = await reporter.send("sticker")
    assert texts(sticker) == [
        said(locale, msg.NOT_UNDERSTOOD_CHOICE),
        prompt(locale, "self_contact"),
    ]
    assert texts(await reporter.press("self_contact.this_chat")) == [prompt(locale, "self_times")]
    place = await reporter.send("location")
    assert texts(place) == [said(locale, msg.PLACE_CONFIRM)]
    assert buttons(place[0]) == [["place.yes", "place.no"]]
    kept_place = await reporter.press("place.yes")
    assert texts(kept_place) == [said(locale, msg.PLACE_KEPT), prompt(locale, "self_times")]
    assert texts(await reporter.press("self_times.any")) == [prompt(locale, "self_regency")]
    assert texts(await reporter.press("self_regency.Jember")) == [prompt(locale, "self_job")]
    assert texts(await reporter.press("cmd:skip")) == [prompt(locale, "self_route")]
    assert texts(await reporter.press("cmd:skip")) == [prompt(locale, "self_employer")]
    assert texts(await reporter.say("PT Maju Jaya")) == [prompt(locale, "self_since")]
    since = "March 2026" if locale == "en" else "Maret 2026"
    assert texts(await reporter.say(since)) == [prompt(locale, "self_files")]

    album = [reporter.build.message(f"album_{i}") for i in (1, 2, 3)]
    responses = await asyncio.gather(*(harness.post(update) for update in album))
    assert [r.status_code for r in responses] == [200, 200, 200]
    await harness.settle()
    assert texts(reporter.new()) == [said(locale, msg.MEDIA_RECEIVED)]
    for name in ("document", "audio", "video"):
        assert texts(await reporter.send(name)) == [said(locale, msg.MEDIA_RECEIVED)]
    assert texts(await reporter.send("document_large")) == [said(locale, msg.MEDIA_TOO_LARGE)]

    review = await reporter.press("cmd:done")
    assert len(review) == 1
    assert review[0]["text"].startswith(said(locale, "Please check your answers:"))
    assert "Siti 🌸 Rahayu" in review[0]["text"]
    assert "PT Maju Jaya" in review[0]["text"]
    assert buttons(review[0]) == [["review.confirm", "review.edit"], ["cmd:menu"]]
    done = await reporter.press("review.confirm")
    assert len(done) == 1
    text = done[0]["text"]
    reference = text[text.index("MC-") :][:14]
    finish = INTAKE.step("submitted")
    assert text.startswith(said(locale, finish.text).split("{reference}")[0])  # type: ignore[union-attr]
    entity = {"type": "code", "offset": utf16_len(text[: text.index("MC-")]), "length": 14}
    assert done[0]["entities"] == [entity]
    checklist_presses = 4  # redrawn by the turn (editMessageText), not retired
    retired = len(fake.of("editMessageReplyMarkup"))
    assert len(fake.of("answerCallbackQuery")) == retired + checklist_presses
    assert_case_filed(harness, chat, reference, locale)


def assert_case_filed(harness: Harness, chat: int, reference: str, locale: str) -> None:
    """The case, its answers and every file are in the database and the file store."""
    with db.session(harness.core.engine) as session:
        case = session.exec(
            select(models.Case).where(col(models.Case.reference) == reference)
        ).one()
        files = session.exec(
            select(models.Attachment).where(col(models.Attachment.case_id) == case.id)
        ).all()
        conversation = session.get(models.Conversation, case.conversation_id)
    assert conversation is not None
    assert conversation.chat_id == str(chat)
    assert (case.status, case.channel, case.locale) == ("submitted", "telegram", locale)
    assert case.answers["self_name"] == {"text": "Siti 🌸 Rahayu"}
    assert case.answers["self_problem"] == ["GAJI"]
    assert len(case.answers["self_files"]) == 6  # three album photos, document, audio, video
    stored = sorted((f.kind, f.mime_type or "", f.status) for f in files)
    assert stored == [
        ("audio", "audio/mpeg", "stored"),
        ("contact", "", "stored"),
        ("document", "application/pdf", "stored"),
        ("document", "video/mp4", "too_large"),
        ("location", "", "stored"),
        ("photo", "image/jpeg", "stored"),
        ("photo", "image/jpeg", "stored"),
        ("photo", "image/jpeg", "stored"),
        ("video", "video/mp4", "stored"),
        ("voice", "audio/ogg", "stored"),
    ]
    shared = {f.kind: f.shared for f in files if f.kind in ("contact", "location")}
    assert shared == {
        "contact": {"phone": "+85291234567", "is_own": True},
        "location": {"latitude": 22.319303, "longitude": 114.169361},
    }
    for row in files:
        if row.kind in shared:
            assert (row.path, row.sha256, row.size_bytes) == (None, None, 0)
        elif row.status == "stored":
            assert row.path is not None
            assert row.sha256 is not None
            data = harness.core.files.open(row.path)
            assert len(data) == row.size_bytes
            assert row.external_ref is not None
        else:
            assert row.size_bytes == 26214400
            assert row.path is None


@pytest.fixture(params=["id", "en"])
def locale(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


async def test_restart_in_the_middle_loses_nothing(harness: Harness, locale: str) -> None:
    reporter = harness.reporter(locale)
    await answer_opening(reporter, locale)
    await harness.stop()
    await harness.start()
    assert texts(await reporter.say("Kowloon")) == [prompt(locale, "self_help")]
    with db.session(harness.core.engine) as session:
        conversation = session.exec(
            select(models.Conversation).where(
                col(models.Conversation.chat_id) == str(reporter.user_id)
            )
        ).one()
    assert conversation.state["engine"]["answers"]["self_city"] == {"text": "Kowloon"}


async def test_update_recorded_before_a_crash_is_processed_after_restart(
    harness: Harness, locale: str
) -> None:
    reporter = harness.reporter(locale)
    await answer_opening(reporter, locale)
    update = reporter.build.text("Tsuen Wan")
    body = json.dumps(update).encode()
    keys = peek(body)
    recorded = harness.core.inbox.record(  # recorded, then the process died before the turn
        channel=Channel.TELEGRAM,
        external_id=str(keys.update_id),
        chat_id=keys.chat_id,
        payload=body,
    )
    assert recorded is not None
    await harness.stop()
    await harness.start(background=True)  # startup processes what was left pending
    for _ in range(100):
        if reporter.fake.texts(reporter.user_id)[-1] == prompt(locale, "self_help"):
            break
        await asyncio.sleep(0.05)
    assert texts(reporter.new()) == [prompt(locale, "self_help")]
    response = await harness.post(update)  # Telegram delivers it again: nothing happens
    await harness.settle()
    assert response.status_code == 200
    assert reporter.new() == []
