"""`ownit report` as text for a terminal and as Markdown (a CI job summary): the figures
of a :class:`~ownit.core.report.Report` as tables, then its at-the-tip view. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from ownit.core.columns import table
from ownit.core.model import Evidence
from ownit.core.printable import printable
from ownit.core.report import Lines, Report
from ownit.core.tip_view import INVALID, UNOWNED, Counts, TipRegion, TipView
from ownit.core.unowned_at_tip import UnownedAtTip
from ownit.core.verify_findings import subject_of


def evidence_text(report: Report) -> str:
    """The AI-written lines by evidence class, in words."""
    found = report.evidence
    exact = found.get(Evidence.EXACT.value, 0)
    corroborated = found.get(Evidence.CORROBORATED.value, 0)
    inferred = found.get(Evidence.INFERRED.value, 0)
    return (
        f"evidence: exact {exact} (claim lines name them), corroborated {corroborated} and "
        f"inferred {inferred} (commit-level: the commit's trailer or author attributes all "
        "the lines it added, not line by line)"
    )


# --------------------------------------------------------------------------- rendering


def _share(lines: Lines) -> str:
    share = lines.owned_share
    return "-" if share is None else f"{share:.0%}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _tables(
    report: Report, by: Sequence[str], limit: int
) -> list[tuple[str, list[str], list[list[str]], int]]:
    """(title, header, rows, rows left out) for each breakdown asked for; the cells
    from commit data (owners, tools, paths) escaped (:func:`printable`)."""
    out: list[tuple[str, list[str], list[list[str]], int]] = []
    for kind in by:
        if kind == "owner":
            rows = [
                [printable(o.owner), str(o.regions), str(o.lines), str(len(o.paths))]
                for o in report.owners
            ]
            out.append(("Owners", ["owner", "regions", "lines", "paths"], rows, 0))
        elif kind == "tool":
            rows = [
                [
                    printable(t.tool),
                    str(t.commits),
                    str(t.lines.owned),
                    str(t.lines.unowned),
                    str(t.lines.unclaimed),
                    str(t.lines.invalid),
                    _share(t.lines),
                ]
                for t in report.tools
            ]
            header = ["tool", "commits", "owned", "unowned", "unclaimed", "invalid", "owned share"]
            out.append(("Tools", header, rows, 0))
        elif kind == "path":
            shown = report.paths[:limit] if limit > 0 else report.paths
            rows = [
                [
                    printable(p.path),
                    str(p.lines.total),
                    str(p.lines.owned),
                    str(p.lines.unowned),
                    str(p.lines.unclaimed),
                    str(p.lines.invalid),
                    _share(p.lines),
                    printable(", ".join(sorted(p.owners))) or "-",
                ]
                for p in shown
            ]
            header = [
                "path",
                "AI lines",
                "owned",
                "unowned",
                "unclaimed",
                "invalid",
                "owned share",
                "owners",
            ]
            title = "Paths" if len(shown) == len(report.paths) else f"Paths (top {len(shown)})"
            out.append((title, header, rows, len(report.paths) - len(shown)))
    return out


def _summary(report: Report) -> list[str]:
    lines = report.lines
    tools = printable(", ".join(f"{t.tool} {t.commits}" for t in report.tools)) or "none"
    out = [
        f"{_plural(report.commits, 'commit')}, {report.ai_commits} AI-assisted "
        f"({report.ai_commits_without_claims} of them with no claim), "
        f"{report.commits_with_claims} with claims",
        f"tools (commits): {tools}",
        f"AI-written lines: {lines.total} — owned {lines.owned} ({_share(lines)}), "
        f"committed unowned {lines.unowned}, in AI-assisted commits with no claim "
        f"{lines.unclaimed}, with only invalid claims {lines.invalid}",
        evidence_text(report),
    ]
    if report.shallow_skipped:
        out.append(
            f"{_plural(report.shallow_skipped, 'AI-assisted commit')} at the edge of this "
            "shallow clone not counted (their parents are missing)"
        )
    for row in report.tools:
        if row.unapproved and row.lines.total:
            out.append(
                printable(
                    f"unapproved tool: {row.tool} ({_plural(row.lines.total, 'line')}):"
                    f" {row.unapproved} [unapproved-tool]"
                )
            )
    return out


def _tip_share(lines: Counts) -> str:
    share = lines.owned_share
    return "-" if share is None else f"{share:.0%}"


def _tip_tables(
    view: TipView, by: Sequence[str], limit: int
) -> list[tuple[str, list[str], list[list[str]], int]]:
    """The at-the-tip breakdowns asked for, as :func:`_tables` gives them."""
    out: list[tuple[str, list[str], list[list[str]], int]] = []
    header = ["AI lines", "owned", "unowned", "invalid", "owned share"]

    def counts(lines: Counts) -> list[str]:
        return [
            str(lines.total),
            str(lines.owned),
            str(lines.unowned),
            str(lines.invalid),
            _tip_share(lines),
        ]

    for kind in by:
        if kind == "owner":
            rows = [
                [printable(r.name), str(r.regions), str(r.lines.owned), str(r.lines.invalid)]
                for r in view.by_owner()
            ]
            out.append(("At the tip, by owner", ["owner", "regions", "owned", "invalid"], rows, 0))
        elif kind == "tool":
            rows = [[printable(r.name), *counts(r.lines)] for r in view.by_tool()]
            out.append(("At the tip, by tool", ["tool", *header], rows, 0))
        elif kind == "path":
            every = view.by_path()
            shown = every[:limit] if limit > 0 else every
            rows = [[printable(r.name), *counts(r.lines)] for r in shown]
            title = "At the tip, by path"
            if len(shown) != len(every):
                title += f" (top {len(shown)})"
            out.append((title, ["path", *header], rows, len(every) - len(shown)))
    return out


def _tip_headline(view: TipView) -> list[str]:
    lines = view.lines
    out = [
        f"{lines.total} AI-written lines in {_plural(len(view.by_path()), 'file')} of "
        f"the {view.tracked_files} the policy tracks (blame of the tip)",
        f"owned {lines.owned} ({_tip_share(lines)}), unowned {lines.unowned}, invalid "
        f"{lines.invalid} (claimed by a claim that does not hold)",
    ]
    if view.required_unowned != lines.unowned + lines.invalid:
        out.append(
            f"the policy asks {view.required_unowned} of the unowned and invalid lines to be "
            "owned (the others are in paths with require_ownership: false or before "
            "history_since)"
        )
    return out


def _tip_region_text(region: TipRegion) -> str:
    where = printable(region.location)
    tool = printable(region.tool)
    if region.status == INVALID:
        who = printable(region.owner or "nobody")
        claim = (region.claim_commit or "")[:10]
        return f"{where}  {tool}  claimed by {who} in {claim}: {printable(region.reason)}"
    return f"{where}  {tool}  {region.commit[:10]}"


def _tip_regions(view: TipView, status: str, limit: int) -> tuple[list[TipRegion], int]:
    regions = view.of(status)
    shown = regions[:limit] if limit > 0 else regions
    return shown, len(regions) - len(shown)


def _tip_text(view: TipView, by: Sequence[str], limit: int) -> list[str]:
    out = ["", f"At the tip ({view.tip[:10]}):"]
    out += ["  " + line for line in _tip_headline(view)]
    for name, header, rows, left in _tip_tables(view, by, limit):
        out.append("")
        out.append(f"{name}:")
        if not rows:
            out.append("  (none)")
            continue
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = [
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ]
            out.append("  " + "  ".join(cells).rstrip())
        if left:
            out.append(f"  … and {_plural(left, 'more path')} (--limit)")
    for status, title in ((INVALID, "Invalid claims at the tip"), (UNOWNED, "Unowned at the tip")):
        shown, left = _tip_regions(view, status, limit)
        if not shown:
            continue
        count = len(shown) + left
        out += ["", f"{title} ({_plural(count, 'region')}):"]
        out += ["  " + _tip_region_text(region) for region in shown]
        if left:
            out.append(
                f"  … and {_plural(left, 'more region')} (--limit 0, --json, --format sarif)"
            )
    return out


def _tip_markdown(view: TipView, by: Sequence[str], limit: int) -> list[str]:
    lines = view.lines
    out = [
        "",
        f"### At the tip (`{view.tip[:10]}`)",
        "",
        "AI-written lines present in the files of the tip (through blame), whoever wrote "
        "them and whenever.",
        "",
        "| | |",
        "| --- | ---: |",
        f"| AI-written lines at the tip | {lines.total} |",
        f"| owned | {lines.owned} ({_tip_share(lines)}) |",
        f"| unowned | {lines.unowned} |",
        f"| invalid (a claim that does not hold) | {lines.invalid} |",
        f"| unowned or invalid, the policy asks to own | {view.required_unowned} |",
        f"| files with AI-written lines | {len(view.by_path())} of {view.tracked_files} |",
    ]
    for name, header, rows, left in _tip_tables(view, by, limit):
        out += _md_table(f"#### {name}", header, rows, left, code="path" in name)
    for status, title in ((INVALID, "Invalid claims at the tip"), (UNOWNED, "Unowned at the tip")):
        shown, left = _tip_regions(view, status, limit)
        if not shown:
            continue
        out += ["", f"#### {title}", ""]
        if status == INVALID:
            out += [
                "| location | tool | claimed by | why it does not hold |",
                "| --- | --- | --- | --- |",
            ]
            for r in shown:
                out.append(
                    f"| {_md_code(r.location)} | {_md_cell(r.tool)} | "
                    f"{_md_cell(r.owner or '-')} in {(r.claim_commit or '')[:10]} | "
                    f"{_md_cell(r.reason)} |"
                )
        else:
            out += ["| location | tool | introduced in |", "| --- | --- | --- |"]
            for r in shown:
                out.append(f"| {_md_code(r.location)} | {_md_cell(r.tool)} | {r.commit[:10]} |")
        if left:
            out += ["", f"…and {_plural(left, 'more region')}."]
    return out


def _tip_location(item: UnownedAtTip) -> str:
    return printable(f"{item.claim.path}:{item.first}-{item.last}")


def render_text(report: Report, title: str, by: Sequence[str], limit: int) -> str:
    out = [printable(title)]
    if report.empty:
        out.append("no commits in the range: nothing to report")
        return "\n".join(out) + "\n"
    out += ["  " + line for line in _summary(report)]
    for name, header, rows, left in _tables(report, by, limit):
        out.append("")
        out.append(f"{name}:")
        if not rows:
            out.append("  (none)")
            continue
        # Columns as wide as a terminal shows their cells (a CJK path takes two a character).
        right = [i for i, title in enumerate(header) if i > 0 and title != "owners"]
        out += ["  " + line for line in table([header, *rows], right=right)]
        if left:
            out.append(f"  … and {_plural(left, 'more path')} (--limit)")
    out.append("")
    if report.at_tip:
        count = _plural(len(report.at_tip), "region")
        out.append(f"Committed unowned (AI-Unowned), still at the tip ({count}):")
        for item in report.at_tip:
            out.append(
                f"  {_tip_location(item)}  {printable(item.claim.tool)}  "
                f"{item.commit.sha[:10]} {printable(subject_of(item.commit))}"
            )
    else:
        out.append("Committed unowned (AI-Unowned), still at the tip: nothing")
    if report.tip is not None:
        out += _tip_text(report.tip, by, limit)
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    """Repository text as a table cell's literal text: no markup (``<`` and ``&`` as
    entities, as the CI summary writes them), no end of the cell."""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;")
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _md_code(text: str) -> str:
    """Repository text as a code span in a table cell: a backtick in it (which would end
    the span) shown as ``'``, as the statement does; GitHub reads ``\\|`` there as ``|``."""
    return "`" + printable(text).replace("`", "'").replace("|", "\\|") + "`"


def _md_table(
    heading: str, header: Sequence[str], rows: Sequence[Sequence[str]], left: int, *, code: bool
) -> list[str]:
    """A figures table in Markdown under its heading: the first column as code (paths)
    when ``code``, the others right-aligned; "None." when it has no row."""
    out = ["", heading, ""]
    if not rows:
        return [*out, "None."]
    out.append("| " + " | ".join(header) + " |")
    out.append("| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |")
    for row in rows:
        first = _md_code(row[0]) if code else _md_cell(row[0])
        out.append("| " + " | ".join([first, *(_md_cell(cell) for cell in row[1:])]) + " |")
    if left:
        out += ["", f"…and {_plural(left, 'more path')}."]
    return out


def render_markdown(report: Report, title: str, by: Sequence[str], limit: int) -> str:
    out = [f"## {_md_cell(title)}", ""]
    if report.empty:
        out.append("No commits in the range: nothing to report.")
        return "\n".join(out) + "\n"
    lines = report.lines
    out += [
        "| | |",
        "| --- | ---: |",
        f"| commits | {report.commits} |",
        f"| AI-assisted commits | {report.ai_commits} |",
        f"| AI-assisted commits with no claim | {report.ai_commits_without_claims} |",
        f"| commits with claims | {report.commits_with_claims} |",
        f"| AI-written lines | {lines.total} |",
        f"| owned (`AI-Owned`) | {lines.owned} ({_share(lines)}) |",
        f"| committed unowned (`AI-Unowned`) | {lines.unowned} |",
        f"| in AI-assisted commits with no claim | {lines.unclaimed} |",
        f"| claimed only by invalid claims (not owned) | {lines.invalid} |",
        f"| evidence: exact (claim lines) | {report.evidence.get('exact', 0)} |",
        "| evidence: corroborated (commit-level: the commit's trailer, not line by line) | "
        f"{report.evidence.get('corroborated', 0)} |",
        f"| evidence: inferred (commit-level, weak) | {report.evidence.get('inferred', 0)} |",
        f"| committed unowned, still at the tip | {_plural(len(report.at_tip), 'region')} |",
    ]
    if report.shallow_skipped:
        out.append(
            f"| AI-assisted commits not counted (shallow clone) | {report.shallow_skipped} |"
        )
    for tool in report.tools:
        if tool.unapproved and tool.lines.total:
            out.append(
                f"| lines from {_md_code(tool.tool)}, not approved here"
                f" ({_md_cell(tool.unapproved)}) | {tool.lines.total} |"
            )
    for name, header, rows, left in _tables(report, by, limit):
        out += _md_table(f"### {name}", header, rows, left, code=name.startswith("Paths"))
    out += ["", "### Committed unowned (`AI-Unowned`), still at the tip", ""]
    if not report.at_tip:
        out.append(
            "Nothing: every piece of AI-written code committed unowned was owned later or is gone."
        )
    else:
        out.append("| location | tool | commit |")
        out.append("| --- | --- | --- |")
        for item in report.at_tip:
            out.append(
                f"| {_md_code(_tip_location(item))} | {_md_cell(item.claim.tool)} | "
                f"{item.commit.sha[:10]} {_md_cell(subject_of(item.commit))} |"
            )
    if report.tip is not None:
        out += _tip_markdown(report.tip, by, limit)
    out += [
        "",
        "_Invalid claims (a fingerprint that does not match the code, an owner the policy"
        " does not accept, a missing signature where one is required) own nothing;"
        " `ownit verify` says why._",
    ]
    return "\n".join(out) + "\n"
