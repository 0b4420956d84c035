"""Making a CI clone hold the commits a range needs.

CI checkouts are often shallow (``actions/checkout`` fetches one commit by default). A
shallow clone cannot say which commits a range holds: ``base..head`` walks from ``head``
until it meets ``base``'s history, and a cut history never meets it, so commits of the
base branch would be judged as if the pull request added them. So a shallow clone is
completed first (``git fetch --unshallow``, once: the same history ``fetch-depth: 0``
gives), then any commit still missing is fetched by id. A clone with no ``origin``
remote is used as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ownit.core.ci_range import Plan, RangeError


def have_commit(cwd: Path, sha: str) -> bool:
    from ownit.git import run as git

    probe = git.run(["cat-file", "-e", "--end-of-options", f"{sha}^{{commit}}"], cwd, check=False)
    return probe.returncode == 0


def _has_remote(cwd: Path, remote: str) -> bool:
    from ownit.git import run as git

    return git.run(["remote", "get-url", "--", remote], cwd, check=False).returncode == 0


def _fetch(cwd: Path, args: list[str], say: Callable[[str], None]) -> bool:
    from ownit.git import run as git

    say("git " + " ".join(args))
    done = git.run(args, cwd, check=False)
    if done.returncode != 0:
        message = git.text(done.stderr).strip().splitlines()
        say(f"  failed: {message[-1] if message else 'no message'}")
    return done.returncode == 0


def complete_history(cwd: Path, remote: str, say: Callable[[str], None]) -> None:
    from ownit.git import history

    if history.is_shallow(cwd) and _has_remote(cwd, remote):
        say("the clone is shallow: fetching the rest of its history once")
        _fetch(cwd, ["fetch", "--no-tags", "--quiet", "--unshallow", remote], say)


def _branch_ref(branch: str) -> str:
    return f"refs/remotes/origin/{branch}"


def prepare(cwd: Path, plan: Plan, say: Callable[[str], None], remote: str = "origin") -> Plan:
    """``plan`` with everything it needs in the clone, or its fallback; RangeError when
    neither can be had."""
    from ownit.git import run as git

    complete_history(cwd, remote, say)
    online = _has_remote(cwd, remote)
    current: Plan | None = plan
    problem = ""
    while current is not None:
        missing = [sha for sha in current.needs if not have_commit(cwd, sha)]
        for sha in missing if online else []:
            _fetch(cwd, ["fetch", "--no-tags", "--quiet", remote, sha], say)
        missing = [sha for sha in current.needs if not have_commit(cwd, sha)]
        branch = current.default_branch
        if not missing and branch is not None and git.rev(cwd, _branch_ref(branch)) is None:
            if online:
                refspec = f"+refs/heads/{branch}:{_branch_ref(branch)}"
                _fetch(cwd, ["fetch", "--no-tags", "--quiet", remote, refspec], say)
            if git.rev(cwd, _branch_ref(branch)) is None:
                missing = [_branch_ref(branch)]
        if not missing:
            return current
        problem = problem or (
            f"{missing[0]} is not in the clone"
            + (f" and could not be fetched from {remote}" if online else f" (no {remote} remote)")
        )
        if current.fallback is not None:
            say(f"{problem}; checking {current.fallback.note.split(': ', 1)[-1]} instead")
        current = current.fallback
    raise RangeError(
        f"{problem}: check out the repository with its history (actions/checkout with "
        "fetch-depth: 0, GIT_DEPTH: 0 on GitLab) or give the range to check"
    )
