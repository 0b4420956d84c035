"""What history says about the lines of an open buffer: AI-written runs, owned or not.

Runs one `git blame --porcelain --contents -` (so line numbers are the buffer's) and reads
the claim index (cached under `<git-dir>/ownit/` by HEAD). Called off the keystroke path,
in a worker thread; the session caches results by HEAD and buffer content.
"""

from __future__ import annotations

from ownit.core.policy import Policy
from ownit.core.provenance import HistoryRun, history_runs, resolve
from ownit.git import blame
from ownit.git import run as git
from ownit.git.repo import Repository


def head_commit(repo: Repository) -> str | None:
    return git.rev(repo.toplevel, "HEAD")


def runs_for(repo: Repository, path: str, text: str, policy: Policy) -> list[HistoryRun]:
    """AI-written runs of ``text`` (the buffer of repo-relative ``path``); [] when the file
    is not committed or the repository has no commit yet."""
    head = head_commit(repo)
    if head is None:
        return []
    contents = text.encode("utf-8", "surrogatepass")
    try:
        process = blame.start_blame(repo.toplevel, path, (), contents)
        index = blame.claim_index(repo, policy, head)
        lines = blame.finish_blame(process, contents)
    except blame.BlameError:
        return []  # e.g. a file that was never committed
    return history_runs(resolve(lines, index, path))
