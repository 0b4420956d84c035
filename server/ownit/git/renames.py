"""Files that git says were renamed or moved (``git mv``, or a delete and an add that keep
at least half of the file: git's ``-M``): staged, committed, and where a file is now.

Only what git says: moving the store's regions after a rename is the workflow's job
(:mod:`ownit.commit.renamed_files`, used by the commit hooks and ``ownit status``).

The ``git`` calls go through :mod:`ownit.git.run`, which keeps the environment git gives a
hook (``GIT_INDEX_FILE`` of ``git commit -a``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ownit.git import run as git

MAX_HOPS = 20  # a file renamed more often than this is followed this far


def parse_name_status(out: bytes) -> dict[str, str]:
    """``old -> new`` of the ``R`` entries of ``git diff --name-status -z`` output."""
    tokens = out.split(b"\0")
    found: dict[str, str] = {}
    at = 0
    while at < len(tokens):
        token = tokens[at]
        at += 1
        if not token:
            continue
        status = token[:1]
        names = 2 if status in (b"R", b"C") else 1
        paths = tokens[at : at + names]
        at += names
        if status == b"R" and len(paths) == 2:
            found[git.text(paths[0])] = git.text(paths[1])
    return found


def staged(cwd: Path, base: str | None) -> dict[str, str]:
    """The renames in what is staged compared with ``base`` (a commit; None: nothing to
    compare with, no rename): ``old -> new``."""
    if base is None:
        return {}
    args = ["diff", "--cached", "-M", "--name-status", "-z", "--diff-filter=R"]
    args += ["--no-ext-diff", base, "--"]
    done = git.run(args, cwd, check=False)
    return parse_name_status(done.stdout) if done.returncode == 0 else {}


def committed(cwd: Path, old: str) -> str | None:
    """Where the commit that removed ``old`` from HEAD's history moved it (its new name),
    or None when that commit deleted it (or it was never committed)."""
    last = git.run(["log", "-1", "--format=%H", "HEAD", "--", old], cwd, check=False)
    sha = git.text(last.stdout).strip()
    if last.returncode != 0 or not sha:
        return None
    args = ["diff-tree", "-r", "-M", "--name-status", "-z", "--diff-filter=R", "--no-ext-diff"]
    done = git.run([*args, sha], cwd, check=False)
    if done.returncode != 0:
        return None
    return parse_name_status(done.stdout).get(old)


def where_now(
    cwd: Path, old: str, staged_moves: Mapping[str, str], exists: Callable[[str], bool]
) -> str | None:
    """The name ``old`` has now, following committed renames then staged ones (a chain of
    them, ``MAX_HOPS`` at most); None when git knows of no rename to a file that
    exists."""
    path = old
    seen = {old}
    for _ in range(MAX_HOPS):
        new = staged_moves.get(path) or committed(cwd, path)
        if new is None or new in seen:
            break
        seen.add(new)
        path = new
        if exists(path) and path not in staged_moves:
            return path
    return path if path != old and exists(path) else None
