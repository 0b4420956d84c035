"""The at-the-tip view's unowned and invalid AI-written lines as alerts (SARIF, through
:mod:`ownit.core.sarif`). Pure.

One alert per region (:class:`ownit.core.tip_view.TipRegion`) that the policy asks to be
owned: its rule is :data:`UNOWNED_RULE` (nobody owns the lines) or :data:`INVALID_RULE`
(a claim covers them but does not hold; the claim's own problem code is in the alert's
``claimProblem`` property), its lines are the region's lines at the tip and its
fingerprint ownit's content fingerprint of them, so code scanning follows the alert
when the code moves and closes it when the code is owned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ownit.core.alerts import ERROR, Alert, RuleHelp
from ownit.core.claim_validity import claim_command
from ownit.core.tip_view import INVALID, OWNED, TipRegion, TipView

UNOWNED_RULE = "ai-lines-unowned"
INVALID_RULE = "ai-lines-invalid-claim"
_CLAIM = 'ownit claim PATH:LINE -m "<what you checked and why the code is right>"'

RULES: tuple[RuleHelp, ...] = (
    RuleHelp(
        UNOWNED_RULE,
        "AiLinesUnowned",
        "AI-written lines at the tip that nobody owns",
        "git blame of the tip says these lines came from an AI-assisted commit or carry an "
        "AI-Unowned claim, and no valid AI-Owned claim (in that commit or a later one) "
        "owns them. The policy asks for AI-written code here to be owned by a developer "
        "who stands behind it.",
        f"The developer who answers for the code owns it in a checkout of the tip: {_CLAIM}, "
        "then commits the claim (git commit --allow-empty with ownit hooks installed).",
        "major",
    ),
    RuleHelp(
        INVALID_RULE,
        "AiLinesInvalidClaim",
        "AI-written lines at the tip whose ownership claim does not hold",
        "An AI-Owned claim covers these lines, but it does not hold: its fingerprint does "
        "not match the committed code, it names a file or lines the commit does not have, "
        "its owner did not make the commit or is not accepted by the policy, or its "
        "rationale is refused. The lines look owned to anyone reading the trailers, and "
        "are not.",
        f"Own the lines again with a claim that holds: {_CLAIM}, committed by the owner "
        "(git commit --allow-empty with ownit hooks installed).",
        "critical",
    ),
)


def _subjects(subjects: Mapping[str, str], sha: str | None) -> str:
    return subjects.get(sha or "", "")


def alert(region: TipRegion, subjects: Mapping[str, str] = {}) -> Alert:
    count = region.lines
    lines = f"{count} AI-written line{'s' if count != 1 else ''}"
    props: dict[str, object] = {
        "status": region.status,
        "tool": region.tool,
        "commit": region.commit,
        "policyRule": region.rule,
    }
    subject = _subjects(subjects, region.commit)
    if subject:
        props["subject"] = subject
    if region.status == INVALID:
        props["claimCommit"] = region.claim_commit
        props["claimedOwner"] = region.owner
        props["claim"] = region.claim
        props["claimProblem"] = region.code or None
        message = (
            f"{lines} ({region.tool}) claimed by {region.owner or 'nobody'} in "
            f"{(region.claim_commit or '')[:10]}, but the claim does not hold: {region.reason}"
        )
        rule = INVALID_RULE
    else:
        message = (
            f"{lines} ({region.tool}), introduced in {region.commit[:10]}, are owned by nobody "
            "at the tip"
        )
        rule = UNOWNED_RULE
    return Alert(
        rule_id=rule,
        message=message,
        path=region.path,
        first=region.first,
        last=region.last,
        fingerprint=region.fingerprint,
        level=ERROR,
        severity="critical" if rule == INVALID_RULE else "major",
        fix="own it: " + claim_command(region.path, region.first),
        properties=props,
    )


def alerts(view: TipView, subjects: Mapping[str, str] = {}) -> list[Alert]:
    """An alert per unowned or invalid region the policy asks to be owned."""
    return [alert(r, subjects) for r in view.regions if r.status != OWNED and r.required]


def run_properties(view: TipView, *, spec: str, base: str | None, policy: str) -> dict[str, object]:
    lines = view.lines
    return {
        "range": spec,
        "base": base,
        "tip": view.tip,
        "policy": policy,
        "aiLinesAtTip": lines.total,
        "ownedLines": lines.owned,
        "unownedLines": lines.unowned,
        "invalidLines": lines.invalid,
        "requiredUnownedLines": view.required_unowned,
        "filesBlamed": view.files,
    }


def commits_named(regions: Sequence[TipRegion]) -> list[str]:
    return sorted({r.commit for r in regions if r.status != OWNED})
