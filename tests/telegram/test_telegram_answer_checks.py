"""Checked answers over the webhook: the re-ask and the currency question carry their buttons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select
from test_telegram_reports import answer_opening, buttons, prompt, said, texts
from tg_harness import Harness

from bot.i18n import Catalogs, Renderer
from flows import messages as msg
from flows.vocabulary import Locale, Money, Plain, Text
from storage import db, models

CATALOGS = Catalogs()


@pytest.fixture(params=["id", "en"])
def locale(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


def ids(message: dict[str, Any]) -> list[str]:
    return [data for row in buttons(message) for data in row]


async def test_an_implausible_count_and_a_bare_amount_are_asked_about(
    harness: Harness, locale: str
) -> None:
    reporter = harness.reporter(locale)
    await answer_opening(reporter, locale)
    await reporter.say("Mong Kok")
    await reporter.press("self_help.wages")
    await reporter.press("cmd:done")
    await reporter.press("self_problem.GAJI")
    assert texts(await reporter.press("cmd:done")) == [prompt(locale, "self_unpaid_months")]

    asked = await reporter.say("2026")
    assert texts(asked) == [said(locale, msg.CHECK_MONTHS).format(count="2026")]
    assert ids(asked[0]) == ["self_unpaid_months.check_yes", "self_unpaid_months.check_no"]
    kept = await reporter.press("self_unpaid_months.check_yes")
    assert texts(kept) == [said(locale, msg.KEPT_AS_WRITTEN), prompt(locale, "self_wage_amount")]

    currency = await reporter.say("4500")
    renderer = Renderer(CATALOGS, Locale(locale), "Asia/Hong_Kong", {})
    offered = Text(
        msg.CURRENCY_CONFIRM, {"text": Plain("4500"), "amount": Money(Decimal(4500), "HKD")}
    )
    assert texts(currency) == [renderer.text(offered)]
    assert ids(currency[0]) == [
        "self_wage_amount.check_yes",
        "self_wage_amount.currency_other",
        "self_wage_amount.currency_unknown",
    ]
    assert texts(await reporter.press("self_wage_amount.check_yes")) == [
        prompt(locale, "self_story")
    ]

    with db.session(harness.core.engine) as session:
        conversation = session.exec(select(models.Conversation)).one()
    answers = conversation.state["engine"]["answers"]
    assert answers["self_unpaid_months"] == {"text": "2026", "flag": "confirmed_unlikely"}
    assert answers["self_wage_amount"] == {
        "text": "4500",
        "value": {"value": "4500", "currency": "HKD"},
    }
