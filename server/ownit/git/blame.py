"""``git blame --porcelain`` and the claim index of history, for ``ownit blame`` and the
language server's history hints.

The claim index holds, for every commit reachable from HEAD that carries ownit claims or
that an AI tool co-authored, its claims and tool. It is built from one ``git log`` pass and
cached in ``<git-dir>/ownit/claim-index.bin`` (:mod:`ownit.git.claim_cache`) keyed by HEAD
(and by the policy's ``ai_commit_patterns``); when HEAD moved forward only the new commits
are read.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ownit.core.model import evidence_of_pattern
from ownit.core.policy import Policy
from ownit.core.provenance import (
    AiCommitDetector,
    BlameLine,
    ClaimIndex,
    CommitClaims,
    may_hold_claims,
    message_claims,
)
from ownit.git import claim_cache, history
from ownit.git import run as git
from ownit.git.repo import GitError, Repository


class BlameError(GitError):
    """git blame refused (no such file, bad -L, …); the message is git's."""


def start_blame(
    cwd: Path,
    path: str,
    ranges: Sequence[str] = (),
    contents: bytes | None = None,
    moves: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    """``moves``: git blame's ``-M``/``-C`` options (``-M``, ``-M20``, ``-C``, ``-CC``…),
    which follow lines moved within the file or from other files."""
    args = [git.git_exe(), "-c", "core.quotePath=true", "blame", "--porcelain"]
    args += list(moves)
    for spec in ranges:
        args += ["-L", spec]
    if contents is not None:
        args += ["--contents", "-"]
    args += ["--", path]
    try:
        return subprocess.Popen(
            args,
            cwd=cwd,
            env=git.git_env(),
            stdin=subprocess.PIPE if contents is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise GitError(f"cannot run git blame in {cwd}: {exc}") from exc


def finish_blame(proc: subprocess.Popen[bytes], contents: bytes | None = None) -> list[BlameLine]:
    out, err = proc.communicate(contents)
    if proc.returncode != 0:
        message = err.decode("utf-8", "replace").strip().removeprefix("fatal: ")
        raise BlameError(message or "git blame failed")
    return parse_porcelain(out)


def parse_porcelain(out: bytes) -> list[BlameLine]:
    """The lines of ``git blame --porcelain`` output."""
    lines: list[BlameLine] = []
    filenames: dict[bytes, str] = {}
    sha = b""
    orig = final = 0
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            lines.append(
                BlameLine(
                    final, sha.decode("ascii"), orig, filenames.get(sha, ""), git.text(raw[1:])
                )
            )
            continue
        if raw.startswith(b"filename "):
            filenames[sha] = history.unquote_path(raw[9:])
            continue
        head = raw.split(b" ", 4)
        if len(head) >= 3 and len(head[0]) == 40 and head[1].isdigit() and head[2].isdigit():
            sha, orig, final = head[0], int(head[1]), int(head[2])
    return lines


# --------------------------------------------------------------------------- claim index


def policy_key(policy: Policy) -> str:
    text = repr([p.identity for p in policy.ai_commit_patterns])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _entry(commit: history.Commit, order: int, ai: AiCommitDetector) -> CommitClaims | None:
    claims = message_claims(commit.message) if may_hold_claims(commit.message) else ()
    match = ai.match(
        commit.message,
        commit.author_name,
        commit.author_email,
        commit.committer_name,
        commit.committer_email,
    )
    if not claims and match is None:
        return None
    return CommitClaims(
        sha=commit.sha,
        order=order,
        claims=claims,
        ai_tool=None if match is None else match.attribution,
        ai_reason="" if match is None else match.reason,
        ai_evidence="" if match is None else evidence_of_pattern(match.evidence).value,
    )


def claim_index(repo: Repository, policy: Policy, head: str | None = None) -> ClaimIndex:
    """The claim index of history up to HEAD (cached; built or extended as needed)."""
    cwd = repo.toplevel
    if head is None:
        head = git.rev(cwd, "HEAD")
    if head is None:
        return ClaimIndex()  # no commit yet
    path = repo.git_dir / "ownit" / claim_cache.INDEX_FILE
    key = policy_key(policy)
    cached = claim_cache.read(path)
    if cached is not None and cached.policy == key:
        if cached.head == head:
            return cached.index()
        old = cached.head
        check = git.run(["merge-base", "--is-ancestor", old, head], cwd, check=False)
        if old and check.returncode == 0:
            ai = AiCommitDetector(policy)
            start = cached.next
            new = history.log(cwd, [head, f"^{old}"])
            found = (
                (entry.sha, claim_cache.to_raw(entry))
                for offset, commit in enumerate(new)
                if (entry := _entry(commit, start + offset, ai)) is not None
            )
            raw = claim_cache.extended(cached, found)
            return claim_cache.write(path, head, key, start + len(new), raw).index()
    ai = AiCommitDetector(policy)
    commits = history.log(cwd, [head])
    raw = {
        entry.sha: claim_cache.to_raw(entry)
        for i, c in enumerate(commits)
        if (entry := _entry(c, i, ai)) is not None
    }
    return claim_cache.write(path, head, key, len(commits), raw).index()
