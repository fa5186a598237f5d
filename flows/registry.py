"""The registry of flows, checked when built: ids unique, targets exist, every step reachable."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from flows.compiled import Tables, compile_steps
from flows.intake import CLOSING, EMERGENCY, FAMILY, OPENING, SELF_REPORT
from flows.parsers import PARSERS
from flows.steps import (
    Ask,
    Choose,
    DateWindow,
    Finish,
    Flow,
    MonthRange,
    NeedsCurrency,
    Step,
    successors,
)


class FlowError(ValueError):
    """A flow definition breaks a rule; the message lists every problem found."""


@dataclass(frozen=True)
class Registry:
    """All flows, every step by its id, and the lookup tables compiled from them."""

    flows: tuple[Flow, ...]
    steps: Mapping[str, Step]
    flow_of: Mapping[str, Flow]
    start: str
    tables: Tables

    def step(self, step_id: str) -> Step:
        """Returns the step with this id."""
        return self.steps[step_id]


def _problems(flows: Iterable[Flow], start: str) -> Iterator[str]:
    steps: dict[str, Step] = {}
    for flow in flows:
        for step in flow.steps:
            if step.id in steps:
                yield f"step id {step.id!r} is used twice"
            steps[step.id] = step
    for step in steps.values():
        yield from _step_problems(step, steps)
    reachable = _reachable(start, steps)
    yield from (f"step {s!r} cannot be reached" for s in steps if s not in reachable)
    ending = _can_end(steps)
    yield from (f"no end can be reached from {s!r}" for s in steps if s not in ending)


def _step_problems(step: Step, steps: Mapping[str, Step]) -> Iterator[str]:
    for target in successors(step):
        if target not in steps:
            yield f"step {step.id!r} leads to unknown step {target!r}"
    if isinstance(step, Choose):
        for option in step.options:
            if option.next is None and step.next is None:
                yield f"option {option.id!r} of {step.id!r} leads nowhere"
        if (step.skippable or step.when) and step.next is None:
            yield f"step {step.id!r} can be skipped but has no next step"
        if step.other and not isinstance(steps.get(step.other[1]), Ask):
            yield f"step {step.id!r} sends other answers to {step.other[1]!r}, not a question"
        if step.other and step.other[0] not in {o.id for o in step.options}:
            yield f"step {step.id!r} has no option {step.other[0]!r}"
    if isinstance(step, Ask) and step.parser and step.parser not in PARSERS:
        yield f"step {step.id!r} names unknown parser {step.parser!r}"
    if isinstance(step, Ask):
        yield from _expectation_problems(step, steps)
    when = getattr(step, "when", None)
    if when is not None and not isinstance(steps.get(when.step), Choose):
        yield f"step {step.id!r} depends on {when.step!r}, which is not a choice"


EXPECTATION_OF_PARSER = {"months": MonthRange, "date": DateWindow, "amount": NeedsCurrency}
"""Which plausibility a typed step with each parser declares (the engine checks it)."""


def _expectation_problems(step: Ask, steps: Mapping[str, Step]) -> Iterator[str]:
    wanted = EXPECTATION_OF_PARSER.get(step.parser or "")
    if wanted is None and step.parser not in (None, "yes_no"):
        yield f"step {step.id!r} reads {step.parser}, which has no plausibility check to declare"
    if wanted is None and step.expects is not None:
        yield f"step {step.id!r} declares what it expects but reads no months, date or amount"
    elif wanted is not None and not isinstance(step.expects, wanted):
        yield f"step {step.id!r} reads {step.parser} but does not declare a {wanted.__name__}"
    country = step.expects.country_step if isinstance(step.expects, NeedsCurrency) else None
    if country is not None and not isinstance(steps.get(country), Choose):
        yield f"step {step.id!r} takes its currency from {country!r}, which is not a choice"
    if isinstance(step.expects, MonthRange) and not 0 <= step.expects.low <= step.expects.high:
        yield f"step {step.id!r} has an empty or negative month range"


def _reachable(start: str, steps: Mapping[str, Step]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current in seen or current not in steps:
            continue
        seen.add(current)
        todo.extend(successors(steps[current]))
    return seen


def _can_end(steps: Mapping[str, Step]) -> set[str]:
    ending = {s for s, step in steps.items() if isinstance(step, Finish)}
    changed = True
    while changed:
        changed = False
        for step_id, step in steps.items():
            if step_id not in ending and any(t in ending for t in successors(step)):
                ending.add(step_id)
                changed = True
    return ending


def build(flows: Iterable[Flow], start: str) -> Registry:
    """Returns a registry of the flows, or raises FlowError listing every problem."""
    flows = tuple(flows)
    problems = list(_problems(flows, start))
    if problems:
        raise FlowError("; ".join(problems))
    steps = {step.id: step for flow in flows for step in flow.steps}
    flow_of = {step.id: flow for flow in flows for step in flow.steps}
    tables = compile_steps(steps.values())
    return Registry(flows=flows, steps=steps, flow_of=flow_of, start=start, tables=tables)


INTAKE = build((OPENING, EMERGENCY, SELF_REPORT, FAMILY, CLOSING), start=OPENING.start)
"""The intake every conversation runs, validated at import."""
