"""Charts as inline SVG for the HTML report: a stacked horizontal bar chart and a line
chart of a share over time. Pure: numbers and labels in, an ``<svg>`` string out.

Every chart is self-contained (its fill patterns are defined inside it, with ids that
start with the chart's id, so several charts live in one page) and accessible: the
``<svg>`` is an image labelled by its ``<title>`` and ``<desc>``, and every bar segment
and point has a ``<title>`` a pointer or a screen reader can read. Series are told apart
by a pattern as well as a colour (solid, hatched, dotted), so a chart printed in grey or
seen without colour still reads. The tables next to the charts hold the same numbers.

Text widths cannot be measured here: labels use a monospace font for the bar labels (an
advance of :data:`MONO_ADVANCE` em) and a generous estimate for the rest, and labels are
cut or thinned out rather than allowed to overlap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ownit.core.html_text import esc

WIDTH = 920
FONT_SIZE = 12
MONO_ADVANCE = 0.6  # em: DejaVu Sans Mono, Menlo, Consolas and Courier are all 0.6
SANS_ADVANCE = 0.62  # em: a safe upper bound for digits and short words in a sans font
MONO = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace"
INK, MUTED, GRID = "#1b1f24", "#57606a", "#d8dde3"

Pattern = Literal["solid", "hatch", "dots"]


@dataclass(frozen=True, slots=True)
class Series:
    """One kind of value in a stacked bar (owned, unowned, …)."""

    label: str  # the legend's text
    color: str  # CSS colour
    pattern: Pattern = "solid"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # shown cut to the label column; whole in the tooltip
    values: tuple[int, ...]  # one per series, 0 or more


@dataclass(frozen=True, slots=True)
class Point:
    label: str  # the x tick's text
    sublabel: str = ""  # a second line under it, shown where it changes (the year)
    value: float | None = None  # 0 to 1; None: nothing to show for this point
    note: str = ""  # the point's tooltip


def _fill(chart_id: str, index: int, series: Series) -> str:
    return series.color if series.pattern == "solid" else f"url(#{chart_id}-p{index})"


def _pattern(pid: str, series: Series) -> str:
    """The ``<pattern>`` a hatched or dotted series fills with ("" for a solid one)."""
    color = esc(series.color)
    if series.pattern == "hatch":
        return (
            f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{color}"/>'
            '<rect width="2.2" height="6" fill="#ffffff" fill-opacity="0.6"/></pattern>'
        )
    if series.pattern == "dots":
        return (
            f'<pattern id="{pid}" width="5" height="5" patternUnits="userSpaceOnUse">'
            f'<rect width="5" height="5" fill="{color}"/>'
            '<circle cx="2.5" cy="2.5" r="1.2" fill="#ffffff" fill-opacity="0.7"/></pattern>'
        )
    return ""


def _pattern_defs(chart_id: str, series: Sequence[Series]) -> str:
    found = "".join(_pattern(f"{chart_id}-p{i}", one) for i, one in enumerate(series))
    return f"<defs>{found}</defs>" if found else ""


def _open(chart_id: str, width: float, height: float, title: str, description: str) -> str:
    cid = esc(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{cid}-title">{esc(title)}</title>'
        f'<desc id="{cid}-desc">{esc(description)}</desc>'
    )


def _n(value: float) -> str:
    """A coordinate, short: 12, 12.5, 12.25."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def nice_ceiling(value: float) -> tuple[float, float]:
    """(axis maximum, tick step) for counts up to ``value``: the smallest whole step of
    1, 2, 2.5 or 5 times a power of ten that covers ``value`` in at most 5 ticks."""
    value = max(value, 1.0)
    exponent = math.floor(math.log10(value))
    for power in (exponent - 1, exponent):
        for factor in (1.0, 2.0, 2.5, 5.0):
            step = factor * 10.0**power
            if step < 1 or not step.is_integer():
                continue  # lines are counted in whole numbers
            top = math.ceil(value / step) * step
            if top / step <= 5:
                return top, step
    step = 10.0**exponent  # not reached: 5 × 10**exponent always fits
    return math.ceil(value / step) * step, step


def percent(share: float) -> str:
    """A share as a whole percentage that never rounds a part to none or to all."""
    shown = round(share * 100)
    if shown == 0 and share > 0:
        return "<1%"
    if shown == 100 and share < 1:
        return ">99%"
    return f"{shown}%"


def _count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def legend(chart_id: str, series: Sequence[Series]) -> str:
    """The legend of a chart, as HTML (a list; each swatch a small SVG of its own)."""
    items = []
    for index, one in enumerate(series):
        sid = f"{chart_id}-legend{index}"
        pattern = _pattern(f"{sid}-p{index}", one)
        swatch = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="14" height="14" '
            'viewBox="0 0 14 14" aria-hidden="true">'
            f"{f'<defs>{pattern}</defs>' if pattern else ''}"
            f'<rect x="0.5" y="0.5" width="13" height="13" rx="2" '
            f'fill="{esc(_fill(sid, index, one))}" stroke="{INK}" stroke-opacity="0.35"/></svg>'
        )
        items.append(f"<li>{swatch}<span>{esc(one.label)}</span></li>")
    return f'<ul class="legend">{"".join(items)}</ul>'


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    series: Sequence[Series],
    *,
    description: str = "",
    unit: str = "lines",
    label_chars: int = 30,
) -> str:
    """Horizontal bars, one per item, each stacked from its series' values (in order), the
    total written at its end; an x axis of ``unit`` under them."""
    for bar in bars:
        if len(bar.values) != len(series) or any(v < 0 for v in bar.values):
            raise ValueError(f"bar {bar.label!r}: expected {len(series)} values of 0 or more")
    row, thick, top, axis_height = 28.0, 18.0, 6.0, 30.0
    label_width = label_chars * FONT_SIZE * MONO_ADVANCE + 14
    value_width = 9 * FONT_SIZE * SANS_ADVANCE
    x0 = label_width
    plot = WIDTH - label_width - value_width
    height = top + max(len(bars), 1) * row + axis_height
    axis_top, step = nice_ceiling(max((sum(b.values) for b in bars), default=0))
    scale = plot / axis_top
    out = [_open(chart_id, WIDTH, height, title, description), _pattern_defs(chart_id, series)]
    base = top + len(bars) * row
    ticks = round(axis_top / step)
    for k in range(ticks + 1):
        x = x0 + k * step * scale
        out.append(
            f'<line class="grid" x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(base)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{_n(x)}" y="{_n(base + 16)}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="11">{_count(k * step)}</text>'
        )
    out.append(
        f'<text x="{_n(WIDTH - 4)}" y="{_n(base + 16)}" text-anchor="end" fill="{MUTED}" '
        f'font-size="11">{esc(unit)}</text>'
    )
    for index, bar in enumerate(bars):
        y = top + index * row + (row - thick) / 2
        middle = y + thick / 2
        out.append(
            f'<g class="bar"><title>{esc(bar.label)}: {esc(_breakdown(bar, series, unit))}'
            "</title>"
            f'<text x="{_n(x0 - 10)}" y="{_n(middle + 4)}" text-anchor="end" '
            f'font-family="{MONO}">{esc(bar.label, label_chars)}</text>'
        )
        x = x0
        for kind, (one, value) in enumerate(zip(series, bar.values, strict=True)):
            if not value:
                continue
            width = value * scale
            out.append(
                f'<rect class="segment s{kind}" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" '
                f'height="{_n(thick)}" fill="{esc(_fill(chart_id, kind, one))}" '
                f'data-value="{value}"><title>{esc(bar.label)} — {esc(one.label)}: '
                f"{_count(value)} {esc(unit)}</title></rect>"
            )
            x += width
        out.append(
            f'<text class="total" x="{_n(x + 6)}" y="{_n(middle + 4)}" '
            f'font-weight="600">{_count(sum(bar.values))}</text></g>'
        )
    out.append(
        f'<line x1="{_n(x0)}" y1="{_n(top)}" x2="{_n(x0)}" y2="{_n(base)}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    if not bars:
        out.append(
            f'<text x="{_n(x0 + plot / 2)}" y="{_n(top + row / 2 + 4)}" text-anchor="middle" '
            f'fill="{MUTED}">nothing to show</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _breakdown(bar: Bar, series: Sequence[Series], unit: str) -> str:
    parts = [f"{one.label} {_count(v)}" for one, v in zip(series, bar.values, strict=True) if v]
    total = f"{_count(sum(bar.values))} {unit}"
    return f"{total} ({', '.join(parts)})" if parts else total


def share_chart(
    chart_id: str,
    title: str,
    points: Sequence[Point],
    *,
    color: str,
    description: str = "",
) -> str:
    """A share (0 to 1) over evenly spaced periods: a line with the area under it, a dot
    per period, a y axis in percent and x labels thinned so they never overlap. A point
    without a value leaves a gap."""
    height = 300.0
    left, right, top, bottom = 52.0, 24.0, 24.0, 46.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    base = top + plot_h
    out = [_open(chart_id, WIDTH, height, title, description)]
    for k in range(5):
        share = k / 4
        y = base - share * plot_h
        out.append(
            f'<line class="grid" x1="{_n(left)}" y1="{_n(y)}" x2="{_n(WIDTH - right)}" '
            f'y2="{_n(y)}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{_n(left - 8)}" y="{_n(y + 4)}" text-anchor="end" fill="{MUTED}" '
            f'font-size="11">{k * 25}%</text>'
        )
    count = len(points)
    band = plot_w / max(count, 1)

    def x_of(index: int) -> float:
        return left + (index + 0.5) * band

    def y_of(value: float) -> float:
        return base - min(max(value, 0.0), 1.0) * plot_h

    # x labels: every `every`-th one, as many as fit side by side.
    widest = max((len(p.label) for p in points), default=1)
    room = widest * 11 * SANS_ADVANCE + 14
    every = max(1, math.ceil(room / band))
    shown_sub = None
    for index, point in enumerate(points):
        if index % every:
            continue
        x = x_of(index)
        out.append(
            f'<text class="tick" x="{_n(x)}" y="{_n(base + 17)}" text-anchor="middle" '
            f'fill="{MUTED}" font-size="11">{esc(point.label)}</text>'
        )
        if point.sublabel and point.sublabel != shown_sub:
            out.append(
                f'<text class="tick sub" x="{_n(x)}" y="{_n(base + 32)}" text-anchor="middle" '
                f'fill="{MUTED}" font-size="11" font-weight="600">{esc(point.sublabel)}</text>'
            )
            shown_sub = point.sublabel
    runs: list[list[int]] = []
    for index, point in enumerate(points):
        if point.value is None:
            if runs and runs[-1]:
                runs.append([])
            continue
        if not runs:
            runs.append([])
        runs[-1].append(index)
    shade = esc(color)
    for run in (r for r in runs if r):
        coords = [(x_of(i), y_of(points[i].value or 0.0)) for i in run]
        line = " ".join(
            f"{'M' if j == 0 else 'L'}{_n(x)} {_n(y)}" for j, (x, y) in enumerate(coords)
        )
        area = f"{line} L{_n(coords[-1][0])} {_n(base)} L{_n(coords[0][0])} {_n(base)} Z"
        out.append(f'<path class="area" d="{area}" fill="{shade}" fill-opacity="0.14"/>')
        out.append(
            f'<path class="line" d="{line}" fill="none" stroke="{shade}" stroke-width="2.5" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    radius = 3.5 if band >= 8 else 2.0
    for index, point in enumerate(points):
        if point.value is None:
            continue
        out.append(
            f'<circle class="point" cx="{_n(x_of(index))}" cy="{_n(y_of(point.value))}" '
            f'r="{radius}" fill="#ffffff" stroke="{shade}" stroke-width="2" '
            f'data-value="{point.value:.4f}"><title>{esc(point.note or point.label)}</title>'
            "</circle>"
        )
    last = next((i for i in range(count - 1, -1, -1) if points[i].value is not None), None)
    if last is not None:
        value = points[last].value or 0.0
        anchor = "end" if x_of(last) > WIDTH - right - 40 else "middle"
        out.append(
            f'<text class="last" x="{_n(x_of(last))}" y="{_n(max(y_of(value) - 10, 12))}" '
            f'text-anchor="{anchor}" font-weight="700" fill="{shade}">{percent(value)}</text>'
        )
    else:
        out.append(
            f'<text x="{_n(left + plot_w / 2)}" y="{_n(top + plot_h / 2)}" '
            f'text-anchor="middle" fill="{MUTED}">no AI-written lines yet</text>'
        )
    out.append(
        f'<line x1="{_n(left)}" y1="{_n(base)}" x2="{_n(WIDTH - right)}" y2="{_n(base)}" '
        f'stroke="{MUTED}" stroke-width="1"/></svg>'
    )
    return "".join(out)
