"""The benches' scripted report is a whole report: every turn answers, the last one submits."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from bot.i18n import Catalogs
from flows.context import Context
from flows.engine import advance
from flows.vocabulary import EventName, InputKind, UserInput

# Appended, not put first: bench/escalation.py must never shadow the escalation package.
sys.path.append(str(Path(__file__).resolve().parents[2] / "bench"))

from report_script import REPORT, START  # noqa: E402


def test_every_scripted_turn_is_understood_and_the_report_is_submitted() -> None:
    context = Context(aliases=Catalogs().aliases())
    state = None
    names: list[list[EventName]] = []
    for n, (kind, value) in enumerate(REPORT):
        at = START + dt.timedelta(seconds=n)
        said = (
            UserInput(kind=InputKind.CHOICE, at=at, choice_id=value)
            if kind == "press"
            else UserInput(kind=InputKind.TEXT, at=at, text=value, locale_hint="en")
        )
        result = advance(state, said, context)
        state = result.state
        names.append([event.name for event in result.events])
    not_understood = [n for n, found in enumerate(names) if EventName.INPUT_NOT_UNDERSTOOD in found]
    assert not_understood == []
    assert EventName.CASE_SUBMITTED in names[-1]
    assert all(EventName.CASE_SUBMITTED not in found for found in names[:-1])
