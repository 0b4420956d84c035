"""`ownit report`'s reading of a range (docs/cli.md): the claims judged as verify judges
them, the lines AI-assisted commits added that no claim owns (not their own claims, nor
a later claim of the range), the claims still unowned at the tip, the tools' approval,
and the at-the-tip view. The aggregation itself is ``ownit.core.report`` (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ownit import progress
from ownit.git import history
from ownit.git.range_reads import AiAdded, PolicyAt, Renames
from ownit.git.rev_range import after_revisions

if TYPE_CHECKING:
    from ownit.core import trailers as tr
    from ownit.core.claim_validity import ClaimJudgement
    from ownit.core.policy import Policy
    from ownit.core.report import Report
    from ownit.core.tip_view import TipView
    from ownit.core.verify_prepare import Prepared
    from ownit.git.history import Commit
    from ownit.git.repo import Repository


class Counted:
    """``counted(path)``: whether the report counts ``path`` (the policy does not exclude
    it), asked once per path; :attr:`excluded` the paths it left out."""

    def __init__(self, policy: Policy, gitattributes_text: str | None) -> None:
        self._policy, self._attributes = policy, gitattributes_text
        self._excluded: dict[str, bool] = {}

    def __call__(self, path: str) -> bool:
        if path not in self._excluded:
            self._excluded[path] = self._policy.is_excluded(path, self._attributes)
        return not self._excluded[path]

    @property
    def excluded(self) -> frozenset[str]:
        return frozenset(path for path, out in self._excluded.items() if out)


def build_report(
    cwd: Path,
    repo: Repository,
    commits: Sequence[Commit],
    at: PolicyAt,
    *,
    base: str | None,
    tip: str,
    with_tip: bool,
) -> Report:
    """The report of ``commits`` under ``at`` (the policy of ``base``, or of the tip when
    there is none); ``with_tip``: with the at-the-tip view."""
    from ownit.core import report as core
    from ownit.core.statement import tool_approvals
    from ownit.core.verify import prepare, unowned_at_tip

    policy = at.policy
    progress.phase(f"reading the files of {len(commits)} commits")
    prepared = prepare(commits, policy)
    ai_added = AiAdded(cwd, prepared)  # runs while the tip's blobs are read
    renames = Renames(cwd, commits, prepared).result()
    progress.phase("checking the claims")
    invalid = invalid_claims(cwd, commits, prepared, at, base or tip)
    valid_claims = {
        sha: tuple(c for c in claims if (sha, c) not in invalid)
        for sha, claims in prepared.claims.items()
    }
    tracker = core.unowned_claims(commits, valid_claims, renames)
    pending = tracker.pending()
    paths = sorted({claim.path for _, claim in pending})
    fetched = history.BatchRead(cwd, (f"{tip}:{path}" for path in paths)).result()
    added = ai_added.result()
    view = tip_view(repo, tip, at, base or tip) if with_tip else None

    def tip_lines(path: str) -> list[str] | None:
        data = fetched.get(f"{tip}:{path}")
        return None if data is None else history.git_lines(data)

    shallow = history.shallow_commits(repo.common_dir)
    counted = Counted(policy, at.gitattributes_text)
    unclaimed = unclaimed_lines(
        cwd,
        [c.sha for c in commits],
        added,
        stated=prepared.claims,
        later=valid_claims,
        shallow=shallow,
        counted=counted,
        renames=renames,
    )
    result = core.build(
        commits,
        prepared,
        unclaimed,
        unowned_at_tip(pending, tip_lines),
        tracker=tracker,
        shallow_skipped=sum(1 for sha in added if sha in shallow),
        renames=renames,
        invalid=invalid,
    )
    approvals = tool_approvals(result, commits, prepared, unclaimed, policy, counted.excluded)
    for row in result.tools:
        row.unapproved = approvals.get(row.tool) or ""
    result.tip = view
    return result


def invalid_claims(
    cwd: Path,
    commits: Sequence[Commit],
    prepared: Prepared,
    at: PolicyAt,
    trust: str | None,
) -> dict[tuple[str, tr.ClaimLine], ClaimJudgement]:
    """Why each invalid claim of the range is invalid (core.claim_validity), judged under
    the policy read for the report, signatures against the keys of ``trust``."""
    from ownit.git.claim_validity import CommitPeople, judge_commits_claims

    people = {
        c.sha: CommitPeople(c.sha, c.author_email, c.committer_email, c.message)
        for c in commits
        if c.sha in prepared.claims
    }
    judged = judge_commits_claims(
        cwd,
        prepared.claims,
        at.policy,
        gitattributes_text=at.gitattributes_text,
        trust_commit=trust,
        commits=people,
    )
    return {key: j for key, j in judged.items() if not j.valid}


def unclaimed_lines(
    cwd: Path,
    order: list[str],
    added: Mapping[str, Mapping[str, list[int]]],
    *,
    stated: Mapping[str, Sequence[tr.ClaimLine]],
    later: Mapping[str, Sequence[tr.ClaimLine]],
    shallow: set[str] | frozenset[str],
    counted: Callable[[str], bool],
    renames: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> dict[str, dict[str, int]]:
    """How many lines each AI-assisted commit added, by path, that no claim owns: not
    those its own claims state (``stated``), not those a later claim of the range owns
    (``later``), only in paths ``counted`` keeps (it may cache); shallow commits are
    left out. The one reading of "unclaimed" of the report and its statement."""
    from ownit.core.verify import uncovered

    by_commit = {
        sha: {
            path: lines
            for path, lines in uncovered(by_path, stated.get(sha, ())).items()
            if counted(path)
        }
        for sha, by_path in added.items()
        if sha not in shallow
    }
    by_commit = _owned_later(cwd, order, later, by_commit, renames)
    return {sha: {p: len(lines) for p, lines in paths.items()} for sha, paths in by_commit.items()}


def _owned_later(
    cwd: Path,
    order: list[str],
    claims: Mapping[str, Sequence[tr.ClaimLine]],
    unclaimed: dict[str, dict[str, list[int]]],
    renames: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> dict[str, dict[str, list[int]]]:
    """``unclaimed`` without the lines later claims own (core.later_claims), under
    whatever name the file has when they are made."""
    from ownit.core import later_claims

    wanted = later_claims.blobs_wanted(order, claims, unclaimed, renames)
    if not wanted:
        return unclaimed
    fetched = history.BatchRead(cwd, (f"{sha}:{path}" for sha, path in wanted)).result()
    files: dict[tuple[str, str], list[str] | None] = {}
    for sha, path in wanted:
        data = fetched.get(f"{sha}:{path}")
        files[(sha, path)] = None if data is None else history.git_lines(data)
    return later_claims.take_owned_later(
        order, claims, unclaimed, lambda sha, path: files.get((sha, path)), renames
    )


def tip_view(repo: Repository, tip: str, at: PolicyAt, policy_commit: str) -> TipView:
    """The at-the-tip view of ``tip`` under the report's policy, read from
    ``policy_commit`` (cached by both)."""
    from ownit.git import tip_scan

    progress.phase("the AI-written lines at the tip")
    return tip_scan.scan(
        repo,
        tip,
        at.policy,
        policy_id=policy_commit,
        gitattributes_text=at.gitattributes_text,
        after_revision=after_revisions(repo.toplevel, at.policy, tip),
    )
