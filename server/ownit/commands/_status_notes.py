"""What `ownit status` adds to its listing about the policy: that `.ownit.yaml` is invalid
(the listing then goes by the built-in defaults), and why the policy asks nobody to own a
region (the editor shows no diagnostic for it either)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ownit.core.printable import printable

if TYPE_CHECKING:
    from ownit.core.findings import PolicyIssue
    from ownit.core.model import RegionState
    from ownit.session.contexts import PolicyState
    from ownit.session.documents import Document


def say_invalid_policy(state: PolicyState | None) -> None:
    """Each problem of an invalid `.ownit.yaml` on stderr, as the hooks and blame say them.
    ``state`` is None when no region asked for the policy (no YAML read for an empty
    store): nothing listed went by it."""
    if state is None or not state.problems:
        return
    for problem in state.problems:
        print(f"ownit: {printable(str(problem))}", file=sys.stderr)
    print(
        "ownit: the policy file is not valid; these regions are listed under the built-in"
        " default policy (see `ownit policy check`)",
        file=sys.stderr,
    )


def not_asked(document: Document, state: RegionState, issue: PolicyIssue | None) -> str | None:
    """Why the policy asks nobody to own this region, or None when it asks (or objects to
    the region whoever owns it: ``issue``)."""
    from ownit.session.rules import rule_for

    rule = rule_for(document)
    if rule is None or issue is not None:
        return None
    if document.excluded:
        return f"the policy does not track this path ({document.excluded})"
    if not rule.needs_ownership:
        return f"require_ownership is false ({rule.origin_phrase('require_ownership')})"
    region = state.region
    if not rule.counts_source(region.source, region.line_count):
        counted = str(region.source) in {str(source) for source in rule.sources}
        key = "sources.heuristic_min_lines" if counted else "sources.count"
        return f"source {region.source} does not count here ({key}, {rule.origin_phrase(key)})"
    return None
