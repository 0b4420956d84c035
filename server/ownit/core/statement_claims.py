"""What the AI statement counts (:mod:`ownit.core.statement`): the claims as verify judged
them (:func:`validated`: forged ones dropped, refused ones not owning) and whether the
policy approves each tool where it wrote (:func:`tool_approvals`). Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from ownit.core import trailers as tr
from ownit.core import verify_findings as v
from ownit.core.policy import Policy
from ownit.core.report import UNKNOWN_TOOL, Report, commit_tools
from ownit.core.verify_findings import CommitLike, Finding
from ownit.core.verify_prepare import Prepared

FORGED = frozenset({v.PATH_MISSING, v.OUT_OF_RANGE, v.MISMATCH})
# ... that say an AI-Owned claim does not own the code: it counts as not owned
NOT_OWNING = frozenset({v.OWNER_NOT_COMMITTER, v.RATIONALE, v.OWNER_NOT_ALLOWED})


def validated(prepared: Prepared, findings: Sequence[Finding]) -> Prepared:
    """``prepared`` with the claims as verify judged them: forged ones left out, refused
    ``AI-Owned`` ones turned into ``AI-Unowned`` ones (the code is AI-written, nobody
    validly owns it)."""
    bad: dict[tuple[str, str, int, int], str] = {}
    for finding in findings:
        if finding.severity != v.ERROR:
            continue
        key = (finding.commit, finding.path, finding.first, finding.last)
        if finding.kind in FORGED:
            bad[key] = "forged"
        elif finding.kind in NOT_OWNING and bad.get(key) != "forged":
            bad[key] = "refused"
    if not bad:
        return prepared
    claims: dict[str, tuple[tr.ClaimLine, ...]] = {}
    for sha, lines in prepared.claims.items():
        kept: list[tr.ClaimLine] = []
        for claim in lines:
            verdict = bad.get((sha, claim.path, claim.first, claim.last))
            if verdict == "forged":
                continue
            if verdict == "refused" and claim.owned:
                claim = claim.replace(owner_email=None, rationale="", purpose="")
            kept.append(claim)
        if kept:
            claims[sha] = tuple(kept)
    return replace(prepared, claims=claims)


def tool_approvals(
    report: Report,
    commits: Sequence[CommitLike],
    prepared: Prepared,
    unclaimed: Mapping[str, Mapping[str, int]],
    policy: Policy,
    excluded: frozenset[str] = frozenset(),
) -> dict[str, str | None]:
    """For each tool of the report's rows: None when the policy approves it (``tools`` /
    ``models``) in every path it wrote AI code in, else why not (the first reason)."""
    paths_by_tool: dict[str, set[str]] = {}
    for code in report.codes:
        paths_by_tool.setdefault(code.tool or UNKNOWN_TOOL, set()).add(code.path)
    for commit in commits:
        by_path = unclaimed.get(commit.sha, {})
        if not by_path:
            continue
        names = commit_tools(commit, prepared)
        name = names[0] if names else UNKNOWN_TOOL
        paths_by_tool.setdefault(name, set()).update(p for p, n in by_path.items() if n)
    out: dict[str, str | None] = {}
    for row in report.tools:
        problems = sorted(
            {
                problem
                for path in paths_by_tool.get(row.tool, ())
                if path not in excluded
                if (problem := policy.effective(path).tool_problem(row.tool)) is not None
            }
        )
        out[row.tool] = problems[0] if problems else None
    return out
