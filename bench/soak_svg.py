"""The soak's plot as a small SVG: memory, inbox lag and outbox backlog against time.

Our own few lines rather than a plotting library: three polylines on shared time axes need no
dependency, and the file stays a readable text diff in docs/.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

WIDTH, PANEL, LEFT, GAP = 720, 150, 70, 40


def polyline(samples: Sequence[Any], value: Callable[[Any], float], top: int, colour: str) -> str:
    """Returns one panel: its axis box, the line and the top value's label."""
    end = max(s.at for s in samples) or 1.0
    high = max(max(value(s) for s in samples), 1e-9)
    points = " ".join(
        f"{LEFT + s.at / end * (WIDTH - LEFT - 10):.1f},{top + PANEL - value(s) / high * PANEL:.1f}"
        for s in samples
    )
    return (
        f'<rect x="{LEFT}" y="{top}" width="{WIDTH - LEFT - 10}" height="{PANEL}" '
        'fill="none" stroke="#999"/>'
        f'<text x="{LEFT - 5}" y="{top + 10}" text-anchor="end">{high:,.1f}</text>'
        f'<text x="{LEFT - 5}" y="{top + PANEL}" text-anchor="end">0</text>'
        f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
    )


def write_svg(path: Path, samples: Sequence[Any]) -> None:
    """Writes the three panels (sum RSS in MB, inbox lag in s, outbox backlog) to path."""
    panels = [
        ("RSS of both processes, MB", lambda s: s.web + s.worker, "#1f77b4"),
        ("inbox lag, s", lambda s: s.lag, "#d62728"),
        ("outbox backlog, messages", lambda s: float(s.backlog), "#2ca02c"),
    ]
    height = len(panels) * (PANEL + GAP) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
    ]
    for index, (title, value, colour) in enumerate(panels):
        top = 20 + index * (PANEL + GAP)
        parts.append(f'<text x="{LEFT}" y="{top - 5}">{title}</text>')
        parts.append(polyline(samples, value, top, colour))
    end = max(s.at for s in samples)
    parts.append(
        f'<text x="{WIDTH - 10}" y="{height - 8}" text-anchor="end">{end:,.0f} s since start</text>'
    )
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
