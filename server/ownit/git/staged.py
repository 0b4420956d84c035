"""Plumbing for what is about to be committed: the staged blobs, the commit's base, the
state of the repository (rebase, cherry-pick) and the message's comment character.

Unlike :mod:`ownit.git.repo`, the ``git`` calls here (through :mod:`ownit.git.run`, not
isolated) keep the environment git gives a hook: ``git commit -a`` and ``git commit
<paths>`` commit a temporary index named by ``GIT_INDEX_FILE``, and that index — not
``.git/index`` — is what "staged" means then.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path

from ownit.git import catfile
from ownit.git import run as git

# git's choices for core.commentChar=auto, in its order.
_AUTO_COMMENT_CHARS = "#;@!$%^&|:"


def empty_tree(cwd: Path) -> str:
    result = git.run(["hash-object", "-t", "tree", "--stdin"], cwd, input=b"")
    return git.text(result.stdout).strip()


_NO_OBJECT = frozenset({"0" * 40, "0" * 64})


def changed_blobs(cwd: Path, base: str | None) -> dict[str, tuple[str | None, str]]:
    """``path -> (base blob id, staged blob id)`` of each path whose staged content
    differs from ``base`` (a commit or tree; None: the empty tree), deletions left out,
    renames seen as a new path (base id None), in one ``git diff-index``: the blobs are
    then read by id, without git resolving ``<base>:<path>`` through the trees once per
    file."""
    args = ["diff-index", "--cached", "-z", "--no-renames", "--no-ext-diff"]
    out = git.run([*args, base or empty_tree(cwd), "--"], cwd).stdout
    fields = out.split(b"\0")
    found: dict[str, tuple[str | None, str]] = {}
    # Each entry: ":<old mode> <new mode> <old id> <new id> <status>" NUL "<path>" NUL.
    for at in range(0, len(fields) - 1, 2):
        meta = fields[at].split()
        if len(meta) < 5 or not meta[0].startswith(b":"):
            continue
        old, new = meta[2].decode("ascii"), meta[3].decode("ascii")
        if new in _NO_OBJECT:
            continue  # deleted from the index
        found[git.text(fields[at + 1])] = (None if old in _NO_OBJECT else old, new)
    return found


def read_blobs(cwd: Path, specs: Iterable[str]) -> dict[str, bytes | None]:
    """Contents of ``<rev>:<path>`` / ``:<path>`` objects (:func:`catfile.read_blobs`);
    None for one that does not exist or is not a blob."""
    return catfile.read_blobs(cwd, specs)


def git_lines(content: str) -> list[str]:
    """Lines as git counts them (split on ``\\n`` only), without terminators."""
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def in_sequencer(git_dir: Path, common_dir: Path) -> bool:
    """A rebase, cherry-pick or revert is replaying commits (the store does not describe
    them). A merge in progress (``MERGE_HEAD``) is not: its commit is the working tree the
    user resolved, planned from the store like any other (tests/integration/
    test_robust_merge.py)."""
    names = ("rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD", "REVERT_HEAD")
    if any((git_dir / name).exists() for name in names):
        return True
    return os.environ.get("GIT_REFLOG_ACTION", "").startswith(("rebase", "cherry-pick"))


@functools.cache
def _comment_setting(cwd: Path) -> str:
    """``core.commentChar`` ("" when unset), read once per process: the hooks, `ownit
    trailers` and `ownit claim --commit` ask for it several times and live for one
    commit."""
    result = git.run(["config", "--get", "core.commentChar"], cwd, check=False)
    return git.text(result.stdout).strip() if result.returncode == 0 else ""


def comment_char(cwd: Path, message: str) -> str:
    """The character that starts comment lines in this commit message."""
    value = _comment_setting(cwd)
    if not value:
        return "#"
    if value != "auto":
        return value[0]
    # git picked a character no line of the message started with; its comments, written
    # after the message, are the last lines starting with one of its choices.
    for line in reversed(message.split("\n")):
        if line and line[0] in _AUTO_COMMENT_CHARS and line[1:2] in (" ", ""):
            return line[0]
    return "#"


def index_signature(git_dir: Path) -> str:
    """Changes whenever the index being committed changes (size and mtime of the file)."""
    index = os.environ.get("GIT_INDEX_FILE") or str(git_dir / "index")
    try:
        st = os.stat(index)
    except OSError:
        return "none"
    return f"{os.path.abspath(index)}:{st.st_size}:{st.st_mtime_ns}"
