"""`ownit report --statement`: what a range of commits says about AI, for a client to
read — plain sentences and one table. Pure.

Everything stated comes from the data ``ownit verify`` checks, checked the same way:

- the report (:mod:`ownit.core.report`) is built from the *validated* claims
  (:func:`validated`): a claim verify finds forged (its path, lines or fingerprint do not
  match the committed code) is dropped, and an ``AI-Owned`` claim verify refuses (owner
  not the committer, not allowed, rationale rejected) counts as not owned;
- the verify findings of the same range and policy say what is wrong, and the statement
  lists each one; a sentence such as "every AI-written line is owned" is written only
  when the numbers and the findings both back it;
- tools are judged approved or not by the same rule verify applies (``tools`` /
  ``models`` of each path they wrote in).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ownit.core import trailers as tr
from ownit.core import verify_findings as v
from ownit.core.policy import Policy
from ownit.core.policy.approval import AiUse
from ownit.core.printable import printable
from ownit.core.report import Report
from ownit.core.statement_claims import FORGED, NOT_OWNING, tool_approvals, validated
from ownit.core.verify_findings import CommitLike, Finding
from ownit.core.verify_prepare import Prepared

# validated and tool_approvals are the statement's inputs (commands/report.py and
# _statement.py take them from here).
__all__ = [
    "TABLE_HEADER",
    "Section",
    "Statement",
    "ToolLine",
    "build",
    "render_markdown",
    "table_rows",
    "tool_approvals",
    "validated",
]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    text: str  # plain sentences
    items: tuple[str, ...] = ()  # one line each (code spans in `backticks`)


@dataclass(frozen=True, slots=True)
class ToolLine:
    tool: str
    approved: str  # "yes", or "no: <why>"
    commits: int
    lines: int
    owned: int
    not_owned: int


@dataclass(slots=True)
class Statement:
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
    tools: list[ToolLine] = field(default_factory=list)
    verify_ok: bool = True
    problems: int = 0  # verify errors in the range under this policy

    def to_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "verifyOk": self.verify_ok,
            "problems": self.problems,
            "sections": [
                {"title": s.title, "text": s.text, "items": list(s.items)} for s in self.sections
            ],
            "tools": [
                {
                    "tool": t.tool,
                    "approved": t.approved,
                    "commits": t.commits,
                    "lines": t.lines,
                    "owned": t.owned,
                    "notOwned": t.not_owned,
                }
                for t in self.tools
            ],
        }


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _pct(part: int, whole: int) -> str:
    if not whole:
        return "—"
    share = min(part / whole, 1.0)
    text = f"{share:.0%}"
    if (text == "0%" and part) or (text == "100%" and part < whole):
        text = f"{share:.1%}"  # never "0%" of something nor "100%" of less than all
    return text


def _code(text: str) -> str:
    return "`" + _text(text) + "`"


def _text(text: str) -> str:
    """Repository text (paths, names, messages) made safe to print, and without the
    backticks that delimit code in the statement's sentences."""
    return printable(text).replace("`", "'")


def build(
    *,
    repository: str,
    range_spec: str,
    base: str | None,
    tip: str | None,
    commits: Sequence[CommitLike],
    prepared: Prepared,
    report: Report,
    unclaimed: Mapping[str, Mapping[str, int]],
    findings: Sequence[Finding],
    policy: Policy,
    policy_note: str,
    policy_from: str,
    added_lines: int,
    excluded: frozenset[str] = frozenset(),
    generated_at: datetime.datetime | None = None,
    generator: str = "ownit",
) -> Statement:
    """The statement of the range. ``report`` and ``prepared`` are the validated ones
    (:func:`validated`); ``unclaimed`` what report.build got; ``findings`` verify's;
    ``added_lines`` how many lines the range's commits added outside excluded paths;
    ``policy_from`` is ``base`` or ``tip`` (where ``policy_note``'s file was read)."""
    errors = [f for f in findings if f.severity == v.ERROR]
    when = f" on {generated_at:%Y-%m-%d %H:%M} UTC" if generated_at is not None else ""
    span = f"{base[:10]}..{tip[:10]}" if base and tip else (tip or "")[:10]
    statement = Statement(
        title=f"AI statement: {repository}, {range_spec}",
        subtitle=(
            f"{_n(len(commits), 'commit')} ({span}); written by {generator}{when} from the"
            " commits' own records, checked as `ownit verify` checks them."
        ),
        verify_ok=not errors,
        problems=len(errors),
    )
    lines = report.lines
    total = lines.total
    not_owned = lines.unowned + lines.unclaimed
    if not commits:
        statement.sections.append(
            Section(
                "Nothing to state",
                f"The range holds no commit, so it adds no code. The policy in force would be"
                f" {_text(policy_note)}.",
            )
        )
        return statement

    # -- the policy
    where = (
        "the range's base commit, so no commit under review could change it"
        if policy_from == "base"
        else "the tip of the range (the range has no base commit)"
    )
    statement.sections.append(
        Section(
            "Policy in force",
            f"The policy in force was {_text(policy_note)}, read from {where}. "
            + (
                "`ownit verify` finds no problem in the range under it."
                if not errors
                else f"`ownit verify` finds {_n(len(errors), 'problem')} in the range under"
                " it; each one is listed below."
            ),
        )
    )

    # -- how much is AI-assisted
    if total:
        share = (
            f"Of the {_n(added_lines, 'line')} the range's commits added (outside the paths"
            f" ownit excludes), {_n(total, 'line')} ({_pct(total, added_lines)}) are"
            f" AI-written, in {_n(report.ai_commits, 'AI-assisted commit')} of"
            f" {len(commits)}."
        )
        if total > added_lines:
            share += " (Claims may cover code committed before the range.)"
    else:
        share = (
            f"None of the {_n(added_lines, 'line')} the range's commits added is AI-written:"
            " no commit carries an AI claim, and no commit is marked AI-assisted by the"
            " policy's ai_commit_patterns."
        )
    if report.shallow_skipped:
        share += (
            f" {_n(report.shallow_skipped, 'AI-assisted commit')} at the edge of this shallow"
            " clone could not be counted (their parents are missing): fetch the whole history"
            " for a complete statement."
        )
    statement.sections.append(Section("AI-assisted code", share))

    # -- tools, judged as verify judges them
    approvals = tool_approvals(report, commits, prepared, unclaimed, policy, excluded)
    unapproved_tools: list[str] = []
    for row in report.tools:
        if not row.lines.total:
            continue
        problem = approvals.get(row.tool)
        approved = "yes" if problem is None else "no: " + problem
        if problem is not None:
            unapproved_tools.append(row.tool)
        statement.tools.append(
            ToolLine(
                row.tool,
                approved,
                row.commits,
                row.lines.total,
                row.lines.owned,
                row.lines.unowned + row.lines.unclaimed,
            )
        )
    restricted = policy.defaults.tools is not None or policy.defaults.models is not None
    restricted = restricted or any(
        r.settings.tools is not None or r.settings.models is not None for r in policy.rules
    )
    unapproved = [f for f in errors if f.kind == v.UNAPPROVED_TOOL]
    if not statement.tools:
        tools_text = "No AI tool or model wrote code in the range."
    else:
        named = ", ".join(f"{_code(t.tool)} ({_n(t.lines, 'line')})" for t in statement.tools)
        tools_text = f"The AI-written code came from {named}. "
        if not restricted:
            tools_text += "The policy approves any tool and model (it sets no tools or models)."
        elif not unapproved and not unapproved_tools:
            tools_text += "Every one of them is approved by the policy for the paths it wrote in."
        else:
            tools_text += (
                "Some of it came from a tool or model the policy does not approve where it"
                " was used:"
            )
    statement.sections.append(
        Section(
            "Tools and models",
            tools_text,
            tuple(f"{_code(f.location)}: {_text(f.message)}" for f in unapproved),
        )
    )

    # -- ownership
    people: dict[str, str] = {}  # e-mail -> name, from the Owned-by trailers
    for commit in commits:
        if commit.sha in prepared.claims:
            for someone in tr.parse_message(commit.message).owned_by:
                if someone.name and someone.name != someone.email:
                    people.setdefault(someone.email.casefold(), someone.name)

    def person(email: str) -> str:
        name = people.get(email.casefold())
        return f"{name} <{email}>" if name else email

    owners = ", ".join(f"{_text(person(o.owner))} ({_n(o.lines, 'line')})" for o in report.owners)
    refused = [f for f in errors if f.kind in FORGED | NOT_OWNING]
    missing: list[str] = []
    at_tip = {(i.claim.path, i.claim.fingerprint) for i in report.at_tip}
    for code in report.codes:
        if code.owned:
            continue
        still = (
            "still in the code at the tip"
            if (code.path, code.fingerprint) in at_tip
            else "not in the code at the tip"
        )
        missing.append(
            f"{_code(f'{code.path}:{code.first}-{code.last}')} ({_text(code.tool)}):"
            f" committed without a valid claim in {code.commit[:10]}, {still}"
        )
    for commit in commits:
        for path, count in sorted(unclaimed.get(commit.sha, {}).items()):
            if count:
                missing.append(
                    f"{_n(count, 'line')} of {_code(path)} added by AI-assisted commit"
                    f" {commit.sha[:10]} with no claim"
                )
    missing += [f"{_code(f.location)}: {_text(f.message)} [{f.kind}]" for f in refused]
    if not total:
        owned_text = "There is no AI-written code to own."
    elif not not_owned and not refused:
        owned_text = (
            f"Every AI-written line ({_n(total, 'line')}) is owned by a named engineer who"
            f" gave a rationale the policy accepts: {owners}."
        )
    else:
        owned_text = (
            f"{_n(lines.owned, 'line')} of the {_n(total, 'AI-written line')}"
            f" ({_pct(lines.owned, total)}) are owned by a named engineer with a rationale"
            " the policy accepts" + (f": {owners}" if owners else "") + ". These are not:"
        )
    statement.sections.append(Section("Ownership", owned_text, tuple(missing)))

    # -- second owners on sensitive paths
    four_eyes = [r.name for r in policy.rules if r.settings.second_owner or r.settings.codeowner]
    if policy.defaults.second_owner or policy.defaults.codeowner:
        four_eyes.insert(0, "defaults")
    rows: list[str] = []
    for code in report.codes:
        rule = policy.effective(code.path)
        if code.owned and (rule.second_owner or rule.codeowner):
            rows.append(
                f"{_code(f'{code.path}:{code.first}-{code.last}')} (rule"
                f" {_code(rule.rule_name)}): owned by"
                f" {_text(', '.join(person(o) for o in code.owners))}"
            )
    gaps = [f for f in errors if f.kind == v.OWNER_RULE]
    rows += [f"{_code(f.location)}: {_text(f.message)} [{f.kind}]" for f in gaps]
    if not four_eyes:
        second_text = "The policy asks for no second owner or code owner on any path."
    elif not rows:
        second_text = (
            f"The policy asks for a second owner or a code owner under"
            f" {', '.join(_code(n) for n in four_eyes)}; no AI-written code of the range is"
            " owned there."
        )
    elif not gaps:
        second_text = (
            f"Under {', '.join(_code(n) for n in four_eyes)} the policy asks for a second"
            " owner or a code owner, and every piece of AI-written code there has them:"
        )
    else:
        second_text = (
            f"Under {', '.join(_code(n) for n in four_eyes)} the policy asks for a second"
            " owner or a code owner; not every piece of AI-written code there has them:"
        )
    statement.sections.append(Section("Second owners on sensitive paths", second_text, tuple(rows)))

    # -- where AI is forbidden
    forbidding = [
        (r.name, r.description, ", ".join(g.pattern for g in r.paths))
        for r in policy.rules
        if r.settings.ai is AiUse.FORBIDDEN
    ]
    if policy.defaults.ai is AiUse.FORBIDDEN:
        forbidding.insert(0, ("defaults", "", "every path"))
    found = [f for f in errors if f.kind == v.AI_FORBIDDEN]
    if not forbidding:
        forbid_text = "The policy forbids AI-written code nowhere."
    elif not found:
        forbid_text = (
            "These paths forbid AI-written code, and none was found there in the range"
            " (`ownit verify` checks every claim and every AI-assisted commit):"
        )
    else:
        forbid_text = "These paths forbid AI-written code, and AI-written code was found there:"
    items = [
        f"rule {_code(name)} ({_code(paths)})" + (f": {_text(text)}" if text else "")
        for name, text, paths in forbidding
    ]
    items += [f"{_code(f.location)}: {_text(f.message)}" for f in found]
    statement.sections.append(Section("Where AI is forbidden", forbid_text, tuple(items)))

    # -- what AI is for
    purposes: dict[str, int] = {}
    for code in report.codes:
        if code.owned and code.purpose:
            purposes[code.purpose] = purposes.get(code.purpose, 0) + code.lines
    ruled = [(r.name, r.settings.purpose) for r in policy.rules if r.settings.purpose]
    if policy.defaults.purpose:
        ruled.insert(0, ("defaults", policy.defaults.purpose))
    purpose_items = [f"rule {_code(name)}: {_text(text)}" for name, text in ruled]
    if purposes:
        tagged = ", ".join(
            f"{_text(tag)} ({_n(n, 'line')})"
            for tag, n in sorted(purposes.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        untagged = lines.owned - sum(purposes.values())
        purpose_text = f"Owners tagged what the owned AI code is for: {tagged}" + (
            f"; {_n(untagged, 'owned line')} carry no tag." if untagged > 0 else "."
        )
    else:
        purpose_text = "No claim in the range tags what its AI code is for."
    if ruled:
        purpose_text += " The policy says what AI is for:"
    statement.sections.append(Section("What AI was used for", purpose_text, tuple(purpose_items)))

    # -- anything else verify found
    others = [
        f
        for f in errors
        if f.kind not in FORGED | NOT_OWNING | {v.OWNER_RULE, v.AI_FORBIDDEN, v.UNAPPROVED_TOOL}
        and f.kind not in (v.AI_UNCLAIMED, v.UNOWNED_AT_TIP, v.BLOCKED_UNOWNED)
    ]
    if others:
        statement.sections.append(
            Section(
                "Other problems `ownit verify` reports",
                "",
                tuple(f"{_code(f.location)}: {_text(f.message)} [{f.kind}]" for f in others),
            )
        )
    return statement


# --------------------------------------------------------------------------- rendering


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _md_inline(text: str) -> str:
    """Statement text as Markdown: outside its code spans, ``<`` and ``&`` as entities, so
    that repository text (a subject, an owner's name) cannot become markup; the spans are
    the statement's own (``_text`` turned the repository's backticks into ``'``)."""
    parts = text.split("`")
    return "`".join(
        part if index % 2 else part.replace("&", "&amp;").replace("<", "&lt;")
        for index, part in enumerate(parts)
    )


TABLE_HEADER = ("Tool / model", "Approved", "Commits", "AI-written lines", "Owned", "Not owned")


def table_rows(statement: Statement) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [
        (t.tool, t.approved, str(t.commits), str(t.lines), str(t.owned), str(t.not_owned))
        for t in statement.tools
    ]
    if len(rows) > 1:
        rows.append(
            (
                "all",
                "",
                "",
                str(sum(t.lines for t in statement.tools)),
                str(sum(t.owned for t in statement.tools)),
                str(sum(t.not_owned for t in statement.tools)),
            )
        )
    return rows


def render_markdown(statement: Statement) -> str:
    title = _md_inline(_md(printable(statement.title)))
    out = [f"# {title}", "", f"_{_md_inline(statement.subtitle)}_", ""]
    for section in statement.sections:
        out.append(f"**{section.title}.** {_md_inline(section.text)}".rstrip())
        if section.items:
            out.append("")
            out += [f"- {_md_inline(item)}" for item in section.items]
        out.append("")
    rows = table_rows(statement)
    if rows:
        out.append("| " + " | ".join(TABLE_HEADER) + " |")
        out.append("| --- | --- | ---: | ---: | ---: | ---: |")
        for row in rows:
            cells = [_code(row[0]) if row[0] != "all" else "**all**"]
            cells += [_md_inline(_md(printable(cell))) for cell in row[1:]]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)
