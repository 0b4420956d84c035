"""The HTML report's sections about the range's history: the summary, the owned share over
time, by tool, by owner, by path, the owned code and what is left unowned. Pure."""

from __future__ import annotations

from ownit.core.claim_validity import claim_command
from ownit.core.html_text import esc
from ownit.core.report_html_parts import (
    _LINES_HEADER,
    _MONTH_NAMES,
    _MONTHS,
    CHART_BARS_AT_MOST,
    OWNED,
    STATUSES,
    Section,
    _emails,
    _figure,
    _label_chars,
    _lines_cells,
    _long_date,
    _num,
    _path,
    _plural,
    _share,
    _status_bars,
    _table,
)
from ownit.core.report_page import ReportPage
from ownit.core.report_timeline import Period, Timeline
from ownit.core.svg_charts import Bar, Point, bar_chart, legend, percent, share_chart
from ownit.core.verify_findings import subject_of

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
