"""The intake flows and their shared option lists, read once from the data files beside this."""

from __future__ import annotations

from importlib.resources import files

from flows.loading import check_targets, read_flow, read_option_lists
from flows.steps import Flow, Option

FLOW_FILES = ("opening", "emergency", "self_report", "family", "closing")
"""The flow data files in the order a conversation meets them; opening starts the intake."""
LISTS_FILE = "choices.toml"


def _read(name: str) -> str:
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


def _where(name: str) -> str:
    return f"flows/intake/{name}"


OPTION_LISTS = read_option_lists(_read(LISTS_FILE), _where(LISTS_FILE))
FLOWS: dict[str, Flow] = {
    _where(f"{name}.toml"): read_flow(_read(f"{name}.toml"), _where(f"{name}.toml"), OPTION_LISTS)
    for name in FLOW_FILES
}
check_targets(FLOWS)

OPENING, EMERGENCY, SELF_REPORT, FAMILY, CLOSING = FLOWS.values()
COUNTRIES: tuple[Option, ...] = OPTION_LISTS["countries"]
FAMILY_PROBLEMS: tuple[Option, ...] = OPTION_LISTS["family_problems"]
REGENCIES: tuple[Option, ...] = OPTION_LISTS["regencies"]
