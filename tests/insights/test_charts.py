"""SVG charts: geometry, escaping and the accessible frame."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markupsafe import Markup

from bot.insights import bar_chart, column_chart, deadline_gauge
from bot.insights.charts import lengths

SVG = "{http://www.w3.org/2000/svg}"


def _rects(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(f".//{SVG}rect")


def test_lengths_are_proportional_and_the_largest_fills_the_span() -> None:
    assert lengths([10, 5, 0], 200) == [200.0, 100.0, 0.0]
    assert lengths([0, 0], 200) == [0.0, 0.0]
    assert lengths([], 200) == []


def test_bar_chart_rows_widths_and_counts() -> None:
    svg = bar_chart([("GAJI", 8), ("TPPO", 2)], "Cases by category", width=360)
    widths = [float(r.get("width", "0")) for r in _rects(svg)]
    assert widths == [316.0, 79.0]  # the largest takes the width but the count's room
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert texts == ["Cases by category", "GAJI", "8", "TPPO", "2"]


def test_column_chart_heights_months_and_the_year_once() -> None:
    svg = column_chart([("2026-01", 3), ("2026-02", 6)], "Cases per month", height=200)
    heights = [float(r.get("height", "0")) for r in _rects(svg)]
    assert heights == [63.0, 126.0]
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert texts == ["Cases per month", "3", "01", "2026", "6", "02"]


def test_gauge_fills_to_the_share_and_says_it_in_text() -> None:
    svg = deadline_gauge(0.5, "Acknowledged in time", "P1: 4 of 8", width=200)
    fill = _rects(svg)[1]
    assert float(fill.get("width", "0")) == 100.0
    assert "50%" in svg
    assert "✗" in svg
    assert "✓ 95%" in deadline_gauge(0.95, "t", "c")
    assert "–" in deadline_gauge(None, "t", "c")


def test_labels_are_escaped() -> None:
    evil = '<script>alert("x")</script>'
    for svg in (
        bar_chart([(evil, 1)], evil),
        column_chart([(evil, 1)], evil),
        deadline_gauge(0.5, evil, evil),
    ):
        assert isinstance(svg, Markup)
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        ET.fromstring(svg)  # still well-formed


def test_every_chart_is_an_image_with_a_title() -> None:
    for svg in (bar_chart([], "A"), column_chart([], "B"), deadline_gauge(None, "C", "c")):
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        title = root.find(f"{SVG}title")
        assert title is not None
        assert title.text in {"A", "B", "C"}
        assert re.fullmatch(r"\d+", root.get("width", ""))
        assert int(root.get("width", "0")) <= 420


def test_a_long_label_is_written_whole_above_its_bar() -> None:
    label = "Sexual harassment or assault (reported by family)"  # 49 characters
    svg = bar_chart([("Gaji ditahan/dipotong oleh majikan", 3), (label, 1)], "t")
    texts = [t for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert texts[1].text == "Gaji ditahan/dipotong oleh majikan"
    assert texts[3].text == label[:47] + "…"
    assert all(float(t.get("x", "0")) >= 0 for t in texts)
    rects = _rects(svg)
    assert float(rects[0].get("y", "0")) > float(texts[1].get("y", "0"))
