"""A multiple choice on Telegram is one message whose keyboard is redrawn as options are pressed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from test_telegram_reports import answer_opening, prompt, said, texts
from tg_harness import Harness, Reporter

from flows import messages as msg
from storage import db, models


@pytest.fixture(params=["id", "en"])
def locale(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


async def press_on(reporter: Reporter, data: str, message: dict[str, Any]) -> list[dict[str, Any]]:
    """Presses a button on a given message (the calls that sent it may be forgotten)."""
    return await reporter.do(reporter.build.press(data, message))


def labels(params: dict[str, Any]) -> dict[str, str]:
    rows = params.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["callback_data"]: b["text"] for row in rows for b in row}


async def test_pressing_an_option_twice_leaves_it_unchosen(harness: Harness, locale: str) -> None:
    fake, reporter = harness.fake, harness.reporter(locale)
    await answer_opening(reporter, locale)
    assert texts(await reporter.say("Mong Kok")) == [prompt(locale, "self_help")]
    checklist = reporter.shown("self_help.wages")
    wages, legal = said(locale, "Get my wages"), said(locale, "Legal help")
    fake.clear()

    assert await press_on(reporter, "self_help.wages", checklist) == []
    assert await press_on(reporter, "self_help.legal", checklist) == []
    assert await press_on(reporter, "self_help.wages", checklist) == []
    edits = fake.of("editMessageText")
    assert [int(c.params["message_id"]) for c in edits] == [checklist["message_id"]] * 3
    first, second, third = (labels(c.params) for c in edits)
    assert first["self_help.wages"] == f"✓ {wages}"
    assert (second["self_help.wages"], second["self_help.legal"]) == (f"✓ {wages}", f"✓ {legal}")
    assert (third["self_help.wages"], third["self_help.legal"]) == (wages, f"✓ {legal}")
    assert all("cmd:done" in keys for keys in (first, second, third))
    assert fake.of("editMessageReplyMarkup") == []
    assert len(fake.of("answerCallbackQuery")) == 3

    assert texts(await press_on(reporter, "cmd:done", checklist)) == [
        prompt(locale, "self_problem")
    ]
    closed = fake.of("editMessageText")[-1].params
    assert int(closed["message_id"]) == checklist["message_id"]
    assert "reply_markup" not in closed
    assert said(locale, msg.MULTI_CHOSEN).format(chosen=legal) in closed["text"]

    with db.session(harness.core.engine) as session:
        conversation = session.exec(select(models.Conversation)).one()
    assert conversation.state["engine"]["answers"]["self_help"] == ["legal"]


async def test_an_empty_done_asks_again_on_the_same_message(harness: Harness, locale: str) -> None:
    fake, reporter = harness.fake, harness.reporter(locale)
    await answer_opening(reporter, locale)
    await reporter.say("Mong Kok")
    checklist = reporter.shown("cmd:done")
    fake.clear()
    assert await press_on(reporter, "cmd:done", checklist) == []
    again = fake.of("editMessageText")[-1].params
    assert int(again["message_id"]) == checklist["message_id"]
    assert said(locale, msg.MULTI_NONE) in again["text"]
    assert "cmd:done" in labels(again)


async def test_typed_numbers_tick_and_a_typed_done_ends(harness: Harness, locale: str) -> None:
    reporter = harness.reporter(locale)
    await answer_opening(reporter, locale)
    await reporter.say("Mong Kok")
    shown = await reporter.say("1, 4")
    assert len(shown) == 1
    keys = labels(shown[0])
    assert keys["self_help.go_home"].startswith("✓ ")
    assert keys["self_help.legal"].startswith("✓ ")
    assert not keys["self_help.wages"].startswith("✓ ")
    done = "selesai" if locale == "id" else "done"
    assert texts(await reporter.say(done)) == [prompt(locale, "self_problem")]
    with db.session(harness.core.engine) as session:
        conversation = session.exec(select(models.Conversation)).one()
    assert conversation.state["engine"]["answers"]["self_help"] == ["go_home", "legal"]
