"""docs/architecture.md stays true: every path it names exists, and every change row names one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
TOP = "flows|bot|handlers|escalation|storage|config|locales|docs|tests|bench"
PATH = re.compile(rf"`((?:{TOP})/[A-Za-z0-9_./]*)`")


def _table_rows(heading: str) -> list[str]:
    """Returns the body rows of the table under a heading."""
    section = DOC.read_text(encoding="utf-8").split(f"## {heading}", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return rows[1:]


def test_every_path_the_map_names_exists() -> None:
    missing = [p for p in PATH.findall(DOC.read_text(encoding="utf-8")) if not (ROOT / p).exists()]
    assert missing == []


def test_where_to_change_has_twenty_rows_each_naming_a_module() -> None:
    rows = _table_rows("Where do I change X?")
    assert len(rows) >= 20
    for row in rows:
        named = [p for p in PATH.findall(row) if p.endswith(".py")]
        assert named, row
        assert all((ROOT / p).is_file() for p in named), row
