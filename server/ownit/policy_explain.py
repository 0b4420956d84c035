"""What the policy says of one path of a working tree (`ownit policy explain`): the rules
that apply, what they require, whether the path is excluded, whom CODEOWNERS lists.
Apart from ``policy_files`` (which every hook imports) so that only this verb pays for
its dataclass."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.policy_files import read_codeowners, read_gitattributes

if TYPE_CHECKING:
    from ownit.core.policy import EffectiveRule, Policy
    from ownit.core.policy.model import RuleMatch


@dataclass(frozen=True, slots=True)
class PathPolicy:
    """What ``policy`` says of one path of the working tree (`ownit policy explain`)."""

    path: str  # relative to the top level, with /
    excluded_because: str | None
    effective: EffectiveRule
    matches: tuple[RuleMatch, ...]  # the rules that apply, in order (the last one wins)
    codeowners: tuple[str, ...]  # whom CODEOWNERS lists for it
    codeowners_location: str | None  # the CODEOWNERS file read (None: there is none)


def explain_path(policy: Policy, toplevel: Path, path: str) -> PathPolicy:
    """What ``policy`` says of ``path`` (relative to ``toplevel``, with /), with the
    working tree's `.gitattributes` and CODEOWNERS."""
    from ownit.core.policy import codeowners_for

    codeowners_file = read_codeowners(toplevel)
    return PathPolicy(
        path,
        policy.exclusion_reason(path, read_gitattributes(toplevel)),
        policy.effective(path),
        tuple(policy.explain(path)),
        codeowners_for(codeowners_file[1], path) if codeowners_file else (),
        codeowners_file[0] if codeowners_file else None,
    )
