"""core/svg_charts: the report's charts are valid SVG, sized by their values, labelled,
and keep hostile labels as text."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import pytest

from ownit.core.svg_charts import (
    SANS_ADVANCE,
    WIDTH,
    Bar,
    Point,
    Series,
    bar_chart,
    legend,
    nice_ceiling,
    percent,
    share_chart,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
SERIES = (
    Series("Owned", "#1f5fa6"),
    Series("Unowned", "#c4501a", "hatch"),
    Series("X", "#777", "dots"),
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def segments(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:rect[@class]", NS)


def test_bar_chart_is_valid_svg_sized_by_the_values() -> None:
    bars = [Bar("src/a.py", (10, 5, 0)), Bar("src/b.py", (4, 0, 6))]
    root = parse(bar_chart("c1", "Lines by path", bars, SERIES, description="d"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find("svg:title", NS).text == "Lines by path"  # type: ignore[union-attr]
    found = segments(root)
    assert [int(r.get("data-value", "")) for r in found] == [10, 5, 4, 6], "zeros are not drawn"
    widths = [float(r.get("width", "")) for r in found]
    top, _ = nice_ceiling(15)
    unit = widths[0] / 10
    for rect, width in zip(found, widths, strict=True):
        assert math.isclose(width, int(rect.get("data-value", "")) * unit, rel_tol=1e-3)
    first_x = [float(r.get("x", "")) for r in found]
    assert math.isclose(first_x[1], first_x[0] + widths[0], rel_tol=1e-3), "stacked in order"
    assert math.isclose(first_x[2], first_x[0]), "each bar starts at the axis"
    plot = unit * top
    assert plot < WIDTH
    totals = [
        t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "total"
    ]
    assert totals == ["15", "10"]
    fills = {r.get("fill") for r in found}
    assert fills == {"#1f5fa6", "url(#c1-p1)", "url(#c1-p2)"}
    pattern_ids = {p.get("id") for p in root.iter("{http://www.w3.org/2000/svg}pattern")}
    assert pattern_ids == {"c1-p1", "c1-p2"}, "hatched and dotted series carry their pattern"


def test_bar_chart_axis_ticks_and_empty_chart() -> None:
    root = parse(bar_chart("c2", "t", [Bar("one", (7, 0, 0))], SERIES))
    ticks = [
        t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("font-size") == "11"
    ]
    assert ticks == ["0", "2", "4", "6", "8", "lines"]
    empty = parse(bar_chart("c3", "t", [], SERIES))
    assert "nothing to show" in ET.tostring(empty, encoding="unicode")
    with pytest.raises(ValueError, match="expected 3 values"):
        bar_chart("c4", "t", [Bar("x", (1, 2))], SERIES)
    with pytest.raises(ValueError):
        bar_chart("c5", "t", [Bar("x", (1, -2, 0))], SERIES)


def test_hostile_and_long_labels_stay_text() -> None:
    hostile = '"><script>alert(1)</script>\u202e\x1b[2J' + "x" * 300
    svg = bar_chart("c6", "<b>title</b>", [Bar(hostile, (3, 0, 0))], SERIES, label_chars=30)
    root = parse(svg)
    assert "<script" not in svg and "\u202e" not in svg and "\x1b" not in svg
    assert root.find("svg:title", NS).text == "<b>title</b>"  # type: ignore[union-attr]
    label = next(t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("font-family"))
    assert label.text is not None and len(label.text) == 30 and "…" in label.text
    assert label.text.startswith('"><script>')
    tooltip = root.find(".//svg:g/svg:title", NS)
    assert tooltip is not None and tooltip.text is not None
    assert "\\u202e\\x1b[2J" + "x" * 300 in tooltip.text, "the whole label, controls visible"


def test_nice_ceiling_and_percent() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 14, 100, 1234)] == [
        (1, 1),
        (1, 1),
        (3, 1),
        (8, 2),
        (15, 5),
        (100, 20),
        (1250, 250),
    ]
    for value in (1, 2, 9, 11, 99, 101, 999, 12345, 10**7 + 3):
        top, step = nice_ceiling(value)
        assert top >= value and top / step <= 5 and step.is_integer()
    assert [percent(v) for v in (0, 0.001, 0.5, 0.996, 1)] == ["0%", "<1%", "50%", ">99%", "100%"]


def points(values: list[float | None]) -> list[Point]:
    return [Point(f"{i + 1} Jan", "2025", v, f"p{i}") for i, v in enumerate(values)]


def test_share_chart_draws_points_lines_and_gaps() -> None:
    svg = share_chart("s1", "Share", points([None, 0.5, 1.0, None, 0.0, 0.25]), color="#1f5fa6")
    root = parse(svg)
    circles = root.findall(".//svg:circle", NS)
    assert [float(c.get("data-value", "")) for c in circles] == [0.5, 1.0, 0.0, 0.25]
    ys = [float(c.get("cy", "")) for c in circles]
    base, top = ys[2], ys[1]  # 0 % and 100 %
    assert base > top
    assert math.isclose(ys[0], (base + top) / 2) and math.isclose(ys[3], base - (base - top) / 4)
    lines = root.findall(".//svg:path[@class='line']", NS)
    assert len(lines) == 2, "the missing point splits the line"
    assert [c.find("svg:title", NS).text for c in circles] == ["p1", "p2", "p4", "p5"]  # type: ignore[union-attr]
    last = next(
        t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "last"
    )
    assert last.text == "25%"
    years = [
        t.text
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if t.get("class") == "tick sub"
    ]
    assert years == ["2025"], "the year is written where it changes only"


def test_share_chart_thins_x_labels_so_they_never_overlap() -> None:
    many = [Point(f"{i % 28 + 1} Feb", str(2020 + i // 52), 0.5) for i in range(300)]
    root = parse(share_chart("s2", "Share", many, color="#000"))
    ticks = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "tick"]
    xs = [float(t.get("x", "")) for t in ticks]
    assert 3 <= len(xs) < 300
    widest = max(len(p.label) for p in many) * 11 * SANS_ADVANCE
    assert all(b - a >= widest for a, b in itertools.pairwise(xs))


def test_share_chart_with_nothing_to_show() -> None:
    root = parse(share_chart("s3", "Share", points([None, None]), color="#000"))
    assert root.findall(".//svg:circle", NS) == []
    assert "no AI-written lines yet" in ET.tostring(root, encoding="unicode")
    single = parse(share_chart("s4", "Share", points([0.4]), color="#000"))
    assert len(single.findall(".//svg:circle", NS)) == 1


def test_legend_swatches_have_their_own_patterns() -> None:
    html = legend("c7", SERIES)
    root = ET.fromstring(html)
    ids = [p.get("id") for p in root.iter("{http://www.w3.org/2000/svg}pattern")]
    assert len(ids) == len(set(ids)) == 2
    assert [s.text for s in root.iter("span")] == ["Owned", "Unowned", "X"]
