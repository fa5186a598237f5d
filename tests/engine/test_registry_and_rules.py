"""Flow validation, triage and routing rules."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.facts import case_facts
from flows.registry import INTAKE, FlowError, build
from flows.routing import Office, liaison_offices, route
from flows.state import State
from flows.steps import Ask, ByAnswer, Choose, Finish, Flow, Option, When
from flows.triage import level, raise_only, respond_by
from flows.vocabulary import Status, Urgency

END = Finish(id="end", text="Bye.", status=Status.STOPPED)


def flow(*steps: object) -> Flow:
    return Flow(id="t", title="Test", start="a", steps=(*steps, END))  # type: ignore[arg-type]


def test_the_intake_is_valid_and_every_step_is_reachable() -> None:
    assert len(INTAKE.steps) > 40
    assert INTAKE.start == "language"


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        (
            (Ask(id="a", prompt="A?", next="end"), Ask(id="a", prompt="B?", next="end")),
            "used twice",
        ),
        ((Ask(id="a", prompt="A?", next="nowhere"),), "unknown step 'nowhere'"),
        (
            (Ask(id="a", prompt="A?", next="end"), Ask(id="b", prompt="B?", next="end")),
            "'b' cannot be reached",
        ),
        ((Ask(id="a", prompt="A?", next="a"),), "no end can be reached from 'a'"),
        ((Ask(id="a", prompt="A?", next="end", parser="horoscope"),), "unknown parser"),
        ((Choose(id="a", prompt="A?", options=(Option("x", "X"),)),), "leads nowhere"),
        (
            (Ask(id="a", prompt="A?", next="end", when=When("end", ("x",))),),
            "which is not a choice",
        ),
        (
            (
                Choose(
                    id="a",
                    prompt="A?",
                    options=(Option("x", "X"),),
                    next=ByAnswer("a", {"x": "zz"}, "end"),
                ),
            ),
            "unknown step 'zz'",
        ),
    ],
)
def test_invalid_flows_are_refused_with_the_reason(steps: tuple[object, ...], problem: str) -> None:
    with pytest.raises(FlowError, match=problem):
        build([flow(*steps)], start="a")


@pytest.mark.parametrize(
    ("triggers", "categories", "expected"),
    [
        ((), (), Urgency.P3),
        ((), ("JAMSOS",), Urgency.P3),
        ((), ("GAJI",), Urgency.P2),
        ((), ("TAHAN",), Urgency.P1),
        (("danger_now",), (), Urgency.P0),
        (("no_own_phone",), ("GAJI",), Urgency.P1),
        (("no_own_phone", "pregnant"), ("GAJI",), Urgency.P1),
        (("cannot_reply_later",), ("TPPO",), Urgency.P0),
        (("arrested", "self_harm"), (), Urgency.P0),
    ],
)
def test_triage_levels(
    triggers: tuple[str, ...], categories: tuple[str, ...], expected: Urgency
) -> None:
    assert level(triggers, categories) is expected


def test_raise_only_never_lowers() -> None:
    assert raise_only(Urgency.P0, Urgency.P3) is Urgency.P0
    assert raise_only(Urgency.P2, Urgency.P1) is Urgency.P1
    assert raise_only(None, Urgency.P3) is Urgency.P3


def test_response_targets() -> None:
    now = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    assert respond_by(Urgency.P0, now) - now == dt.timedelta(hours=1)
    assert respond_by(Urgency.P3, now) - now == dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("regency", "expected"),
    [
        ("Indramayu", (Office.INDRAMAYU,)),
        ("kab. cirebon", (Office.INDRAMAYU,)),
        ("Kabupaten Banyumas", (Office.KEBUMEN,)),
        ("Wonosobo", (Office.KEBUMEN, Office.SARI_SOLO)),
        ("LUMAJANG", (Office.JEMBER,)),
        ("Banyuwangi", (Office.BANYUWANGI,)),
        ("Malang", (Office.JEMBER,)),
        ("Lombok Timur", (Office.PANCA_KARSA, Office.JAKARTA)),
        ("Lembata", (Office.YKS_LEMBATA, Office.JAKARTA)),
        ("Medan", (Office.JAKARTA,)),
        (None, (Office.JAKARTA,)),
    ],
)
def test_liaison_by_home_regency(regency: str | None, expected: tuple[Office, ...]) -> None:
    assert liaison_offices(regency) == expected


def test_routing_malaysia_leads_in_kuala_lumpur_and_copies_jakarta_when_urgent() -> None:
    calm = route(country="MY", regency="Jember", categories=("GAJI",), urgency=Urgency.P2)
    assert (calm.lead, calm.liaison, calm.copies) == (Office.KUALA_LUMPUR, Office.JEMBER, ())
    urgent = route(country="MY", regency="Jember", categories=("GAJI",), urgency=Urgency.P1)
    assert urgent.copies == (Office.JAKARTA,)


def test_routing_in_indonesia_the_liaison_leads_and_jakarta_supports() -> None:
    way = route(country="ID_PRE", regency="Kebumen", categories=("REKRUT",), urgency=Urgency.P2)
    assert (way.lead, way.liaison, way.copies) == (
        Office.KEBUMEN,
        Office.KEBUMEN,
        (Office.JAKARTA,),
    )


def test_routing_copies_jakarta_on_trafficking_and_fishers() -> None:
    way = route(country="MY", regency="Lembata", categories=("ABK",), urgency=Urgency.P2)
    assert way.lead is Office.KUALA_LUMPUR
    assert set(way.copies) == {Office.JAKARTA}


def test_case_facts_read_typed_other_country_and_regency() -> None:
    state = State(
        step_id="review",
        answers={
            "role": "family",
            "fam_country": "OTHER",
            "fam_country_other": {"text": "Brunei"},
            "fam_regency": "OTHER",
            "fam_regency_other": {"text": "kab. garut"},
            "fam_problem": ["HILANG", "GAJI"],
        },
    )
    facts = case_facts(state)
    assert facts.destination_country == "OTHER:Brunei"
    assert facts.home_regency == "Garut"
    assert facts.liaison_office == "indramayu"
    assert facts.lead_office == "jakarta"
    assert facts.categories == ("HILANG", "GAJI")
    assert facts.primary_category == "HILANG"
    assert facts.urgency is Urgency.P2
