"""A fresh clone of this repository for tests that build or install from one, as a new
user would: HEAD plus the working copy's uncommitted changes on top, so the test checks
the tree as it stands."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _git(cwd: Path, *args: str, input: bytes | None = None) -> bytes:
    proc = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, check=False)
    if proc.returncode != 0:
        pytest.fail(f"git {' '.join(args)} failed in {cwd}: {proc.stderr.decode()}")
    return proc.stdout


def clone_working_tree(dest: Path, *, commit: bool = False) -> str:
    """Clone HEAD into ``dest`` and add the working copy's changes: tracked edits and the
    new files git does not ignore (what `git add -A` would commit). With ``commit`` those
    changes are committed in the clone (for tools that fetch a revision, like
    pre-commit). Returns the clone's HEAD commit."""
    _git(dest.parent, "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest))
    diff = _git(ROOT, "diff", "--binary", "HEAD")
    if diff:
        _git(dest, "apply", "--binary", "--whitespace=nowarn", input=diff)
    listed = _git(ROOT, "ls-files", "-z", "--others", "--exclude-standard")
    for name in filter(None, listed.decode().split("\0")):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target, follow_symlinks=False)
    if commit and _git(dest, "status", "--porcelain"):
        _git(dest, "add", "-A")
        identity = [
            *("-c", "user.name=ownit tests", "-c", "user.email=tests@ownit.invalid"),
            *("-c", "commit.gpgsign=false"),
        ]
        _git(dest, *identity, "commit", "--quiet", "--no-verify", "-m", "working copy")
    return _git(dest, "rev-parse", "HEAD").decode().strip()
