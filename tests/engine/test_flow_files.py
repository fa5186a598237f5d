"""The flow data files: read into the typed steps the engine runs, and refused loudly when wrong."""

from __future__ import annotations

import tomllib
from importlib.resources import files

import pytest

from flows import intake
from flows.loading import FlowFileError, check_targets, read_flow, read_option_lists, texts
from flows.steps import Ask, ByAnswer, Choose, Finish, NeedsCurrency, Option, When
from flows.vocabulary import EventName, Status

LISTS = read_option_lists(
    """
    yes_no = [{ id = "yes", label = "Yes" }, { id = "no", label = "No" }]
    answers = [{ include = "yes_no" }, { id = "unsure", label = "Not sure" }]
    """,
    "lists.toml",
)
STEP_TEXTS = ("prompt", "text", "summary", "question", "retry")
HEAD = 'id = "t"\ntitle = "Test"\nstart = "a"\n'
END = '[[steps]]\nkind = "finish"\nid = "end"\ntext = "Bye."\nstatus = "stopped"\n'


def test_a_flow_file_becomes_the_steps_the_engine_runs() -> None:
    flow = read_flow(
        HEAD
        + """
        [[steps]]
        kind = "choose"
        id = "a"
        prompt = "Safe?"
        options = [{ include = "answers", leave_out = ["no"] }]
        next.by_answer = "a"
        next.targets = { yes = "b" }
        next.default = "end"

        [[steps]]
        kind = "ask"
        id = "b"
        prompt = \"\"\"\\
        How much? \\
        Optional.\"\"\"
        next = "end"
        parser = "amount"
        when = { step = "a", any_of = ["yes"] }
        expects = { kind = "needs_currency", country_step = "a", by_country = { MY = "MYR" } }
        """
        + END,
        "t.toml",
        LISTS,
    )
    assert flow.steps == (
        Choose(
            id="a",
            prompt="Safe?",
            options=(Option("yes", "Yes"), Option("unsure", "Not sure")),
            next=ByAnswer("a", {"yes": "b"}, "end"),
        ),
        Ask(
            id="b",
            prompt="How much? Optional.",
            next="end",
            parser="amount",
            when=When("a", ("yes",)),
            expects=NeedsCurrency(country_step="a", by_country={"MY": "MYR"}),
        ),
        Finish(id="end", text="Bye.", status=Status.STOPPED),
    )


def test_options_carry_their_consent_triggers_and_events() -> None:
    flow = read_flow(
        HEAD
        + """
        [[steps]]
        kind = "choose"
        id = "a"
        prompt = "Danger?"
        next = "end"

        [[steps.options]]
        id = "yes"
        label = "Yes"
        triggers = ["danger_now"]
        consent = ["case_handling", "given"]
        emits = "emergency_opened"
        """
        + END,
        "t.toml",
        LISTS,
    )
    choice = flow.steps[0]
    assert isinstance(choice, Choose)
    (option,) = choice.options
    assert option == Option(
        "yes",
        "Yes",
        triggers=("danger_now",),
        consent=("case_handling", "given"),
        emits=EventName.EMERGENCY_OPENED,
    )


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        ('kind = "quiz"\nid = "a"\nprompt = "A?"', "t.toml, step 'a': unknown step kind 'quiz'"),
        ('kind = "ask"\nid = "a"\nprompt = "A?"\nnext = "end"\ncolour = "red"', "field 'colour'"),
        ('kind = "ask"\nid = "a"\nprompt = "A?"\nnext = "end"\noptions = "answers"', "'options'"),
        ('kind = "ask"\nid = "a"\nnext = "end"', "t.toml, step 'a': a required field is missing"),
        ('kind = "ask"\nid = "a"\nprompt = "A?"\nnext = "end"\nskippable = "yes"', "true or false"),
        ('kind = "ask"\nid = "a"\nprompt = 3\nnext = "end"', "step 'a', prompt: expected text"),
        ('kind = "finish"\nid = "a"\ntext = "Bye."\nstatus = "gone"', "'gone' is not one of"),
        ('kind = "ask"\nid = "a"\nprompt = "A?"\nnext = "end"\nexpects = { kind = "x" }', "'x'"),
        ('kind = "choose"\nid = "a"\nprompt = "A?"\noptions = "colours"', "list 'colours'"),
        (
            'kind = "ask"\nid = "a"\nprompt = "A?"\nnext = "end"\nparser = "months"\n'
            'expects = { kind = "month_range", low = "0", high = 12 }',
            "step 'a', expects.low: expected a whole number",
        ),
        (
            'kind = "choose"\nid = "a"\nprompt = "A?"\noptions = [{ id = "x", label = "", y = 1 }]',
            "step 'a', option 'x': unknown field 'y'",
        ),
        ('kind = "ask"\nid = "a"\nprompt = "A?"\nnext = { by_answer = "a" }', "needs by_answer"),
    ],
)
def test_a_wrong_step_fails_at_load_naming_the_file_and_the_step(step: str, problem: str) -> None:
    with pytest.raises(FlowFileError) as refused:
        read_flow(f"{HEAD}\n[[steps]]\n{step}\n\n{END}", "t.toml", LISTS)
    assert problem in str(refused.value)
    assert str(refused.value).startswith("t.toml")


def test_a_next_that_leads_nowhere_fails_naming_the_file_and_the_step() -> None:
    ask = '[[steps]]\nkind = "ask"\nid = "a"\nprompt = "A?"\nnext = "ende"\n'
    flow = read_flow(f"{HEAD}{ask}{END}", "t.toml", LISTS)
    with pytest.raises(FlowFileError, match=r"^t\.toml, step 'a': leads to unknown step 'ende'$"):
        check_targets({"t.toml": flow})


def test_a_step_id_used_in_two_files_fails_naming_both() -> None:
    flow = read_flow(HEAD + END, "t.toml", LISTS)
    with pytest.raises(FlowFileError, match=r"^u\.toml, step 'end': the id is used in t\.toml"):
        check_targets({"t.toml": flow, "u.toml": flow})


def test_a_file_that_is_not_toml_or_has_unknown_keys_fails_naming_the_file() -> None:
    with pytest.raises(FlowFileError, match=r"^t\.toml: not valid TOML"):
        read_flow(HEAD + "steps = [", "t.toml", LISTS)
    with pytest.raises(FlowFileError, match=r"^t\.toml: unknown field 'timer'"):
        read_flow(HEAD + 'timer = "6h"\n' + END, "t.toml", LISTS)
    with pytest.raises(FlowFileError, match=r"^l\.toml, list 'a': includes unknown option list"):
        read_option_lists('a = [{ include = "b" }]\nb = []', "l.toml")


def test_every_text_of_the_intake_files_is_a_text_of_the_loaded_flows() -> None:
    """The catalog extractor reads the files; the engine shows the loaded steps: they agree."""
    folder = files(intake.__name__)
    extracted = {
        text
        for name in (*(f"{flow}.toml" for flow in intake.FLOW_FILES), intake.LISTS_FILE)
        for text in texts(tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8")))
    }
    shown = set()
    for flow in intake.FLOWS.values():
        shown.add(flow.title)
        for step in flow.steps:
            shown.update(getattr(step, name) for name in STEP_TEXTS if getattr(step, name, None))
            shown.update(option.label for option in getattr(step, "options", ()))
    assert extracted == shown
