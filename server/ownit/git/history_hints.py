"""What history says about the lines of an open buffer: AI-written runs, owned or not.

Runs one `git blame --porcelain --contents -` (so line numbers are the buffer's) and reads
the claim index (cached under `<git-dir>/ownit/` by HEAD, and in memory while the file
does not change). Called off the keystroke path, in worker threads; the session caches
results by HEAD and buffer content. At most one `git blame` runs per file at a time: a
request for the same file and text as a running one waits for its answer instead of
starting another, and one for other text waits until the running one is done (so a
burst of saves never starts a blame per save at once).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
from pathlib import Path

from ownit.core.policy import HistorySince, Policy
from ownit.core.provenance import HistoryRun, history_runs, resolve
from ownit.core.trailers import ClaimLine
from ownit.git import blame
from ownit.git import run as git
from ownit.git.claim_validity import blame_validity
from ownit.git.repo import GitError, Repository
from ownit.policy_files import read_gitattributes

log = logging.getLogger(__name__)


def head_commit(repo: Repository) -> str | None:
    return git.rev(repo.toplevel, "HEAD")


class _Flight:
    """One running computation: its answer, once done, for whoever waits on it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.runs: list[HistoryRun] | None = None  # None: it failed (the waiter runs its own)


_LOCK = threading.Lock()
_FILE_LOCKS: dict[tuple[Path, str], threading.Lock] = {}
_FLIGHTS: dict[tuple[Path, str, str, bytes, int], _Flight] = {}


def runs_for(
    repo: Repository, path: str, text: str, policy: Policy, head: str | None = ""
) -> list[HistoryRun]:
    """AI-written runs of ``text`` (the buffer of repo-relative ``path``); [] when the file
    is not committed or the repository has no commit yet. ``head``: HEAD as the caller
    just read it (None: no commit), else it is read here."""
    if head == "":
        head = head_commit(repo)
    if head is None:
        return []
    contents = text.encode("utf-8", "surrogatepass")
    key = (repo.toplevel, path, head, hashlib.sha256(contents).digest(), id(policy))
    with _LOCK:
        flight = _FLIGHTS.get(key)
        mine = flight is None
        if flight is None:
            flight = _FLIGHTS[key] = _Flight()
        file_lock = _FILE_LOCKS.setdefault((repo.toplevel, path), threading.Lock())
    if not mine:
        flight.done.wait()
        if flight.runs is not None:
            return flight.runs
        with file_lock:  # it failed: try once more, as it would have
            return _runs(repo, path, head, contents, policy)
    try:
        with file_lock:
            flight.runs = _runs(repo, path, head, contents, policy)
        return flight.runs
    finally:
        with _LOCK:
            del _FLIGHTS[key]
        flight.done.set()


def _runs(
    repo: Repository, path: str, head: str, contents: bytes, policy: Policy
) -> list[HistoryRun]:
    running = blame.start_blame(repo.toplevel, path, (), contents)
    try:
        index = blame.claim_index(repo, policy, head)
        gitattributes = read_gitattributes(repo.toplevel)
        known, first_lines = _judgements(repo, head, policy, gitattributes)
        lines = blame.finish_blame(running)
    except blame.BlameError:
        return []  # e.g. a file that was never committed
    finally:
        running.stop()
    try:
        invalid = blame_validity(
            repo.toplevel,
            index,
            lines,
            path,
            policy,
            head=head,
            gitattributes_text=gitattributes,
            known=known,
            first_lines=first_lines,
        )
    except GitError as error:
        log.warning("cannot check the claims of %s: %s", path, error)
        return []

    def first_line(sha: str, claim: ClaimLine) -> str | None:
        return first_lines.get((sha, claim))

    runs = history_runs(resolve(lines, index, path, invalid, first_line))
    return _since(repo, runs, policy.effective(path).history_since)


# The claims judged in this process, per repository, for one HEAD, policy object and
# `.gitattributes` text (a commit, a policy reload or an edit of the file starts afresh):
# opening a file again, or another one with the same claims, reads no committed file.
_Judged = dict[tuple[str, ClaimLine], str | None]
_JUDGED: dict[Path, tuple[str, Policy, str | None, _Judged, _Judged]] = {}


def _judgements(
    repo: Repository, head: str, policy: Policy, gitattributes: str | None
) -> tuple[_Judged, _Judged]:
    """(commit, claim) -> why it is invalid (None: valid), and -> the first line of its
    code in its commit (None: not there)."""
    with _LOCK:
        memo = _JUDGED.get(repo.toplevel)
        if memo is None or memo[0] != head or memo[1] is not policy or memo[2] != gitattributes:
            memo = _JUDGED[repo.toplevel] = (head, policy, gitattributes, {}, {})
        return memo[3], memo[4]


def _since(repo: Repository, runs: list[HistoryRun], since: HistorySince) -> list[HistoryRun]:
    """Only the runs whose commit counts under the path's ``history_since``."""
    if since.kind == "all" or not runs:
        return runs
    commits = sorted({run.commit for run in runs})
    counts: dict[str, bool] = {}
    if since.kind == "date" and since.date is not None:
        shown = git.run(["show", "-s", "--format=%H %ct", *commits], repo.toplevel, check=False)
        for line in git.text(shown.stdout).splitlines():
            sha, _, stamp = line.partition(" ")
            when = datetime.datetime.fromtimestamp(int(stamp), datetime.UTC).date()
            counts[sha] = when >= since.date
    elif since.kind == "revision":
        start = git.rev(repo.toplevel, since.value)
        for sha in commits:
            if start is None:  # an unknown revision: history counts, as in verify
                counts[sha] = True
                continue
            after = git.run(["merge-base", "--is-ancestor", start, sha], repo.toplevel, check=False)
            counts[sha] = after.returncode == 0 and sha != start
    return [run for run in runs if counts.get(run.commit, True)]
