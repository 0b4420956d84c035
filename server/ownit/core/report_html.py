"""The HTML report (``ownit report --html FILE``): one self-contained page — inline CSS,
charts as inline SVG (``ownit.core.svg_charts``), no script, nothing fetched — readable
in a browser and printable. Pure: a :class:`ReportPage` in, the page's text out.

The page is a masthead (the repository, the range, its tip, the policy, when it was
made) and then the sections of :data:`SECTIONS`, in order: each is a function of the
page that returns a :class:`Section`, or None to leave the section out (nothing to
show: a section is never an empty shell). A new view is a new function added there.

Everything that comes from the repository (paths, e-mails, tools, subjects, rationales,
policy text) goes through :func:`ownit.core.html_text.esc`; the page also carries a
Content-Security-Policy that lets nothing load or run, as defence in depth.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ownit.core import tip_view as tv
from ownit.core.html_text import esc
from ownit.core.report import Lines
from ownit.core.report_page import CommitRef, ReportPage
from ownit.core.report_timeline import Period, Timeline
from ownit.core.svg_charts import Bar, Point, Series, bar_chart, legend, percent, share_chart
from ownit.core.tip_view import Counts, TipRegion
from ownit.core.verify import claim_command, subject_of

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
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


# --------------------------------------------------------------------------- sections


def summary(page: ReportPage) -> Section:
    report = page.report
    if report.empty:
        what = (
            "The repository has no commits yet"
            if page.tip is None
            else "There are no commits in this range"
        )
        return Section("summary", "Summary", f'<p class="empty">{what}: nothing to report.</p>')
    lines = report.lines
    tip_lines = sum(item.last - item.first + 1 for item in report.at_tip)
    cards = [
        (
            "Owned share",
            _share(lines),
            f"{_num(lines.owned)} of {_plural(lines.total, 'AI-written line')} owned",
        ),
        (
            "AI-written lines",
            _num(lines.total),
            f"owned {_num(lines.owned)} · committed unowned {_num(lines.unowned)} · "
            f"unclaimed {_num(lines.unclaimed)} · invalid claims {_num(lines.invalid)}",
        ),
        (
            "AI-assisted commits",
            _num(report.ai_commits),
            f"of {_plural(report.commits, 'commit')} · "
            f"{_num(report.ai_commits_without_claims)} with no claim",
        ),
        (
            "Unowned at the tip",
            _plural(len(report.at_tip), "region"),
            f"{_plural(tip_lines, 'line')} still to claim" if report.at_tip else "nothing to claim",
        ),
    ]
    lead = (
        f"Of the {_plural(lines.total, 'line')} AI tools wrote in this range, "
        f"{_num(lines.owned)} ({_share(lines)}) are owned by a developer who stated why the "
        "code is right"
    )
    if report.at_tip:
        lead += (
            f"; {_plural(len(report.at_tip), 'region')} of code ({_plural(tip_lines, 'line')}) "
            "are still unowned at the tip"
        )
    html = [f'<p class="lead">{esc(lead)}.</p>', '<div class="cards">']
    for label, value, detail in cards:
        html.append(
            f'<div class="card"><div class="card-label">{esc(label)}</div>'
            f'<div class="card-value">{esc(value)}</div>'
            f'<div class="card-detail">{esc(detail)}</div></div>'
        )
    html.append("</div>")
    chart = _status_bars("chart-all", "All AI-written lines", [("all lines", lines)], "lines")
    html.append(
        _figure(
            chart,
            "Every AI-written line of the range, by status.",
            with_legend=legend("chart-all", STATUSES),
        )
    )
    html.append(
        '<dl class="terms">'
        "<dt>Owned</dt><dd>A developer claimed the code (<code>AI-Owned</code>) with a "
        "rationale: they answer for it as for their own.</dd>"
        "<dt>Committed unowned</dt><dd>Committed with an <code>AI-Unowned</code> claim and "
        "not owned since.</dd>"
        "<dt>Unclaimed</dt><dd>Lines an AI-assisted commit added without any claim for "
        "them. Its trailer or author attributes the whole commit to an AI tool "
        "(commit-level): it does not say which of its lines an AI wrote.</dd></dl>"
    )
    by = report.evidence
    html.append(
        '<p class="note">Evidence: '
        f"{_num(by.get('exact', 0))} exact (a claim line names the lines), "
        f"{_num(by.get('corroborated', 0))} corroborated (commit-level: a co-author or "
        "<code>Assisted-by</code> trailer naming a tool, a known bot author) and "
        f"{_num(by.get('inferred', 0))} inferred (commit-level: a trailer a tool also "
        "writes without AI code).</p>"
    )
    if report.shallow_skipped:
        html.append(
            f'<p class="note">{_plural(report.shallow_skipped, "AI-assisted commit")} at '
            "the edge of this shallow clone could not be counted (their parents are "
            "missing): fetch more history for a complete report.</p>"
        )
    return Section("summary", "Summary", "".join(html))


def _period_label(period: Period, timeline: Timeline) -> tuple[str, str, str]:
    """(tick, sublabel, name in a table) of one period."""
    day = period.start
    if timeline.unit == "week":
        return f"{day.day} {_MONTHS[day.month - 1]}", str(day.year), f"week of {day.isoformat()}"
    return _MONTHS[day.month - 1], str(day.year), f"{_MONTH_NAMES[day.month - 1]} {day.year}"


def share_over_time(page: ReportPage) -> Section | None:
    timeline = page.timeline
    if page.report.empty or not timeline.periods or timeline.start is None:
        return None
    unit = timeline.unit
    points, rows = [], []
    for period in timeline.periods:
        tick, sub, name = _period_label(period, timeline)
        lines = period.lines
        share = lines.owned_share
        note = (
            f"{name}: no AI-written lines yet"
            if share is None
            else f"{name}: {percent(share)} owned ({_num(lines.owned)} of "
            f"{_plural(lines.total, 'AI-written line')})"
        )
        points.append(Point(tick, sub, share, note))
        rows.append([esc(name), _num(period.commits), *_lines_cells(lines)])
    first, last = timeline.start, timeline.end or timeline.start
    span = f"from {_long_date(first)} to {_long_date(last)}"
    count = len(timeline.periods)
    description = (
        f"The owned share of the AI-written lines counted so far, at the end of each {unit} "
        f"(UTC), {span}; {_plural(count, unit)}."
    )
    chart = share_chart(
        "chart-share",
        "Owned share over time",
        points,
        color=OWNED.color,
        description=description,
    )
    body = [
        f"<p>{esc(description)} Each point counts every commit of the range up to the end of "
        f"its {unit}.</p>",
        _figure(chart, f"Owned share of AI-written lines, by {unit} (UTC)."),
    ]
    if count == 1:
        body.append(
            f'<p class="note">The range spans a single {unit}: a trend shows once it spans '
            "more.</p>"
        )
    body.append(
        '<details class="data"><summary>The numbers behind the chart</summary>'
        + _table([unit, "commits", *_LINES_HEADER], rows, numeric=range(1, 7))
        + "</details>"
    )
    return Section("share-over-time", "Owned share over time", "".join(body))


def by_tool(page: ReportPage) -> Section | None:
    report = page.report
    if report.empty or not report.tools:
        return None
    chart = _status_bars(
        "chart-tools",
        "AI-written lines by tool",
        [(row.tool, row.lines) for row in report.tools],
        "lines",
    )
    rows = [[esc(t.tool), _num(t.commits), *_lines_cells(t.lines)] for t in report.tools]
    body = (
        "<p>The AI tools behind the range's commits: the tool an AI-assisted commit names, "
        "or the tools its claims name.</p>"
        + _figure(
            chart,
            "AI-written lines by tool and status.",
            with_legend=legend("chart-tools", STATUSES),
        )
        + _table(["tool", "commits", *_LINES_HEADER], rows, numeric=range(1, 7))
    )
    return Section("by-tool", "By tool", body)


def by_owner(page: ReportPage) -> Section | None:
    report = page.report
    if report.empty:
        return None
    if not report.owners:
        return Section(
            "by-owner",
            "By owner",
            '<p class="empty">Nobody owns AI-written code in this range yet.</p>',
        )
    charted = report.owners[:CHART_BARS_AT_MOST]
    bars = [Bar(o.owner, (o.lines,)) for o in charted]
    chart = bar_chart(
        "chart-owners",
        "Owned lines by owner",
        bars,
        (OWNED,),
        description="For each person who owns AI-written code, the lines they own.",
        label_chars=_label_chars([o.owner for o in charted]),
    )
    caption = "Owned lines by owner"
    if len(charted) < len(report.owners):
        caption += f" (the top {_num(len(charted))}; the table has them all)"
    rows = [
        [_emails([o.owner]), _num(o.regions), _num(o.lines), _num(len(o.paths))]
        for o in report.owners
    ]
    body = (
        "<p>Who owns the AI-written code: a piece of code two people claimed counts for "
        "both.</p>"
        + _figure(chart, caption + ".")
        + _table(["owner", "pieces of code", "lines owned", "paths"], rows, numeric=(1, 2, 3))
    )
    return Section("by-owner", "By owner", body)


def by_path(page: ReportPage) -> Section | None:
    report = page.report
    if report.empty or not report.paths:
        return None
    limit = page.path_limit
    shown = report.paths[:limit] if limit > 0 else report.paths
    charted = shown[:CHART_BARS_AT_MOST]
    chart = _status_bars(
        "chart-paths",
        "AI-written lines by path",
        [(row.path, row.lines) for row in charted],
        "lines",
    )
    rows = [
        [
            _path(p.path),
            *_lines_cells(p.lines),
            _emails(sorted(p.owners)) or '<span class="muted">–</span>',
        ]
        for p in shown
    ]
    total = len(report.paths)
    intro = f"The {_plural(total, 'path')} with AI-written lines, most lines first"
    if len(shown) < total:
        intro += f"; the top {_num(len(shown))} are shown (<code>--limit</code> shows more)"
    caption = "AI-written lines by path and status"
    if len(charted) < len(shown):
        caption += f" (the top {_num(len(charted))}; the table has them all)"
    body = (
        f"<p>{intro}.</p>"
        + _figure(chart, caption + ".", with_legend=legend("chart-paths", STATUSES))
        + _table(["path", *_LINES_HEADER, "owners"], rows, numeric=range(1, 6))
    )
    return Section("by-path", "By path", body)


def owned_code(page: ReportPage) -> Section | None:
    report = page.report
    owned = [c for c in report.codes if c.owned]
    if report.empty or not owned:
        return None
    rows = [
        [
            _path(f"{c.path}:{c.first}-{c.last}"),
            _num(c.lines),
            _emails(c.owners),
            esc(c.rationale),
            esc(c.tool),
            f'<code title="{esc(c.commit)}">{esc(c.commit[:10])}</code>',
        ]
        for c in owned
    ]
    body = (
        f"<p>The {_plural(len(owned), 'piece')} of AI-written code owned in this range, "
        "each with the reason its owner gave, as the latest claim records it.</p>"
        + _table(
            ["where", "lines", "owned by", "why it is right", "tool", "claimed in"],
            rows,
            numeric=(1,),
            css="owned",
        )
    )
    return Section("owned-code", "Owned code and the reasons given", body)


def unowned_at_tip(page: ReportPage) -> Section | None:
    report = page.report
    if report.empty:
        return None
    if not report.at_tip:
        body = (
            '<p class="empty">Nothing: every piece of AI-written code committed unowned in '
            "this range was owned later or is gone from the tip.</p>"
        )
        return Section("unowned-at-tip", "Committed unowned, still at the tip", body)
    rows = []
    for item in report.at_tip:
        location = f"{item.claim.path}:{item.first}-{item.last}"
        rows.append(
            [
                _path(location),
                _num(item.last - item.first + 1),
                esc(item.claim.tool),
                f'<code title="{esc(item.commit.sha)}">{esc(item.commit.sha[:10])}</code> '
                + esc(subject_of(item.commit)),
                f'<code class="cmd">{esc(claim_command(item.claim.path, item.first))}</code>',
            ]
        )
    tip = page.tip.sha[:10] if page.tip else "the tip"
    body = (
        "<p>AI-written code committed unowned (<code>AI-Unowned</code>) and still in the "
        f"files of the tip (<code>{esc(tip)}</code>), at its lines there. To own a piece, "
        "the developer who answers for it runs the command shown in a checkout of the tip, "
        "with the reason the code is right.</p>"
        + _table(
            ["where", "lines", "tool", "committed in", "to own it"],
            rows,
            numeric=(1,),
            css="tip",
        )
    )
    return Section("unowned-at-tip", "Committed unowned, still at the tip", body)


def _tip_share(lines: Counts) -> str:
    share = lines.owned_share
    return "–" if share is None else percent(share)


def _tip_cells(lines: Counts) -> list[str]:
    return [
        _num(lines.total),
        _num(lines.owned),
        _num(lines.unowned),
        _num(lines.invalid),
        _tip_share(lines),
    ]


_TIP_HEADER = ["AI lines", "owned", "unowned", "invalid", "owned share"]


def _tip_bars(chart_id: str, title: str, rows: Sequence[tuple[str, Counts]]) -> str:
    bars = [Bar(label, (c.owned, c.unowned, c.invalid)) for label, c in rows]
    return bar_chart(
        chart_id,
        title,
        bars,
        TIP_STATUSES,
        description=f"{title}: for each, the lines owned, unowned and under an invalid claim.",
        unit="lines",
        label_chars=_label_chars([label for label, _ in rows]),
    )


def at_the_tip(page: ReportPage) -> Section | None:
    view = page.report.tip
    if view is None:
        return None
    lines = view.lines
    files = len(view.by_path())
    cards = [
        ("AI-written lines at the tip", _num(lines.total), f"in {_plural(files, 'file')}"),
        ("Owned", _tip_share(lines), f"{_plural(lines.owned, 'line')} with a valid claim"),
        ("Unowned", _num(lines.unowned), "AI-written lines nobody owns"),
        ("Invalid claims", _num(lines.invalid), "lines claimed by a claim that does not hold"),
    ]
    html = [
        '<p class="lead">'
        + esc(
            f"{_plural(lines.total, 'AI-written line')} are in the files of the tip "
            f"({view.tip[:10]}) today, whichever commit of its history brought them: "
            f"{_num(lines.owned)} owned, {_num(lines.unowned)} unowned and "
            f"{_num(lines.invalid)} under a claim that does not hold."
        )
        + "</p>",
        '<div class="cards">',
    ]
    for label, value, detail in cards:
        html.append(
            f'<div class="card"><div class="card-label">{esc(label)}</div>'
            f'<div class="card-value">{esc(value)}</div>'
            f'<div class="card-detail">{esc(detail)}</div></div>'
        )
    html.append("</div>")
    if view.required_unowned != lines.unowned + lines.invalid:
        html.append(
            f'<p class="note">The policy asks {_plural(view.required_unowned, "line")} of '
            "these unowned and invalid lines to be owned; the others are in paths with "
            "<code>require_ownership: false</code> or came before <code>history_since</code>."
            "</p>"
        )
    if lines.total:
        limit = page.path_limit
        paths = view.by_path()
        shown = paths[:limit] if limit > 0 else paths
        charted = shown[:CHART_BARS_AT_MOST]
        html.append(
            _figure(
                _tip_bars(
                    "chart-tip-paths",
                    "AI-written lines at the tip by path",
                    [(r.name, r.lines) for r in charted],
                ),
                "AI-written lines at the tip by path and status"
                + (f" (the top {_num(len(charted))})" if len(charted) < len(paths) else "")
                + ".",
                with_legend=legend("chart-tip-paths", TIP_STATUSES),
            )
        )
        html.append(
            _table(
                ["path", *_TIP_HEADER],
                [[_path(r.name), *_tip_cells(r.lines)] for r in shown],
                numeric=range(1, 6),
            )
        )
        if len(shown) < len(paths):
            html.append(
                f'<p class="note">…and {_plural(len(paths) - len(shown), "more path")} '
                "(<code>--limit</code> shows more).</p>"
            )
        tools = view.by_tool()
        html.append("<h3>By tool</h3>")
        html.append(
            _figure(
                _tip_bars(
                    "chart-tip-tools",
                    "AI-written lines at the tip by tool",
                    [(r.name, r.lines) for r in tools[:CHART_BARS_AT_MOST]],
                ),
                "AI-written lines at the tip by tool and status.",
                with_legend=legend("chart-tip-tools", TIP_STATUSES),
            )
        )
        html.append(
            _table(
                ["tool", *_TIP_HEADER],
                [[esc(r.name), *_tip_cells(r.lines)] for r in tools],
                numeric=range(1, 6),
            )
        )
        owners = view.by_owner()
        html.append("<h3>By owner</h3>")
        if owners:
            html.append(
                _table(
                    ["owner", "regions", "lines owned", "lines under an invalid claim"],
                    [
                        [
                            _emails([r.name]),
                            _num(r.regions),
                            _num(r.lines.owned),
                            _num(r.lines.invalid),
                        ]
                        for r in owners
                    ],
                    numeric=(1, 2, 3),
                )
            )
        else:
            html.append('<p class="empty">Nobody owns AI-written code at the tip.</p>')
    html.append(
        '<dl class="terms">'
        "<dt>Owned</dt><dd>A valid <code>AI-Owned</code> claim, in the commit that brought "
        "the lines or a later one, owns them.</dd>"
        "<dt>Invalid claim</dt><dd>A claim covers the lines but does not hold (its "
        "fingerprint does not match the committed code, its owner did not make the commit "
        "or is not accepted by the policy, …): they look owned, and are not.</dd>"
        "<dt>Unowned</dt><dd>AI-written (an AI-assisted commit, or an "
        "<code>AI-Unowned</code> claim) and owned by nobody.</dd></dl>"
    )
    return Section("at-the-tip", "AI-written lines at the tip", "".join(html))


def _tip_rows(regions: Sequence[TipRegion]) -> tuple[list[TipRegion], int]:
    shown = list(regions[:TIP_ROWS_AT_MOST])
    return shown, len(regions) - len(shown)


def invalid_at_tip(page: ReportPage) -> Section | None:
    view = page.report.tip
    if view is None:
        return None
    regions = view.of(tv.INVALID)
    if not regions:
        return None
    shown, left = _tip_rows(regions)
    rows = [
        [
            _path(r.location),
            _num(r.lines),
            esc(r.tool),
            _emails([r.owner or "–"]),
            f'<code title="{esc(r.claim_commit or "")}">{esc((r.claim_commit or "")[:10])}</code>',
            esc(r.reason) + (f' <span class="muted">({esc(r.code)})</span>' if r.code else ""),
            f'<code class="cmd">{esc(claim_command(r.path, r.first))}</code>',
        ]
        for r in shown
    ]
    body = (
        f"<p>{_plural(len(regions), 'region')} of AI-written code at the tip "
        f"({_plural(sum(r.lines for r in regions), 'line')}) carry an ownership claim that "
        "does not hold, so they are not owned. Each is listed with the claim's commit and "
        "why it fails; the owner claims the code again with the command shown.</p>"
        + _table(
            [
                "where",
                "lines",
                "tool",
                "claimed by",
                "claim in",
                "why it does not hold",
                "to own it",
            ],
            rows,
            numeric=(1,),
            css="tip",
        )
    )
    if left:
        body += (
            f'<p class="note">…and {_plural(left, "more region")}: '
            "<code>ownit report --json</code> or <code>--format sarif</code> lists them "
            "all.</p>"
        )
    return Section("invalid-at-tip", "Invalid claims at the tip", body)


def unowned_lines_at_tip(page: ReportPage) -> Section | None:
    view = page.report.tip
    if view is None:
        return None
    regions = view.of(tv.UNOWNED)
    if not regions:
        return None
    ordered = sorted(regions, key=lambda r: (not r.required, -r.lines, r.path, r.first))
    shown, left = _tip_rows(ordered)
    rows = [
        [
            _path(r.location),
            _num(r.lines),
            esc(r.tool),
            f'<code title="{esc(r.commit)}">{esc(r.commit[:10])}</code>',
            "yes" if r.required else '<span class="muted">no</span>',
            f'<code class="cmd">{esc(claim_command(r.path, r.first))}</code>',
        ]
        for r in shown
    ]
    body = (
        f"<p>{_plural(len(regions), 'region')} of AI-written code at the tip "
        f"({_plural(sum(r.lines for r in regions), 'line')}) that nobody owns, largest "
        "first among those the policy asks to be owned. To own a piece, the developer who "
        "answers for it runs the command shown in a checkout of the tip.</p>"
        + _table(
            ["where", "lines", "tool", "introduced in", "policy asks", "to own it"],
            rows,
            numeric=(1,),
            css="tip",
        )
    )
    if left:
        body += (
            f'<p class="note">…and {_plural(left, "more region")}: '
            "<code>ownit report --json</code> or <code>--format sarif</code> lists them "
            "all.</p>"
        )
    return Section("unowned-lines-at-tip", "Unowned AI-written lines at the tip", body)


def policy_in_force(page: ReportPage) -> Section | None:
    policy = page.policy
    if policy is None:
        return None
    defaults = "".join(
        f"<div><dt>{_code(key)}</dt><dd>{esc(value)}</dd></div>" for key, value in policy.defaults
    )
    html = [
        f"<p>The policy in force: {esc(policy.source)}, version {policy.version}. Each path "
        "takes the defaults, then every rule whose paths match it, in order: the last "
        "match wins, key by key.</p>",
        f'<h3>Defaults</h3><dl class="kv">{defaults}</dl>',
    ]
    if policy.rules:
        rows = []
        for rule in policy.rules:
            name = f"<strong>{esc(rule.name)}</strong>"
            if rule.description:
                name += f'<div class="muted">{esc(rule.description)}</div>'
            paths = " ".join(_code(p) for p in rule.paths)
            sets = "<br>".join(f"{_code(k)} {esc(v)}" for k, v in rule.sets) or "nothing"
            rows.append([name, paths, sets])
        html += ["<h3>Rules</h3>", _table(["rule", "paths", "sets"], rows, css="rules")]
    excluded = " ".join(_code(p) for p in policy.exclude)
    not_tracked = []
    if excluded:
        not_tracked.append(f"paths matching {excluded}")
    if policy.exclude_linguist:
        not_tracked.append(
            "files marked <code>linguist-generated</code> or <code>linguist-vendored</code> "
            "in <code>.gitattributes</code>"
        )
    if not_tracked:
        html.append(f"<h3>Not counted</h3><p>{'; '.join(not_tracked)}.</p>")
    if policy.ai_commit_patterns:
        rows = [
            [esc(p.name), esc(p.looks_at), _code(p.match), esc(p.tool) or "–"]
            for p in policy.ai_commit_patterns
        ]
        html += [
            "<h3>What marks a commit as AI-assisted</h3>",
            _table(["pattern", "looks at", "matches", "tool"], rows, css="patterns"),
        ]
    return Section("policy", "Policy in force", "".join(html))


def method(page: ReportPage) -> Section | None:
    if page.report.empty:
        return None
    body = (
        "<ul>"
        "<li>Claimed code is counted once per piece of code (path and content fingerprint), "
        "however many commits claim it; its latest claim in the range says whether it is "
        "owned, and how many lines it has.</li>"
        "<li>Unclaimed lines are the lines an AI-assisted commit added to a path it carries "
        "no claim for, blank lines included.</li>"
        "<li>Each claim is judged as <code>ownit verify</code> judges it (its code, its "
        "owner, its signature where the policy asks for one): lines only invalid claims "
        "speak for are counted as invalid, never as owned.</li>"
        "<li>At the tip, every line of the tip's files is traced to the commit that "
        "brought it (<code>git blame</code>), whatever the range; only claims that hold "
        "count there (the checks of <code>ownit verify</code>).</li>"
        "<li>Times are committer times, in UTC.</li>"
        "</ul>"
    )
    return Section("method", "How this report counts", body)


def _inline(text: str) -> str:
    """Statement text (``code`` in backticks) as HTML, escaped."""
    parts = text.split("`")
    return "".join(
        f"<code>{esc(part)}</code>" if index % 2 else esc(part) for index, part in enumerate(parts)
    )


def statement(page: ReportPage) -> Section | None:
    """The AI statement (``ownit report --statement``): the page's first section."""
    made = page.statement
    if made is None:
        return None
    from ownit.core.statement import TABLE_HEADER, table_rows

    html = [f'<p class="muted">{_inline(made.subtitle)}</p>']
    for part in made.sections:
        html.append(f"<p><strong>{esc(part.title)}.</strong> {_inline(part.text)}</p>")
        if part.items:
            html.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in part.items) + "</ul>")
    rows = [
        [_code(row[0]) if row[0] != "all" else "<strong>all</strong>"]
        + [esc(cell) for cell in row[1:]]
        for row in table_rows(made)
    ]
    if rows:
        html.append(_table(TABLE_HEADER, rows, numeric=(2, 3, 4, 5), css="statement"))
    return Section("statement", "AI statement", "".join(html))


SECTIONS: tuple[SectionBuilder, ...] = (
    statement,
    summary,
    share_over_time,
    by_tool,
    by_owner,
    by_path,
    at_the_tip,
    owned_code,
    unowned_at_tip,
    invalid_at_tip,
    unowned_lines_at_tip,
    policy_in_force,
    method,
)


# --------------------------------------------------------------------------- the page


def _masthead(page: ReportPage) -> str:
    facts = [("Range", _code(page.range))]
    if page.tip is not None:
        facts.append(("Tip", _commit(page.tip)))
    if page.base is not None:
        facts.append(("Base", f'<code title="{esc(page.base)}">{esc(page.base[:10])}</code>'))
    if page.policy is not None:
        facts.append(("Policy", esc(page.policy.source)))
    generated = page.generated_at.astimezone(datetime.UTC)
    facts.append(
        (
            "Generated",
            f"{_long_date(generated.date())}, {generated:%H:%M} UTC by {esc(page.generator)}",
        )
    )
    rows = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts)
    return (
        '<header class="masthead"><p class="kicker">AI-written code ownership report</p>'
        f"<h1>{esc(page.repository)}</h1>"
        f'<dl class="facts">{rows}</dl></header>'
    )


def render(page: ReportPage, sections: Sequence[SectionBuilder] = SECTIONS) -> str:
    """The whole page, as one self-contained HTML document."""
    built = [section for builder in sections if (section := builder(page)) is not None]
    toc = "".join(f'<li><a href="#{s.id}">{esc(s.title)}</a></li>' for s in built)
    body = "".join(
        f'<section id="{s.id}" aria-labelledby="{s.id}-h">'
        f'<h2 id="{s.id}-h">{esc(s.title)}</h2>{s.body}</section>'
        for s in built
    )
    title = f"ownit report: {page.repository} — {page.range}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light">'
        f'<meta name="generator" content="{esc(page.generator)}">'
        '<link rel="icon" href="data:,">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{_masthead(page)}"
        f'<nav class="toc" aria-label="Contents"><ol>{toc}</ol></nav>'
        f"{body}<footer><p>Made by {esc(page.generator)} from the commits of the "
        "repository: nothing in this page was fetched or runs.</p></footer>"
        "</main></body></html>\n"
    )


STYLE = """
:root {
  --ink: #1b1f24; --muted: #57606a; --line: #d8dde3; --soft: #f3f5f7;
  --accent: #0b3d6e; --owned: #1f5fa6;
}
* { box-sizing: border-box; }
html {
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
    "DejaVu Sans", Arial, sans-serif;
  color: var(--ink); background: #eef1f4;
}
body { margin: 0; }
main {
  max-width: 1040px; margin: 24px auto; padding: 36px 48px 28px; background: #fff;
  border: 1px solid var(--line); border-radius: 6px;
}
code, .mono {
  font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.86em; overflow-wrap: anywhere;
}
.muted { color: var(--muted); }
.masthead { border-bottom: 3px solid var(--accent); padding-bottom: 18px; }
.kicker {
  margin: 0; color: var(--accent); font-weight: 700; letter-spacing: 0.08em;
  text-transform: uppercase; font-size: 12px;
}
h1 { margin: 4px 0 14px; font-size: 30px; line-height: 1.2; overflow-wrap: anywhere; }
.facts {
  display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0;
  font-size: 14px;
}
.facts dt { color: var(--muted); font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
.toc ol {
  list-style: none; display: flex; flex-wrap: wrap; gap: 6px 20px; padding: 12px 0 0;
  margin: 0; font-size: 14px;
}
.toc a { color: var(--accent); text-decoration: none; }
.toc a:hover { text-decoration: underline; }
section { margin-top: 38px; }
h2 {
  font-size: 20px; margin: 0 0 12px; padding-bottom: 6px;
  border-bottom: 1px solid var(--line); color: var(--accent);
}
h3 { font-size: 16px; margin: 22px 0 8px; }
p { margin: 8px 0; max-width: 78ch; }
.lead { font-size: 17px; margin: 4px 0 16px; }
.cards {
  display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 14px;
  margin: 6px 0 18px;
}
.card { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px;
  padding: 12px 16px; break-inside: avoid; }
.card-label { font-size: 13px; color: var(--muted); font-weight: 600; }
.card-value { font-size: 30px; font-weight: 700; line-height: 1.25;
  font-variant-numeric: tabular-nums; }
.card-detail { font-size: 13px; color: var(--muted); }
figure.chart-figure { margin: 14px 0 18px; break-inside: avoid; }
figure svg.chart { display: block; width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0 0 6px;
  padding: 0; font-size: 13px; }
.legend li { display: flex; align-items: center; gap: 7px; }
.legend svg { flex: none; }
.terms { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px;
  font-size: 14px; margin: 10px 0; }
.terms dt { font-weight: 600; }
.terms dd { margin: 0; }
.table-wrap { overflow-x: auto; margin: 10px 0 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.kv { columns: 2 22em; column-gap: 32px; margin: 8px 0; font-size: 14px; }
dl.kv div { break-inside: avoid; display: flex; gap: 10px; padding: 4px 0;
  border-bottom: 1px solid var(--line); }
dl.kv dt { flex: 0 0 48%; min-width: 0; }
dl.kv dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
table.tip code.cmd { white-space: pre-wrap; }
table.rules td:first-child { width: 26%; }
@media screen {
  table.owned td:nth-child(4) { min-width: 16em; }
  table.owned td:first-child, table.tip td:first-child { min-width: 14em; }
  table.owned td:nth-child(3) { min-width: 11em; }
  table.owned td:nth-child(5), table.tip td:nth-child(3) { min-width: 7.5em; }
}
table.rules td:nth-child(2) code { display: inline-block; margin: 0 4px 2px 0; }
details.data { margin: 6px 0; font-size: 14px; }
details.data summary { cursor: pointer; color: var(--accent); }
.note { color: var(--muted); font-size: 14px; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--line);
  font-size: 12px; color: var(--muted); }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { background: #fff; font-size: 10.5pt; }
  main { max-width: none; margin: 0; padding: 0; border: 0; }
  .toc, details.data { display: none; }
  section { break-before: page; margin-top: 0; }
  section:first-of-type { break-before: auto; margin-top: 20px; }
  h2, h3 { break-after: avoid; }
  figure, .card, tr { break-inside: avoid; }
  .cards { grid-template-columns: repeat(4, 1fr); gap: 8px; }
  .card { padding: 8px 10px; }
  .card-value { font-size: 18pt; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: 4px 6px; }
  thead { display: table-header-group; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
""".strip()
