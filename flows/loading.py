"""Reads flow data files (TOML) into the step objects the engine runs, failing loudly on any slip.

A flow file holds `id`, `title`, `start` and a `[[steps]]` table per step: its `kind` (one of
STEP_KINDS) and the fields of that step type, spelled as in flows.steps. The option lists file
holds named arrays of options, which a step names (`options = "countries"`) or includes in its
own array (`{ include = "countries", leave_out = ["OTHER"] }`). The English texts are the
message ids, exactly as the translators see them.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from flows.steps import (
    EXPECTATION_KINDS,
    STEP_KINDS,
    ByAnswer,
    Choose,
    Expectation,
    Flow,
    Option,
    Provider,
    Step,
    Target,
    When,
    successors,
)
from flows.vocabulary import EventName, Status

TEXT_KEYS = frozenset({"title", "prompt", "text", "summary", "question", "retry", "label"})
"""The keys whose values a person reads: the message ids the catalogs translate."""
FLOW_KEYS = frozenset({"id", "title", "start", "steps"})
OptionLists = Mapping[str, tuple[Option, ...]]
T = TypeVar("T")


class FlowFileError(ValueError):
    """A flow data file breaks a rule; the message names the file and the step."""


def _fail(where: str, problem: str) -> FlowFileError:
    return FlowFileError(f"{where}: {problem}")


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"expected text, found {value!r}")
    return value


def _texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(where, f"expected a list of texts, found {value!r}")
    return tuple(_text(item, where) for item in value)


def _pair(value: object, where: str) -> tuple[str, str]:
    items = _texts(value, where)
    if len(items) != 2:
        raise _fail(where, f"expected two texts, found {value!r}")
    return items[0], items[1]


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, f"expected true or false, found {value!r}")
    return value


def _whole(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(where, f"expected a whole number, found {value!r}")
    return value


def _table(value: object, where: str, keys: Iterable[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"expected a table, found {value!r}")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise _fail(where, f"unknown field {unknown[0]!r}")
    return value


def _enum(kind: type[Status] | type[Provider] | type[EventName]) -> Callable[[object, str], Any]:
    def convert(value: object, where: str) -> Any:
        try:
            return kind(_text(value, where))
        except ValueError:
            known = ", ".join(member.value for member in kind)
            raise _fail(where, f"{value!r} is not one of {known}") from None

    return convert


def _target(value: object, where: str) -> Target:
    if isinstance(value, str):
        return value
    table = _table(value, where, ("by_answer", "targets", "default"))
    if len(table) != 3:
        raise _fail(where, "a next by answer needs by_answer, targets and default")
    return ByAnswer(
        step=_text(table.get("by_answer"), where),
        targets=_mapping(table.get("targets"), where),
        default=_text(table.get("default"), where),
    )


def _when(value: object, where: str) -> When:
    table = _table(value, where, ("step", "any_of"))
    return When(_text(table.get("step"), where), _texts(table.get("any_of"), where))


def _mapping(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(where, f"expected a table of texts, found {value!r}")
    return {key: _text(item, where) for key, item in value.items()}


def _expects(value: object, where: str) -> Expectation:
    kind_name = value.get("kind") if isinstance(value, dict) else None
    kind = EXPECTATION_KINDS.get(str(kind_name))
    if kind is None:
        raise _fail(where, f"unknown expectation {kind_name!r}")
    names = [field.name for field in dataclasses.fields(kind)]
    table = _table(value, where, ("kind", *names))
    read = {"by_country": _mapping, "country_step": _text}
    fields = {
        name: read.get(name, _whole)(table[name], f"{where}.{name}")
        for name in names
        if name in table
    }
    return _construct(kind, fields, where)


def _construct(kind: type[T], fields: Mapping[str, Any], where: str) -> T:
    """Builds one step object, naming the place when a required field is missing."""
    try:
        return kind(**fields)
    except TypeError as error:
        raise _fail(where, f"a required field is missing ({error})") from None


FIELDS: Mapping[str, Callable[[object, str], Any]] = {
    "next": _target,
    "when": _when,
    "expects": _expects,
    "aliases": _texts,
    "triggers": _texts,
    "consent": _pair,
    "other": _pair,
    "yes_no": _mapping,
    "status": _enum(Status),
    "provider": _enum(Provider),
    "emits": _enum(EventName),
    **{
        name: _flag
        for name in ("multi", "skippable", "sets_locale", "sensitive", "pause", "offer_code_word")
    },
}
"""How each field of a step or option is read; any field not named here is a text."""


def _fields(kind: type[Any], table: Mapping[str, Any], where: str) -> dict[str, Any]:
    known = {field.name for field in dataclasses.fields(kind)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise _fail(where, f"unknown field {unknown[0]!r} (a {kind.__name__} has no such field)")
    return {
        name: FIELDS.get(name, _text)(value, f"{where}, {name}") for name, value in table.items()
    }


def _option(value: object, where: str) -> Option:
    if not isinstance(value, dict):
        raise _fail(where, f"expected an option table, found {value!r}")
    where = f"{where}, option {value.get('id', '?')!r}"
    return _construct(Option, _fields(Option, value, where), where)


def _options(value: object, lists: OptionLists, where: str) -> tuple[Option, ...]:
    """Reads an option array, or the name of a shared list, splicing in every `include`."""
    entries = [{"include": value}] if isinstance(value, str) else value
    if not isinstance(entries, list):
        raise _fail(where, f"expected options or the name of a list, found {value!r}")
    options: list[Option] = []
    for entry in entries:
        if isinstance(entry, dict) and "include" in entry:
            options.extend(_included(entry, lists, where))
        else:
            options.append(_option(entry, where))
    return tuple(options)


def _included(entry: object, lists: OptionLists, where: str) -> tuple[Option, ...]:
    table = _table(entry, where, ("include", "leave_out"))
    name = _text(table["include"], where)
    if name not in lists:
        raise _fail(where, f"includes unknown option list {name!r}")
    leave_out = set(_texts(table.get("leave_out", []), where))
    return tuple(option for option in lists[name] if option.id not in leave_out)


def _step(value: object, lists: OptionLists, where: str) -> Step:
    if not isinstance(value, dict):
        raise _fail(where, f"expected a step table, found {value!r}")
    step_id = value.get("id", "?")
    where = f"{where}, step {step_id!r}"
    fields = dict(value)
    kind = STEP_KINDS.get(str(fields.pop("kind", None)))
    if kind is None:
        known = ", ".join(STEP_KINDS)
        raise _fail(where, f"unknown step kind {value.get('kind')!r} (known: {known})")
    options = fields.pop("options", None)
    step = _fields(kind, fields, where)
    if kind is Choose:
        step["options"] = _options(options, lists, where)
    elif options is not None:
        raise _fail(where, f"unknown field 'options' (a {kind.__name__} has no such field)")
    return _construct(kind, step, where)


def _document(source: str, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise _fail(name, f"not valid TOML: {error}") from None


def read_option_lists(source: str, name: str) -> dict[str, tuple[Option, ...]]:
    """Returns the named option lists of one file; a list may include those above it."""
    lists: dict[str, tuple[Option, ...]] = {}
    for list_name, entries in _document(source, name).items():
        lists[list_name] = _options(entries, lists, f"{name}, list {list_name!r}")
    return lists


def read_flow(source: str, name: str, lists: OptionLists) -> Flow:
    """Returns the flow one data file declares, its steps typed as flows.steps defines them."""
    document = _table(_document(source, name), name, FLOW_KEYS)
    steps = document.get("steps", [])
    if not isinstance(steps, list):
        raise _fail(name, "`steps` must be an array of [[steps]] tables")
    return Flow(
        id=_text(document.get("id"), f"{name}, id"),
        title=_text(document.get("title"), f"{name}, title"),
        start=_text(document.get("start"), f"{name}, start"),
        steps=tuple(_step(step, lists, name) for step in steps),
    )


def check_targets(flows: Mapping[str, Flow]) -> None:
    """Raises FlowFileError naming the file and step of a step id used twice or a dead `next`."""
    known: dict[str, str] = {}
    for name, flow in flows.items():
        for step in flow.steps:
            if step.id in known:
                raise _fail(f"{name}, step {step.id!r}", f"the id is used in {known[step.id]} too")
            known[step.id] = name
    for name, flow in flows.items():
        if flow.start not in known:
            raise _fail(name, f"starts at unknown step {flow.start!r}")
        for step in flow.steps:
            for target in successors(step):
                if target not in known:
                    raise _fail(f"{name}, step {step.id!r}", f"leads to unknown step {target!r}")


def texts(document: object) -> Iterator[str]:
    """Yields every text a person reads in a parsed data file, in file order."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in TEXT_KEYS and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(document, list):
        for item in document:
            yield from texts(item)
