"""The read-back of answers before submitting, and the list of answers that can be changed."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from flows import messages as msg
from flows.registry import Registry
from flows.state import Answer, State
from flows.steps import Ask, Choose, Collect, Question
from flows.vocabulary import Money, ParamValue, PartialDate, Plain, Text

SUMMARY_TEXT_LIMIT = 200


def answered_questions(registry: Registry, state: State) -> list[Question]:
    """Returns the questions answered so far that have a summary label, in flow order."""
    asked = set(state.history)
    return [
        step
        for step in registry.steps.values()
        if isinstance(step, Choose | Ask | Collect)
        and step.summary
        and step.id in asked
        and step.id in state.answers
    ]


def _label(step: Choose, option_id: object) -> Text:
    for option in step.options:
        if option.id == option_id:
            return Text(option.label)
    return Text(msg.SKIPPED)


def _choice(step: Choose, answer: Answer) -> Text | tuple[Text, ...]:
    if isinstance(answer, list):
        return tuple(_label(step, a) for a in answer)
    return _label(step, answer)


def _value(value: object) -> Money | PartialDate | int | None:
    if isinstance(value, dict) and "currency" in value:
        try:
            return Money(Decimal(str(value["value"])), str(value["currency"]))
        except InvalidOperation:
            return None
    if isinstance(value, dict) and "year" in value:
        return PartialDate(int(value["year"]), value.get("month"), value.get("day"))
    return value if isinstance(value, int) else None


def _cut(text: object, limit: int | None) -> Plain:
    words = str(text)
    return Plain(words if limit is None or len(words) <= limit else words[:limit] + "…")


def _text(answer: Answer, limit: int | None, written: str) -> ParamValue:
    """Returns a typed answer: its value beside the words it was read from, or the words alone."""
    if not isinstance(answer, dict):
        return Text(msg.SKIPPED)
    if answer.get("flag") and answer.get("text"):
        return Text(msg.KEPT_AS_WRITTEN_LINE, {"text": _cut(answer["text"], limit)})
    parsed = _value(answer.get("value"))
    words = str(answer.get("text") or "").strip()
    if parsed is not None and words and (isinstance(parsed, Money) or not words.isdigit()):
        return Text(written, {"answer": parsed, "text": _cut(words, limit)})
    if parsed is not None:
        return parsed
    if answer.get("text"):
        return _cut(answer["text"], limit)
    return Text(msg.FILES_COUNT, {"count": len(answer.get("media", []))})


def _shown(step: Question, answer: Answer | None, limit: int | None, written: str) -> ParamValue:
    if answer is None or answer == []:
        return Text(msg.SKIPPED)
    if isinstance(step, Choose):
        return _choice(step, answer)
    if isinstance(step, Collect):
        return Text(msg.FILES_COUNT, {"count": len(answer) if isinstance(answer, list) else 0})
    return _text(answer, limit, written)


def render_answer(step: Question, state: State) -> ParamValue:
    """Returns how one answer is shown back to the reporter (long texts cut short)."""
    return _shown(step, state.answers.get(step.id), SUMMARY_TEXT_LIMIT, msg.AS_WRITTEN_READ_BACK)


def case_answers(
    registry: Registry, answers: Mapping[str, Answer]
) -> list[tuple[Text, ParamValue]]:
    """Returns each answered question of a case with its whole answer, in flow order."""
    return [
        (Text(step.summary or ""), _shown(step, answers[step.id], None, msg.AS_WRITTEN_CASE))
        for step in registry.steps.values()
        if isinstance(step, Choose | Ask | Collect) and step.summary and step.id in answers
    ]


def summary_lines(registry: Registry, state: State) -> list[Text]:
    """Returns one numbered line per answered question."""
    return [
        Text(
            msg.SUMMARY_LINE,
            {
                "number": n,
                "question": Text(step.summary or ""),
                "answer": render_answer(step, state),
            },
        )
        for n, step in enumerate(answered_questions(registry, state), start=1)
    ]
