"""Charts read at a glance, as SVG built in Python: bars, monthly columns and a deadline gauge.

Every chart is an image with a title (role="img", <title>), carries its numbers as text so that
colour is never the only cue, escapes every label, and fits a phone's width by default.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 360
"""Wide enough for a label and a count on a phone held upright; the SVG scales down from it."""
ROW = 38
"""The height of one bar's row: its label above it, so that a label has the chart's whole width."""
BAR_HEIGHT = 14
BAR = "#1f5f99"
GOOD = "#1b7a3a"
BAD = "#b3261e"
TRACK = "#e6e6e6"
INK = "#1a1a1a"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def lengths(values: Sequence[int], span: float) -> list[float]:
    """Returns each value's bar length, the largest value taking the whole span."""
    top = max(values, default=0)
    return [span * v / top if top > 0 else 0.0 for v in values]


def _frame(title: str, width: int, height: int, body: list[str]) -> Markup:
    """Wraps chart elements in an accessible SVG of the given size."""
    name = escape(title)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT}><title>{name}</title>'
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="{INK}">{name}</text>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _shorten(label: str, limit: int = 48) -> str:
    """Returns the label cut to fit the chart's width, with an ellipsis when cut."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(items: Sequence[tuple[str, int]], title: str, width: int = WIDTH) -> Markup:
    """Returns horizontal bars, each under its whole label, the count written after each bar."""
    count_w, top = 44, 28
    span = max(width - count_w, 10)
    body: list[str] = []
    for i, ((label, count), length) in enumerate(
        zip(items, lengths([c for _, c in items], span), strict=True)
    ):
        y = top + i * ROW
        body.append(
            f"<g><title>{escape(label)}: {count}</title>"
            f'<text x="0" y="{y + 12}" fill="{INK}">{escape(_shorten(label))}</text>'
            f'<rect x="0" y="{y + 17}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{BAR}"/>'
            f'<text x="{length + 4:.1f}" y="{y + 29}" fill="{INK}">{count}</text></g>'
        )
    return _frame(title, width, top + max(len(items), 1) * ROW + 4, body)


def column_chart(
    items: Sequence[tuple[str, int]], title: str, width: int = WIDTH, height: int = 200
) -> Markup:
    """Returns one column per (month, count), the count above and the month below each column."""
    top, bottom = 40, 34
    span = height - top - bottom
    slot = width / max(len(items), 1)
    body = [
        f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        f'stroke="{INK}" stroke-width="1"/>'
    ]
    for i, ((label, count), length) in enumerate(
        zip(items, lengths([c for _, c in items], span), strict=True)
    ):
        x, y = i * slot + slot * 0.15, height - bottom - length
        middle = i * slot + slot / 2
        body.append(
            f"<g><title>{escape(label)}: {count}</title>"
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{length:.1f}" '
            f'fill="{BAR}"/>'
            f'<text x="{middle:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{INK}">'
            f"{count}</text>"
            f'<text x="{middle:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'font-size="10" fill="{INK}">{escape(_month_label(label))}</text>'
            f"{_year_label(items, i, middle, height - bottom + 27)}</g>"
        )
    return _frame(title, width, height, body)


def _month_label(label: str) -> str:
    """Returns the month number of a YYYY-MM month (twelve fit a phone), else the label."""
    year, _, month = label.partition("-")
    return month if len(year) == 4 and month else label


def _year_label(items: Sequence[tuple[str, int]], i: int, x: float, y: int) -> str:
    """Returns the year under the first column and under each change of year, else nothing."""
    year = items[i][0][:4]
    if _month_label(items[i][0]) == items[i][0] or (i > 0 and items[i - 1][0][:4] == year):
        return ""
    return (
        f'<text x="{x:.1f}" y="{y}" text-anchor="middle" font-size="10" fill="{INK}">'
        f"{escape(year)}</text>"
    )


def deadline_gauge(
    share: float | None, title: str, caption: str, target: float = 0.9, width: int = WIDTH
) -> Markup:
    """Returns a bar filled to the share within deadline, with the target marked and the share."""
    track_y, track_h = 28, 20
    body = [
        f'<rect x="0" y="{track_y}" width="{width}" height="{track_h}" fill="{TRACK}"/>',
        f'<text x="0" y="{track_y + track_h + 16}" fill="{INK}">{escape(caption)}</text>',
    ]
    if share is not None:
        share = min(max(share, 0.0), 1.0)
        met = share >= target
        word = "✓" if met else "✗"
        body.append(
            f'<rect x="0" y="{track_y}" width="{width * share:.1f}" height="{track_h}" '
            f'fill="{GOOD if met else BAD}"/>'
            f'<text x="{width}" y="16" text-anchor="end" font-size="14" font-weight="bold" '
            f'fill="{INK}">{word} {share:.0%}</text>'
        )
    else:
        body.append(
            f'<text x="{width}" y="16" text-anchor="end" font-size="14" fill="{INK}">–</text>'
        )
    marker = width * target
    body.append(
        f'<line x1="{marker:.1f}" y1="{track_y - 4}" x2="{marker:.1f}" '
        f'y2="{track_y + track_h + 4}" stroke="{INK}" stroke-width="2" stroke-dasharray="3 2"/>'
    )
    return _frame(title, width, track_y + track_h + 24, body)
