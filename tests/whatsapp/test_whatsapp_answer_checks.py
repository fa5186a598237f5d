"""Checked answers over /webhooks/whatsapp: the re-ask as reply buttons, currencies as a list."""

from __future__ import annotations

import pytest
from wa_harness import Phone, WaApp, choices, words

from bot.i18n import Catalogs
from flows import messages as msg
from flows.intake import SELF_REPORT
from flows.steps import Ask
from flows.vocabulary import Locale
from storage import models

CATALOGS = Catalogs()
MONTHS = next(s for s in SELF_REPORT.steps if isinstance(s, Ask) and s.id == "self_unpaid_months")


def said(locale: str, msgid: str) -> str:
    return CATALOGS.gettext(Locale(locale), msgid)


@pytest.mark.parametrize("locale", ["id", "en"])
async def test_a_re_ask_and_the_currency_list_reach_whatsapp(wa: WaApp, locale: str) -> None:
    phone = Phone(wa, "6281234567001")
    await phone.say("Halo")
    await phone.tap(f"language.{locale}")
    for pressed in ("danger.no", "safe_now.safe", "role.worker", "consent.agree"):
        await phone.tap(pressed)
    await phone.tap("self_country.ID_HOME")
    await phone.tap("self_help.wages")
    await phone.tap("cmd:done")
    await phone.say("1")  # the problems come as numbered text: 1 is unpaid wages
    months = await phone.say("selesai" if locale == "id" else "done")
    assert words(months[-1]) == said(locale, MONTHS.prompt)

    asked = await phone.say("2026")
    assert words(asked[-1]) == said(locale, msg.CHECK_MONTHS).format(count="2026")
    assert asked[-1].body["interactive"]["type"] == "button"
    assert [found for _, found, _ in choices(asked[-1])] == [
        "self_unpaid_months.check_yes",
        "self_unpaid_months.check_no",
    ]
    again = await phone.tap("self_unpaid_months.check_no")
    assert words(again[-1]) == said(locale, MONTHS.prompt)
    await phone.say("2 tahun")

    currency = await phone.say("1500")
    assert words(currency[-1]) == said(locale, msg.CURRENCY_WHICH).format(text="1500")
    assert currency[-1].body["interactive"]["type"] == "list"
    rows = [found.rpartition(".")[2] for _, found, _ in choices(currency[-1])]
    assert rows == [
        "currency_MYR", "currency_HKD", "currency_TWD", "currency_SAR", "currency_SGD",
        "currency_IDR", "currency_USD", "currency_unknown",
    ]  # fmt: skip
    assert all(len(title) <= 24 for _, _, title in choices(currency[-1]))
    await phone.tap("self_wage_amount.currency_MYR")

    conversation = wa.rows(models.Conversation)[0]
    answers = conversation.state["engine"]["answers"]
    assert answers["self_unpaid_months"] == {"text": "2 tahun", "value": 24}
    assert answers["self_wage_amount"] == {
        "text": "1500",
        "value": {"value": "1500", "currency": "MYR"},
    }


@pytest.mark.parametrize("locale", ["id", "en"])
async def test_the_checklist_is_sent_back_after_each_pick(wa: WaApp, locale: str) -> None:
    phone = Phone(wa, "6281234567002")
    await phone.say("Halo")
    await phone.tap(f"language.{locale}")
    for pressed in ("danger.no", "safe_now.safe", "role.worker", "consent.agree"):
        await phone.tap(pressed)
    await phone.tap("self_country.ID_HOME")
    wages, legal = said(locale, "Get my wages"), said(locale, "Legal help")

    ticked = await phone.tap("self_help.wages")
    assert len(ticked) == 1
    assert ticked[-1].body["interactive"]["type"] == "list"
    rows = {found: title for _, found, title in choices(ticked[-1])}
    assert rows["self_help.wages"] == f"✓ {wages}"
    assert "cmd:done" in rows
    assert wages in words(ticked[-1])
    both = {found: title for _, found, title in choices((await phone.tap("self_help.legal"))[-1])}
    assert (both["self_help.wages"], both["self_help.legal"]) == (f"✓ {wages}", f"✓ {legal}")
    untick = await phone.tap("self_help.wages")
    rows = {found: title for _, found, title in choices(untick[-1])}
    assert (rows["self_help.wages"], rows["self_help.legal"]) == (wages, f"✓ {legal}")
    await phone.tap("cmd:done")

    numbered = await phone.say("1, 3")  # the problems come as numbered text
    text = words(numbered[-1])
    assert "1. ✓ " in text
    assert "3. ✓ " in text
    assert "2. ✓ " not in text
    again = await phone.say("3")
    assert "3. ✓ " not in words(again[-1])
    assert words((await phone.say("selesai" if locale == "id" else "done"))[-1]) == said(
        locale, MONTHS.prompt
    )
    answers = wa.rows(models.Conversation)[0].state["engine"]["answers"]
    assert answers["self_help"] == ["legal"]
    assert answers["self_problem"] == ["GAJI"]
