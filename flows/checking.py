"""Checking a typed answer against what its step expects, with one re-ask when it looks wrong.

The parsers read words; whether what they read is plausible belongs to the question (months
unpaid, the start of a problem, an amount owed), so each typed step declares it (`steps.MonthRange`,
`steps.DateWindow`, `steps.NeedsCurrency`) and this module holds the engine's side of it. An
answer that is read but not plausible is said back once ("Did you mean 2026 months?"); when the
reporter insists, the words are kept as written with a flag for the caseworker and no number, so
nothing wrong is stored. "Today" is the input's moment: nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from flows import messages as msg
from flows.parsers import named_currency, normalise, parse_amount, parse_date, parse_yes_no
from flows.parsers.durations import (
    lebaran_months,
    parse_months,
    recent_lebarans,
    unclear_holiday,
)
from flows.state import Pending
from flows.steps import Ask, DateWindow, MonthRange, NeedsCurrency
from flows.turn import Draft, button, command, prompt
from flows.vocabulary import (
    Button,
    CheckButton,
    Command,
    EventName,
    Flag,
    Money,
    PartialDate,
    Plain,
    Reply,
    Text,
    UserInput,
)

CHECKS = (Pending.CONFIRM_ANSWER, Pending.CURRENCY, Pending.LEBARAN_YEAR)


CURRENCY_BUTTONS = {
    "MYR": msg.BUTTON_CURRENCY_MYR,
    "HKD": msg.BUTTON_CURRENCY_HKD,
    "TWD": msg.BUTTON_CURRENCY_TWD,
    "SAR": msg.BUTTON_CURRENCY_SAR,
    "SGD": msg.BUTTON_CURRENCY_SGD,
    "IDR": msg.BUTTON_CURRENCY_IDR,
    "USD": msg.BUTTON_CURRENCY_USD,
}
_YEAR = re.compile(r"\b(20\d\d)\b")
Answer = dict[str, Any]


def checked_answer(draft: Draft, step: Ask, inp: UserInput) -> Answer | None:
    """Returns the answer to store when the input is a plausible one; else asks and returns None."""
    waiting = draft.state.unconfirmed or {}
    if draft.state.pending in CHECKS and waiting.get("step") == step.id:
        return _reply(draft, step, inp, waiting)
    if draft.state.pending in CHECKS:
        draft.update(pending=None, unconfirmed=None)
    return _fresh(draft, step, inp.text)


def _fresh(draft: Draft, step: Ask, text: str) -> Answer | None:
    """Reads a new answer and checks it against the step."""
    if not text.strip():
        _again(draft, step, msg.NOT_UNDERSTOOD_TEXT, reprompt=True)
        return None
    today = draft.at.date()
    expects = step.expects
    if isinstance(expects, MonthRange):
        return _months(draft, step, expects, text, today)
    if isinstance(expects, DateWindow):
        return _date(draft, step, expects, text, today)
    assert isinstance(expects, NeedsCurrency), "the registry checks every typed step expects one"
    return _amount(draft, step, expects, text)


def _again(draft: Draft, step: Ask, sentence: str | None, *, reprompt: bool = False) -> None:
    """Says the answer was not understood (or just asks again when there is no sentence)."""
    if sentence is not None:
        draft.emit(EventName.INPUT_NOT_UNDERSTOOD, step=step.id)
        skip = (command(Command.SKIP, msg.BUTTON_SKIP),) if step.skippable and not reprompt else ()
        draft.say(Text(sentence), buttons=skip)
    if sentence is None or reprompt:
        prompt(draft, step)


def _question(
    draft: Draft, pending: Pending, waiting: Answer, reply: Reply, reason: str
) -> Answer | None:
    """Holds the answer back and asks the reporter about it."""
    draft.update(pending=pending, unconfirmed=waiting)
    draft.emit(EventName.ANSWER_QUESTIONED, step=waiting["step"], reason=reason)
    draft.replies.append(reply)
    return None


def _kept(draft: Draft, answer: Answer) -> Answer:
    """Releases a held answer to be stored; says so when it is kept only as written."""
    draft.update(pending=None, unconfirmed=None)
    if "flag" in answer:
        draft.emit(EventName.ANSWER_FLAGGED, step=draft.state.step_id, flag=answer["flag"])
        draft.say(Text(msg.KEPT_AS_WRITTEN))
    return answer


def _yes_no(step: Ask) -> tuple[Button, ...]:
    return (
        button(step.id, CheckButton.YES, msg.BUTTON_YES),
        button(step.id, CheckButton.NO, msg.BUTTON_NO),
    )


def _months(
    draft: Draft, step: Ask, expects: MonthRange, text: str, today: dt.date
) -> Answer | None:
    """Checks a duration in months; a Lebaran without a year asks which one."""
    years = recent_lebarans(today)
    if unclear_holiday(text) and years:
        buttons = tuple(
            Button(
                id=f"{step.id}.{CheckButton.LEBARAN}_{year}",
                label=Text(msg.BUTTON_LEBARAN, {"year": Plain(str(year))}),
            )
            for year in years
        )
        reply = Reply(lines=(Text(msg.LEBARAN_WHICH),), buttons=buttons)
        return _question(
            draft, Pending.LEBARAN_YEAR, {"step": step.id, "text": text}, reply, "which_year"
        )
    value = parse_months(text, today)
    if value is None:
        _again(draft, step, step.retry or msg.NOT_UNDERSTOOD_TEXT)
        return None
    return _in_range(draft, step, expects, {"text": text, "value": value})


def _in_range(draft: Draft, step: Ask, expects: MonthRange, answer: Answer) -> Answer | None:
    """Keeps a count of months inside the step's range; questions one outside it."""
    value = answer["value"]
    if expects.accepts(value, draft.at.date()):
        return _kept(draft, answer)
    reply = Reply(
        lines=(Text(msg.CHECK_MONTHS, {"count": Plain(str(value))}),), buttons=_yes_no(step)
    )
    waiting = {"step": step.id, **answer}
    return _question(draft, Pending.CONFIRM_ANSWER, waiting, reply, "out_of_range")


def _date(draft: Draft, step: Ask, expects: DateWindow, text: str, today: dt.date) -> Answer | None:
    """Checks a date: never after today, and questioned when older than the window."""
    value = parse_date(text, today)
    if value is None:
        later = parse_date(text, dt.date(today.year + 100, 12, 31))
        future = later is not None and _start(later) > today
        _again(draft, step, msg.CHECK_FUTURE if future else (step.retry or msg.NOT_UNDERSTOOD_TEXT))
        return None
    answer = {"text": text, "value": value}
    if expects.accepts(value, today):
        return _kept(draft, answer)
    shown = PartialDate(int(value["year"] or 0), value["month"], value["day"])
    reply = Reply(lines=(Text(msg.CHECK_DATE, {"date": shown}),), buttons=_yes_no(step))
    waiting = {"step": step.id, **answer}
    return _question(draft, Pending.CONFIRM_ANSWER, waiting, reply, "out_of_window")


def _start(parts: dict[str, int | None]) -> dt.date:
    return dt.date(parts["year"] or 1, parts["month"] or 1, parts["day"] or 1)


def _amount(draft: Draft, step: Ask, expects: NeedsCurrency, text: str) -> Answer | None:
    """Keeps an amount with its currency; one without is asked for it (the country's first)."""
    amount = parse_amount(text)
    if amount is None:
        _again(draft, step, step.retry or msg.NOT_UNDERSTOOD_TEXT)
        return None
    if amount["currency"]:
        return _kept(draft, {"text": text, "value": amount})
    offer = expects.by_country.get(str(draft.state.answers.get(expects.country_step)))
    waiting = {"step": step.id, "text": text, "number": amount["value"], "offer": offer}
    return _ask_currency(draft, step, waiting)


def _ask_currency(draft: Draft, step: Ask, waiting: Answer) -> Answer | None:
    """Asks which currency a bare number is in, offering the country's currency to confirm."""
    written = Plain(str(waiting["text"]))
    unknown = button(step.id, CheckButton.UNKNOWN_CURRENCY, msg.BUTTON_CURRENCY_UNKNOWN)
    offer = waiting.get("offer")
    if offer:
        money = Money(Decimal(str(waiting["number"])), str(offer))
        reply = Reply(
            lines=(Text(msg.CURRENCY_CONFIRM, {"text": written, "amount": money}),),
            buttons=(
                button(step.id, CheckButton.YES, msg.BUTTON_YES),
                button(step.id, CheckButton.OTHER_CURRENCY, msg.BUTTON_OTHER_CURRENCY),
                unknown,
            ),
        )
    else:
        currencies = tuple(
            button(step.id, f"{CheckButton.CURRENCY}_{code}", label)
            for code, label in CURRENCY_BUTTONS.items()
        )
        reply = Reply(
            lines=(Text(msg.CURRENCY_WHICH, {"text": written}),), buttons=(*currencies, unknown)
        )
    return _question(draft, Pending.CURRENCY, waiting, reply, "no_currency")


def _pressed(step: Ask, inp: UserInput) -> str | None:
    """Returns the re-ask button pressed for this step, without the step id."""
    prefix, _, pressed = (inp.choice_id or "").rpartition(".")
    return pressed if prefix == step.id else None


def _reply(draft: Draft, step: Ask, inp: UserInput, waiting: Answer) -> Answer | None:
    """Takes the reporter's reply to a re-ask."""
    pressed = _pressed(step, inp)
    if draft.state.pending is Pending.CURRENCY:
        return _currency_reply(draft, step, inp, pressed, waiting)
    if draft.state.pending is Pending.LEBARAN_YEAR:
        return _lebaran_reply(draft, step, inp, pressed, waiting)
    said = pressed or parse_yes_no(inp.text)
    if said in (CheckButton.YES, "yes") or _same(inp.text, waiting["text"]):
        return _kept(draft, {"text": waiting["text"], "flag": Flag.CONFIRMED_UNLIKELY.value})
    if said in (CheckButton.NO, "no"):
        prompt(draft, step)
        return None
    return _fresh(draft, step, inp.text)


def _same(text: str, before: str) -> bool:
    return bool(text.strip()) and normalise(text) == normalise(before)


def _currency_reply(
    draft: Draft, step: Ask, inp: UserInput, pressed: str | None, waiting: Answer
) -> Answer | None:
    """Takes a currency (pressed, typed or confirmed) for the number held back."""
    said = pressed or parse_yes_no(inp.text)
    code = (pressed or "").removeprefix(f"{CheckButton.CURRENCY}_")
    if pressed and code in CURRENCY_BUTTONS:
        return _priced(draft, waiting, code)
    if said in (CheckButton.YES, "yes") and waiting.get("offer"):
        return _priced(draft, waiting, str(waiting["offer"]))
    if said in (CheckButton.UNKNOWN_CURRENCY, "unsure"):
        return _kept(draft, {"text": waiting["text"], "flag": Flag.CURRENCY_UNKNOWN.value})
    if said in (CheckButton.OTHER_CURRENCY, "no"):
        return _ask_currency(draft, step, {**waiting, "offer": None})
    typed = named_currency(inp.text)
    if typed and parse_amount(inp.text) is None:
        return _priced(draft, waiting, typed)
    return _fresh(draft, step, inp.text)


def _priced(draft: Draft, waiting: Answer, currency: str) -> Answer:
    value = {"value": str(waiting["number"]), "currency": currency}
    return _kept(draft, {"text": waiting["text"], "value": value})


def _lebaran_reply(
    draft: Draft, step: Ask, inp: UserInput, pressed: str | None, waiting: Answer
) -> Answer | None:
    """Takes the year of the Lebaran the reporter meant."""
    today = draft.at.date()
    typed = _YEAR.search(normalise(inp.text))
    year_text = (pressed or "").removeprefix(f"{CheckButton.LEBARAN}_") if pressed else None
    year = int(year_text) if year_text and year_text.isdigit() else None
    year = year or (int(typed[1]) if typed else None)
    months = lebaran_months(year, today) if year else parse_months(f"lebaran {inp.text}", today)
    if months is None:
        return _fresh(draft, step, inp.text)
    assert isinstance(step.expects, MonthRange)
    answer = {"text": waiting["text"], "value": months, **({"lebaran": year} if year else {})}
    return _in_range(draft, step, step.expects, answer)
