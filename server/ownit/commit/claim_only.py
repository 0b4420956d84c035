"""``ownit claim --commit``: a commit holding one claim alone, for code already committed.

The commit is made from a temporary index holding HEAD's tree, so whatever the user has
staged stays staged and out of it; that index and the one region the hooks must put in
the trailers are passed to git's processes in their environment (``env``), never set in
this process's own ``os.environ``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from ownit.commit import ONLY_REGIONS_ENV
from ownit.commit.message import write_message
from ownit.commit.planning import open_store, plan_commit, tree_policy
from ownit.commit.record import committed_claims, record_commit
from ownit.core import trailers as tr
from ownit.core.commit_plan import Plan, apply_policy
from ownit.git import run as git
from ownit.git.repo import Repository


class ClaimCommitError(Exception):
    """No claim-only commit could be made; the message says why and what to do."""


def claim_only_commit(repo: Repository, region_id: str, err: TextIO = sys.stderr) -> str:
    """Commit the claim on region ``region_id`` alone: an empty commit on HEAD whose
    trailers are that claim's. The hooks, if installed, see only this region
    (:data:`ONLY_REGIONS_ENV`); without them the claim is recorded here. Returns the new
    commit's id."""
    head = git.rev(repo.toplevel, "HEAD")
    if head is None:
        raise ClaimCommitError("nothing is committed yet: the claim goes with your first commit")
    _refuse_mid_operation(repo)
    store = open_store(repo, err)
    try:
        plan = plan_commit(repo, store, head=head, tree=head)
    finally:
        if store is not None:
            store.close()
    plan.pieces = [p for p in plan.pieces if p.region_id == region_id and p.owned]
    if not plan.pieces:
        raise ClaimCommitError(
            "the claimed lines are not in HEAD (not committed yet, or the claim is"
            " already in a commit): no claim-only commit was made; the claim goes"
            " with your next commit"
        )
    plan = apply_policy(plan, *tree_policy(repo, None))
    where = ", ".join(f"{tr.encode_path(p.path)}:{p.first + 1}-{p.end}" for p in plan.pieces)
    subject = f"Own AI-written code in {where}\n\nClaim-only commit (ownit claim --commit)."
    message = tr.merge_into_message(subject + "\n", plan.trailers(), max_rationale=2000)
    with tempfile.TemporaryDirectory(prefix="ownit-claim-", dir=repo.git_dir) as tmp:
        env = {"GIT_INDEX_FILE": os.path.join(tmp, "index"), ONLY_REGIONS_ENV: region_id}
        git.run(["read-tree", "HEAD"], repo.toplevel, extra_env=env)
        message_file = Path(tmp) / "message"
        write_message(message_file, message)
        result = git.run(
            ["commit", "--allow-empty", "-q", "--cleanup=whitespace", "-F", str(message_file)],
            repo.toplevel,
            check=False,
            keep_locale=True,  # its hooks and messages are the user's
            extra_env=env,
        )
    err.write(git.text(result.stderr))
    if result.returncode != 0:
        raise ClaimCommitError("git commit failed; the claim stays recorded for your next commit")
    commit = git.rev(repo.toplevel, "HEAD") or ""
    _record_if_hook_did_not(repo, plan, region_id)
    return commit


# What git leaves in the (per-worktree) git directory while an operation is under way, and
# how to finish or leave it; checked in this order (a rebase stopped on a merge has both).
_IN_PROGRESS = (
    ("rebase-merge", "rebase", "git rebase --continue` or `git rebase --abort"),
    ("rebase-apply", "rebase", "git rebase --continue` or `git rebase --abort"),
    ("CHERRY_PICK_HEAD", "cherry-pick", "git cherry-pick --continue` or `git cherry-pick --abort"),
    ("REVERT_HEAD", "revert", "git revert --continue` or `git revert --abort"),
    (
        "sequencer",
        "cherry-pick or revert",
        "git cherry-pick --continue` or `git cherry-pick --abort",
    ),
    ("MERGE_HEAD", "merge", "git commit` (to conclude it) or `git merge --abort"),
)


def _refuse_mid_operation(repo: Repository) -> None:
    """Refuse where ``git commit`` would (unmerged paths in the index) and in the middle of
    a rebase, cherry-pick, revert or merge: the claim-only commit is made from its own
    index, so git would not see the conflicts, and a commit there would land in the
    history being rewritten (or conclude the merge with HEAD's tree)."""
    unmerged = git.run(["ls-files", "-u", "-z"], repo.toplevel).stdout
    operation = next(
        ((what, how) for name, what, how in _IN_PROGRESS if (repo.git_dir / name).exists()),
        None,
    )
    if not unmerged and operation is None:
        return
    if operation is None:  # (a conflicted `git stash pop` or `checkout -m`)
        why, todo = "the index has unmerged paths", "Resolve them and `git add` them"
    else:
        what, how = operation
        conflicts = "the index has unmerged paths and " if unmerged else ""
        why, todo = f"{conflicts}a {what} is in progress", f"Finish or abort the {what} (`{how}`)"
    raise ClaimCommitError(
        f"{why}: no claim-only commit was made (git would not commit it here); the claim"
        f" goes with your next commit. {todo} first, then commit or run"
        " `ownit claim --commit` again"
    )


def _record_if_hook_did_not(repo: Repository, plan: Plan, region_id: str) -> None:
    store = open_store(repo)
    if store is None:
        return
    try:
        done = committed_claims(store, repo)
        if any((region_id, p.claim_fp, p.claim_at) in done for p in plan.pieces):
            return
        out = git.run(["log", "-1", "--format=%B", "HEAD"], repo.toplevel).stdout
        record_commit(repo, store, plan, git.text(out))
    finally:
        store.close()
