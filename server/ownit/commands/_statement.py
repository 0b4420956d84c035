"""What `ownit report --statement` (and the first section of `ownit report --html`) needs
from the repository: verify's findings on the range, the report built from the claims as
verify judged them, and how many lines the range added. The statement itself is
``ownit.core.statement`` (pure).

The checking is ``ownit verify``'s own: the same ``prepare``, ``AiAdded``, one cat-file
stream and ``Verifier`` over the same commits, with the policy the report reads (the
base's, or the tip's when the range has no base)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

_SHA = re.compile(rb"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")


def added_line_count(cwd: Path, commits: Sequence[Any], counted: Callable[[str], bool]) -> int:
    """Lines the range's commits (merges left out) added, against their first parent,
    in paths ``counted`` keeps; one ``git diff-tree --numstat`` run (binary files: 0)."""
    from ownit.git import run as git

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
    repo: Any,
    *,
    spec: str,
    base: str | None,
    tip: str,
    commits: Sequence[Any],
    at: Any,
    policy_from: str,
) -> Any:
    """The statement of the range (``ownit.core.statement.Statement``)."""
    from ownit import __version__
    from ownit.commands.report import unclaimed_lines
    from ownit.commands.verify import (
        AiAdded,
        Renames,
        _after_revisions,
        _BlobLines,
        _signature_verdicts,
    )
    from ownit.core import report as core
    from ownit.core import statement
    from ownit.core.verify import Verifier, prepare, unowned_at_tip
    from ownit.git import catfile, history

    policy = at.policy
    prepared = prepare(commits, policy)
    stream = catfile.Stream(cwd)
    try:
        # The blobs as `ownit verify` reads them: one cat-file stream, asked in order.
        ai_added = AiAdded(cwd, prepared)
        moves = Renames(cwd, commits, prepared)
        stream.ask(f"{sha}:{path}" for sha, path in prepared.blob_specs())
        added = ai_added.result()
        by_commit_paths = ((sha, sorted(added.get(sha, ()))) for sha in prepared.ai)
        stream.ask(f"{sha}:{path}" for sha, paths in by_commit_paths for path in paths)
        stream.ask(f"{tip}:{path}" for path in sorted(prepared.claimed_paths()))
        blobs = _BlobLines(stream, tip)
        shallow = frozenset(history.shallow_commits(repo.common_dir))
        # Signatures checked against the keys the base trusts, renames followed: as verify.
        verdicts = _signature_verdicts(cwd, base, policy, prepared, at.gitattributes_text)
        renames = moves.result()
        verifier = Verifier(
            policy,
            blobs=blobs,
            tip=tip,
            codeowners_text=at.codeowners_text,
            gitattributes_text=at.gitattributes_text,
            after_revision=_after_revisions(cwd, policy, tip),
            shallow=shallow,
            renames=renames,
            signatures=lambda sha, claim: verdicts.get((sha, claim)),
        )
        findings = verifier.run(commits, prepared, added)
        checked = statement.validated(prepared, findings)
        tracker = core.unowned_claims(commits, checked.claims, renames)
        pending = tracker.pending()
        excluded: dict[str, bool] = {}

        def counted(path: str) -> bool:
            if path not in excluded:
                excluded[path] = policy.is_excluded(path, at.gitattributes_text)
            return not excluded[path]

        # Lines a later claim of the range owns are owned, as verify and the report say.
        unclaimed = unclaimed_lines(
            cwd,
            [c.sha for c in commits],
            added,
            stated=checked.claims,
            later=checked.claims,
            shallow=shallow,
            counted=counted,
        )
        report = core.build(
            commits,
            checked,
            unclaimed,
            unowned_at_tip(pending, lambda path: blobs(tip, path)),
            tracker=tracker,
            shallow_skipped=sum(1 for sha in added if sha in shallow),
            renames=renames,
        )
        total = added_line_count(cwd, commits, counted)
    finally:
        stream.close()
    return statement.build(
        repository=repo.toplevel.name,
        range_spec=spec,
        base=base,
        tip=tip,
        commits=commits,
        prepared=checked,
        report=report,
        unclaimed=unclaimed,
        findings=findings,
        policy=policy,
        policy_note=at.note,
        policy_from=policy_from,
        added_lines=total,
        excluded=frozenset(path for path, out in excluded.items() if out),
        generated_at=datetime.datetime.now(datetime.UTC),
        generator=f"ownit {__version__}",
    )
