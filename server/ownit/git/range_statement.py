"""What `ownit report --statement` (and the first section of `ownit report --html`) needs
from the repository: verify's findings on the range, the report built from the claims as
verify judged them, and how many lines the range added. The statement itself is
``ownit.core.statement`` (pure).

The checking is ``ownit verify``'s own (:func:`ownit.git.range_check.checked_range`), with
the policy the report reads (the base's, or the tip's when the range has no base)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.git import run as git
from ownit.git.range_check import checked_range
from ownit.git.range_reads import PolicyAt
from ownit.git.range_report import Counted, unclaimed_lines

if TYPE_CHECKING:
    from ownit.core.statement import Statement
    from ownit.git.history import Commit
    from ownit.git.repo import Repository

_SHA = re.compile(rb"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")


def added_line_count(cwd: Path, commits: Sequence[Commit], counted: Callable[[str], bool]) -> int:
    """Lines the range's commits (merges left out) added, against their first parent,
    in paths ``counted`` keeps; one ``git diff-tree --numstat`` run (binary files: 0)."""
    shas = [c.sha for c in commits if len(c.parents) <= 1]
    if not shas:
        return 0
    # Renames followed (-M): a moved file adds only the lines that changed.
    args = ["diff-tree", "--stdin", "-r", "--root", "--numstat", "-M", "-z"]
    out = git.run(args, cwd, input="".join(s + "\n" for s in shas).encode("ascii")).stdout
    tokens = out.split(b"\0")
    total = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if not token or _SHA.match(token):
            continue
        parts = token.split(b"\t", 2)
        if len(parts) != 3:
            continue
        added, _, path = parts
        if not path:  # a rename: the old and the new path follow
            path = tokens[index + 1] if index + 1 < len(tokens) else b""
            index += 2
        if added.isdigit() and counted(git.text(path)):
            total += int(added)
    return total


def build_statement(
    cwd: Path,
    repo: Repository,
    *,
    spec: str,
    base: str | None,
    tip: str,
    commits: Sequence[Commit],
    at: PolicyAt,
    policy_from: str,
    warn: Callable[[str], None],
) -> Statement:
    """The statement of the range; ``warn`` is told what verify would warn of."""
    from ownit import __version__
    from ownit.core import report as core
    from ownit.core import statement
    from ownit.core.verify import unowned_at_tip

    policy = at.policy
    with checked_range(cwd, repo, commits, at, base=base, tip=tip, warn=warn) as checked:
        validated = statement.validated(checked.prepared, checked.findings)
        tracker = core.unowned_claims(commits, validated.claims, checked.renames)
        pending = tracker.pending()
        counted = Counted(policy, at.gitattributes_text)
        # Lines a later claim of the range owns are owned, as verify and the report say.
        unclaimed = unclaimed_lines(
            cwd,
            [c.sha for c in commits],
            checked.added,
            stated=validated.claims,
            later=validated.claims,
            shallow=checked.shallow,
            counted=counted,
            renames=checked.renames,
        )
        report = core.build(
            commits,
            validated,
            unclaimed,
            unowned_at_tip(pending, lambda path: checked.blobs(tip, path)),
            tracker=tracker,
            shallow_skipped=sum(1 for sha in checked.added if sha in checked.shallow),
            renames=checked.renames,
        )
        total = added_line_count(cwd, commits, counted)
    return statement.build(
        repository=repo.toplevel.name,
        range_spec=spec,
        base=base,
        tip=tip,
        commits=commits,
        prepared=validated,
        report=report,
        unclaimed=unclaimed,
        findings=checked.findings,
        policy=policy,
        policy_note=at.note,
        policy_from=policy_from,
        added_lines=total,
        excluded=counted.excluded,
        generated_at=datetime.datetime.now(datetime.UTC),
        generator=f"ownit {__version__}",
    )
