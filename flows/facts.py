"""The typed facts of a case, read from the answers: role, categories, place and route."""

from __future__ import annotations

from dataclasses import dataclass

from flows.routing import COUNTRY_TIMEZONES, find_province, route
from flows.state import State
from flows.triage import level
from flows.vocabulary import Urgency

PROBLEM_STEPS = ("self_problem", "fam_problem")
COUNTRY_STEPS = ("self_country", "fam_country", "emergency_country")
REGENCY_STEPS = ("self_regency", "fam_regency")


@dataclass(frozen=True)
class CaseFacts:
    """What a caseworker filters and routes on; no free text, no names."""

    reporter_role: str | None
    categories: tuple[str, ...]
    primary_category: str | None
    urgency: Urgency
    triggers: tuple[str, ...]
    destination_country: str | None
    home_regency: str | None
    lead_office: str
    liaison_office: str
    copy_offices: tuple[str, ...]
    timezone: str


def categories(state: State) -> tuple[str, ...]:
    """Returns the problem codes chosen so far, first chosen first."""
    found: list[str] = []
    for step_id in PROBLEM_STEPS:
        answer = state.answers.get(step_id)
        if isinstance(answer, list):
            found.extend(str(a) for a in answer)
    if any(t == "at_sea" for t in state.triggers):
        found.append("ABK")
    return tuple(dict.fromkeys(found))


def _first(state: State, steps: tuple[str, ...]) -> tuple[str, str | None] | None:
    for step_id in steps:
        answer = state.answers.get(step_id)
        if isinstance(answer, str):
            typed = state.answers.get(f"{step_id}_other")
            return answer, str(typed["text"]) if isinstance(typed, dict) and typed.get(
                "text"
            ) else None
    return None


def country(state: State) -> str | None:
    """Returns the destination country code, or the typed name for another country."""
    found = _first(state, COUNTRY_STEPS)
    if found is None:
        return None
    code, typed = found
    return f"OTHER:{typed}" if code == "OTHER" and typed else code


def regency(state: State) -> str | None:
    """Returns the home regency, canonical when Suara knows it, else as typed."""
    found = _first(state, REGENCY_STEPS)
    if found is None:
        return None
    code, typed = found
    name = typed if code == "OTHER" else code
    known = find_province(name)
    return known[1] if known else name


def case_facts(state: State) -> CaseFacts:
    """Returns the routing and triage facts of the conversation's case."""
    cats = categories(state)
    urgency = state.urgency or level(state.triggers, cats)
    place, home = country(state), regency(state)
    way = route(country=place, regency=home, categories=cats, urgency=urgency)
    role = state.answers.get("role")
    return CaseFacts(
        reporter_role=str(role) if role else None,
        categories=cats,
        primary_category=cats[0] if cats else None,
        urgency=urgency,
        triggers=state.triggers,
        destination_country=place,
        home_regency=home,
        lead_office=way.lead.value,
        liaison_office=way.liaison.value,
        copy_offices=tuple(o.value for o in way.copies),
        timezone=COUNTRY_TIMEZONES.get(place or "", "Asia/Jakarta"),
    )
