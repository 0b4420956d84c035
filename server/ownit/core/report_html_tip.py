"""The HTML report's sections about the tip: what its AI-written lines are now (owned,
unowned, invalid claims), by path and tool, and the regions left to own. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from ownit.core import tip_view as tv
from ownit.core.claim_validity import claim_command
from ownit.core.html_text import esc
from ownit.core.report_html_parts import (
    CHART_BARS_AT_MOST,
    TIP_ROWS_AT_MOST,
    TIP_STATUSES,
    Section,
    _emails,
    _figure,
    _label_chars,
    _num,
    _path,
    _plural,
    _table,
)
from ownit.core.report_page import ReportPage
from ownit.core.svg_charts import Bar, bar_chart, legend, percent
from ownit.core.tip_view import Counts, TipRegion


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
    body += _more_regions(left)
    return Section("invalid-at-tip", "Invalid claims at the tip", body)


def _more_regions(left: int) -> str:
    """The note under a table cut to its first rows: how many more, and where they all are."""
    if not left:
        return ""
    return (
        f'<p class="note">…and {_plural(left, "more region")}: '
        "<code>ownit report --json</code> or <code>--format sarif</code> lists them "
        "all.</p>"
    )


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
    body += _more_regions(left)
    return Section("unowned-lines-at-tip", "Unowned AI-written lines at the tip", body)
