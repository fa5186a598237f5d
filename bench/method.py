"""How every bench compares on a noisy machine: the ceiling measured right before each burst.

A figure from a shared 2-core machine means little alone: another process may take a core for
a whole run. So each run measures its ceiling (the reference the subject is compared with, for
example python-telegram-bot's in-memory rate) immediately before the subject, and the reported
figure is the median of the per-run ratios, never a ratio of medians taken at different times.
Every bench prints the machine, the Python version, the command and the raw runs, so a reader
can judge the figures and run them again.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import shlex
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

MIN_RUNS = 5
"""Fewest runs whose median of ratios a bench reports as its figure."""


@dataclass(frozen=True)
class Run:
    """One burst: the ceiling's rate, then the subject's rate, measured back to back."""

    ceiling: float
    subject: float

    @property
    def ratio(self) -> float:
        """Returns the subject's rate as a multiple of this run's ceiling."""
        return self.subject / self.ceiling if self.ceiling else 0.0


@dataclass(frozen=True)
class Comparison:
    """A subject measured against its ceiling over several runs."""

    subject_name: str
    ceiling_name: str
    runs: tuple[Run, ...]

    @property
    def ratio(self) -> float:
        """Returns the median of the per-run ratios."""
        return statistics.median(run.ratio for run in self.runs)

    @property
    def subject(self) -> float:
        """Returns the subject's median rate."""
        return statistics.median(run.subject for run in self.runs)

    @property
    def ceiling(self) -> float:
        """Returns the ceiling's median rate."""
        return statistics.median(run.ceiling for run in self.runs)


def cpu_model() -> str:
    """Returns the CPU's model name, for the results table."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def compare(
    subject_name: str,
    subject: Callable[[], float],
    ceiling_name: str,
    ceiling: Callable[[], float],
    runs: int = MIN_RUNS,
) -> Comparison:
    """Runs the ceiling then the subject, run after run; returns every pair measured."""
    if runs < 1:
        raise ValueError("a comparison needs at least one run")
    measured = []
    for _ in range(runs):
        reference = ceiling()
        measured.append(Run(ceiling=reference, subject=subject()))
    return Comparison(subject_name, ceiling_name, tuple(measured))


def parser(doc: str | None, *, runs: int = MIN_RUNS) -> argparse.ArgumentParser:
    """Returns a command line described by the doc's first line, with --postgres and --runs."""
    found = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    found.add_argument("--postgres", default=os.environ.get("SUARA_TEST_POSTGRES_URL"))
    found.add_argument("--runs", type=int, default=runs, help=f"at least {MIN_RUNS} for a figure")
    return found


def header(argv: Sequence[str] | None = None) -> str:
    """Returns the lines that say where, when and how a bench ran."""
    command = shlex.join([sys.executable, *(sys.argv if argv is None else argv)])
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"Machine: {os.cpu_count()} cores, {cpu_model()}, {platform.system()} "
            f"{platform.release()}",
            f"Python: {platform.python_implementation()} {platform.python_version()}",
            f"Command: {command}",
            f"Started: {now}; load average {load}",
        ]
    )


def table(comparisons: Sequence[Comparison], unit: str = "/s") -> str:
    """Returns a Markdown table: medians, the median ratio, and every run's raw figures."""
    lines = [
        f"| measurement | median {unit} | ceiling | ceiling median {unit} "
        "| median of per-run ratios | runs (subject / ceiling) |",
        "|---|---:|---|---:|---:|---|",
    ]
    for found in comparisons:
        raw = "; ".join(f"{r.subject:,.0f} / {r.ceiling:,.0f}" for r in found.runs)
        lines.append(
            f"| {found.subject_name} | {found.subject:,.0f} | {found.ceiling_name} "
            f"| {found.ceiling:,.0f} | {found.ratio:.2f}x | {raw} |"
        )
    if any(len(found.runs) < MIN_RUNS for found in comparisons):
        lines.append(f"\n(fewer than {MIN_RUNS} runs: a trial, not a figure)")
    return "\n".join(lines)
