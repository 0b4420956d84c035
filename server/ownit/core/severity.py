"""How the editor shows a region under the policy: the severity of its diagnostic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ownit.core.findings import FindingCode, PolicyIssue
from ownit.core.model import Ownership, RegionState, Severity

if TYPE_CHECKING:
    from ownit.core.policy import EffectiveRule


def severity_for(
    rule: EffectiveRule | None,
    state: RegionState,
    issue: PolicyIssue | None = None,
    *,
    excluded: str | None = None,
) -> Severity:
    """The severity of ``state``'s diagnostic under ``rule`` (``off``: not shown at all).

    ``rule`` None: no policy speaks for the path (a warning). ``issue`` is what the rule
    says against the region beyond ownership (AI forbidden here: always an error);
    ``excluded`` why the policy ignores AI code in this path, if it does.
    """
    if rule is None:
        return Severity.WARNING
    region = state.region
    if issue is not None and issue.code is FindingCode.AI_FORBIDDEN:
        return Severity.ERROR
    if excluded or (not rule.needs_ownership and issue is None):
        return Severity.OFF
    if not rule.counts_source(region.source, region.line_count):
        return Severity.OFF
    if state.ownership is Ownership.STALE and str(rule.stale) == "keep":
        return Severity.HINT  # the claim keeps holding; the change is only a hint
    if not rule.requires_evidence(region.evidence):
        return Severity.HINT  # known with less than min_evidence: shown, never pressing
    return Severity(str(rule.severity))
