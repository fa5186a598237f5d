"""The bench method: ceiling before subject in every run, and the median of per-run ratios."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import method  # noqa: E402


def test_each_run_measures_its_ceiling_right_before_its_subject() -> None:
    calls: list[str] = []
    ceilings = iter([100.0, 50.0, 80.0])
    subjects = iter([200.0, 150.0, 80.0])

    def ceiling() -> float:
        calls.append("ceiling")
        return next(ceilings)

    def subject() -> float:
        calls.append("subject")
        return next(subjects)

    found = method.compare("engine", subject, "ptb", ceiling, runs=3)
    assert calls == ["ceiling", "subject"] * 3
    assert [run.ratio for run in found.runs] == [2.0, 3.0, 1.0]


def test_the_figure_is_the_median_of_ratios_not_the_ratio_of_medians() -> None:
    runs = iter([(10.0, 40.0), (100.0, 150.0), (20.0, 30.0), (50.0, 200.0), (40.0, 60.0)])
    pairs = list(runs)
    ceilings = iter(c for c, _ in pairs)
    subjects = iter(s for _, s in pairs)
    found = method.compare("a", lambda: next(subjects), "b", lambda: next(ceilings))
    assert found.ratio == pytest.approx(1.5)  # ratios 4, 1.5, 1.5, 4, 1.5
    assert found.subject / found.ceiling == pytest.approx(60.0 / 40.0)
    assert sorted(run.ratio for run in found.runs) == [1.5, 1.5, 1.5, 4.0, 4.0]


def test_a_comparison_needs_a_run() -> None:
    with pytest.raises(ValueError, match="at least one run"):
        method.compare("a", lambda: 1.0, "b", lambda: 1.0, runs=0)


def test_the_table_shows_every_raw_run_and_marks_a_trial() -> None:
    found = method.compare("engine", lambda: 300.0, "ptb", lambda: 100.0, runs=2)
    shown = method.table([found])
    assert "| engine | 300 | ptb | 100 | 3.00x | 300 / 100; 300 / 100 |" in shown
    assert "a trial, not a figure" in shown
    full = method.table([method.compare("e", lambda: 1.0, "p", lambda: 1.0)])
    assert "trial" not in full


def test_the_header_names_machine_python_and_command() -> None:
    lines = method.header(["bench/engine.py", "--runs", "5"]).splitlines()
    assert lines[0].startswith("Machine: ")
    assert lines[1].startswith("Python: CPython 3.")
    assert lines[2].endswith("bench/engine.py --runs 5")
    assert "load average" in lines[3]
