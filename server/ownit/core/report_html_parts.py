"""What the HTML report's sections share: the Section record, the series of its charts, and
the small builders of numbers, dates, code, tables and figures (every repository value
escaped). Pure."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ownit.core.html_text import esc
from ownit.core.report import Lines
from ownit.core.report_page import CommitRef, ReportPage
from ownit.core.svg_charts import Bar, Series, bar_chart, percent

OWNED = Series("Owned", "#1f5fa6", "solid")
UNOWNED = Series("Committed unowned", "#c4501a", "hatch")
UNCLAIMED = Series("Unclaimed", "#7b8794", "dots")
STATUSES = (OWNED, UNOWNED, UNCLAIMED)
TIP_OWNED = Series("Owned", "#1f5fa6", "solid")
TIP_UNOWNED = Series("Unowned", "#c4501a", "hatch")
TIP_INVALID = Series("Invalid claim", "#8a1c7c", "dots")
TIP_STATUSES = (TIP_OWNED, TIP_UNOWNED, TIP_INVALID)
TIP_ROWS_AT_MOST = 500  # regions listed in a table; SARIF and --json list them all
CHART_BARS_AT_MOST = 30
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class Section:
    id: str  # the anchor the contents link to
    title: str  # plain text (escaped when rendered)
    body: str  # HTML, every repository value in it escaped


SectionBuilder = Callable[[ReportPage], Section | None]


# --------------------------------------------------------------------------- helpers


def _num(value: int) -> str:
    return f"{value:,}"


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{_num(count)} {word if count == 1 else (many or word + 's')}"


def _share(lines: Lines) -> str:
    share = lines.owned_share
    return "–" if share is None else percent(share)


def _day(seconds: int) -> datetime.date:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).date()


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _code(text: str) -> str:
    return f"<code>{esc(text)}</code>"


def _path(text: str) -> str:
    """A path in code type that may wrap after each ``/`` (and anywhere, if it must)."""
    return f"<code>{esc(text).replace('/', '/<wbr>')}</code>"


def _emails(emails: Sequence[str]) -> str:
    """E-mails, one a line, each free to wrap before its ``@``."""
    return "<br>".join(esc(email).replace("@", "<wbr>@") for email in emails)


def _commit(ref: CommitRef) -> str:
    return (
        f'<code title="{esc(ref.sha)}">{esc(ref.sha[:10])}</code> {esc(ref.subject)} '
        f'<span class="muted">({_long_date(_day(ref.time))})</span>'
    )


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    caption: str = "",
    css: str = "",
) -> str:
    """A table of cells that are HTML already (headers are plain text)."""
    right = set(numeric)

    def cls(index: int) -> str:
        return ' class="num"' if index in right else ""

    head = "".join(f'<th scope="col"{cls(i)}>{esc(h)}</th>' for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    attr = f' class="{css}"' if css else ""
    return (
        f'<div class="table-wrap"><table{attr}>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _lines_cells(lines: Lines) -> list[str]:
    return [
        _num(lines.total),
        _num(lines.owned),
        _num(lines.unowned),
        _num(lines.unclaimed),
        _num(lines.invalid),
        _share(lines),
    ]


_LINES_HEADER = ["AI lines", "owned", "unowned", "unclaimed", "invalid", "owned share"]


def _label_chars(labels: Sequence[str]) -> int:
    return min(max((len(label) for label in labels), default=8), 30) if labels else 8


def _figure(chart: str, caption: str, *, with_legend: str = "") -> str:
    return (
        f'<figure class="chart-figure">{with_legend}{chart}'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def _status_bars(chart_id: str, title: str, rows: Sequence[tuple[str, Lines]], unit: str) -> str:
    bars = [Bar(label, (lines.owned, lines.unowned, lines.unclaimed)) for label, lines in rows]
    return bar_chart(
        chart_id,
        title,
        bars,
        STATUSES,
        description=f"{title}: for each, the {unit} owned, committed unowned and unclaimed.",
        unit=unit,
        label_chars=_label_chars([label for label, _ in rows]),
    )
