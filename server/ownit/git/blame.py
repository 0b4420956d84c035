"""``git blame --porcelain`` and the claim index of history, for ``ownit blame`` and the
language server's history hints.

The claim index holds, for every commit reachable from HEAD that carries ownit claims or
that an AI tool co-authored, its claims and tool. It is built from one ``git log`` pass and
cached in ``<git-dir>/ownit/claim-index.json`` keyed by HEAD (and by the policy's
``ai_commit_patterns``); when HEAD moved forward only the new commits are read.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ownit.core import trailers as tr
from ownit.core.model import evidence_of_pattern
from ownit.core.policy import Policy
from ownit.core.provenance import (
    AiCommitDetector,
    BlameLine,
    ClaimIndex,
    CommitClaims,
    index_from,
    may_hold_claims,
    message_claims,
)
from ownit.git import history
from ownit.git import run as git
from ownit.git.repo import GitError, Repository

INDEX_FILE = "claim-index.json"
INDEX_VERSION = 4  # 2: exact groups are not AI-assisted; 3: tools as tool:model; 4: evidence


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


def _to_json(entry: CommitClaims) -> list[Any]:
    return [
        entry.sha,
        entry.order,
        entry.ai_tool,
        entry.ai_reason,
        entry.ai_evidence,
        [
            [c.path, c.first, c.last, c.fingerprint, c.tool, c.owner_email, c.rationale]
            for c in entry.claims
        ],
    ]


def _from_json(item: list[Any]) -> CommitClaims:
    sha, order, tool, reason, evidence, claims = item
    return CommitClaims(
        sha=str(sha),
        order=int(order),
        claims=tuple(
            tr.ClaimLine(
                str(p), int(a), int(b), str(fp), str(t), None if e is None else str(e), str(r)
            )
            for p, a, b, fp, t, e, r in claims
        ),
        ai_tool=None if tool is None else str(tool),
        ai_reason=str(reason),
        ai_evidence=str(evidence),
    )


def _read_cache(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
        return None
    return data


def _write_cache(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{INDEX_FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only repository: blame still works, only slower next time


def claim_index(repo: Repository, policy: Policy, head: str | None = None) -> ClaimIndex:
    """The claim index of history up to HEAD (cached; built or extended as needed)."""
    cwd = repo.toplevel
    if head is None:
        head = git.rev(cwd, "HEAD")
    if head is None:
        return ClaimIndex()  # no commit yet
    path = repo.git_dir / "ownit" / INDEX_FILE
    key = policy_key(policy)
    ai = AiCommitDetector(policy)
    cached = _read_cache(path)
    if cached is not None and cached.get("policy") == key:
        if cached.get("head") == head:
            return index_from(_from_json(item) for item in cached["commits"])
        old = str(cached.get("head", ""))
        check = git.run(["merge-base", "--is-ancestor", old, head], cwd, check=False)
        if old and check.returncode == 0:
            start = int(cached.get("next", 0))
            new = history.log(cwd, [head, f"^{old}"])
            items: list[Any] = list(cached["commits"])
            for offset, commit in enumerate(new):
                entry = _entry(commit, start + offset, ai)
                if entry is not None:
                    items.append(_to_json(entry))
            data = {
                "version": INDEX_VERSION,
                "head": head,
                "policy": key,
                "next": start + len(new),
                "commits": items,
            }
            _write_cache(path, data)
            return index_from(_from_json(item) for item in items)
    commits = history.log(cwd, [head])
    entries = [e for i, c in enumerate(commits) if (e := _entry(c, i, ai)) is not None]
    _write_cache(
        path,
        {
            "version": INDEX_VERSION,
            "head": head,
            "policy": key,
            "next": len(commits),
            "commits": [_to_json(e) for e in entries],
        },
    )
    return index_from(entries)
