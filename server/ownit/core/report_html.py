"""The HTML report (``ownit report --html FILE``): one self-contained page — inline CSS,
charts as inline SVG (``ownit.core.svg_charts``), no script, nothing fetched — readable
in a browser and printable. Pure: a :class:`ReportPage` in, the page's text out.

The page is a masthead (the repository, the range, its tip, the policy, when it was
made) and then the sections of :data:`SECTIONS`, in order: each is a function of the
page that returns a :class:`Section`, or None to leave the section out (nothing to
show: a section is never an empty shell). A new view is a new function added there.
The sections live by subject: the range's history in ``report_html_history``, the tip
in ``report_html_tip``, the policy, the method and the statement here; what they share
in ``report_html_parts``, the style sheet in ``report_html_style``.

Everything that comes from the repository (paths, e-mails, tools, subjects, rationales,
policy text) goes through :func:`ownit.core.html_text.esc`; the page also carries a
Content-Security-Policy that lets nothing load or run, as defence in depth.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from ownit.core.html_text import esc
from ownit.core.report_html_history import (
    by_owner,
    by_path,
    by_tool,
    owned_code,
    share_over_time,
    summary,
    unowned_at_tip,
)
from ownit.core.report_html_parts import Section, SectionBuilder, _code, _commit, _long_date, _table
from ownit.core.report_html_style import STYLE
from ownit.core.report_html_tip import at_the_tip, invalid_at_tip, unowned_lines_at_tip
from ownit.core.report_page import ReportPage

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


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
