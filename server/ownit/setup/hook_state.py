"""Whether ownit's git hooks are installed and are the scripts this ownit would write.

``commit.install`` writes each hook from :func:`ownit.commit.install.hook_script` with the
installing interpreter; comparing the file with that script tells an up-to-date hook from
one that was edited, written by another ownit version or for an interpreter that is gone.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ownit.commit import HOOK_NAMES
from ownit.commit.install import CHAINED_SUFFIX, hook_script, hooks_dir, is_ownit_hook

_PYTHON_LINE = re.compile(r"^(?:el)?if \[ -x ('(?:[^']|'\\'')*') \]; then$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class HookState:
    name: str
    path: Path
    # current | missing | foreign (not ownit's) | other-python (ownit's script for another
    # interpreter, which exists) | python-gone (… which no longer exists) | edited |
    # not-a-file
    state: str
    python: str | None = None  # the interpreter the script names
    chained: Path | None = None  # the hook that was there before, run first

    @property
    def ok(self) -> bool:
        return self.state == "current"


def _unquote(word: str) -> str:
    return word[1:-1].replace("'\\''", "'")


def script_python(text: str) -> str | None:
    """The interpreter an ownit hook script runs first."""
    found = _PYTHON_LINE.search(text)
    return _unquote(found.group(1)) if found else None


def _state(name: str, path: Path, python: str) -> HookState:
    chained = path.with_name(name + CHAINED_SUFFIX)
    before = chained if chained.exists() or chained.is_symlink() else None
    if not path.exists() and not path.is_symlink():
        return HookState(name, path, "missing", chained=before)
    if not path.is_file():
        return HookState(name, path, "not-a-file", chained=before)
    if not is_ownit_hook(path):
        return HookState(name, path, "foreign", chained=before)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return HookState(name, path, "edited", chained=before)
    if text == hook_script(name, python):
        return HookState(name, path, "current", python, before)
    named = script_python(text)
    if named is not None and text == hook_script(name, named):
        alive = os.path.isfile(named) and os.access(named, os.X_OK)
        return HookState(name, path, "other-python" if alive else "python-gone", named, before)
    return HookState(name, path, "edited", named, before)


def hook_states(cwd: Path, python: str | None = None) -> list[HookState]:
    """The state of each of ownit's hooks where git runs hooks for ``cwd``."""
    directory = hooks_dir(cwd)
    return [_state(name, directory / name, python or sys.executable) for name in HOOK_NAMES]


def hooks_missing_note(cwd: Path, what: str) -> str | None:
    """What to tell someone about to rely on the hooks (``what``: "this claim", "these
    trailers") when no prepare-commit-msg hook (the one that writes the trailers) is where
    git runs hooks for ``cwd``: a commit then carries nothing of ownit's, which they must
    hear now, not in CI. Another program's hook there (the pre-commit framework's, which
    may run ``ownit hook``) is left to ``ownit doctor`` to judge."""
    from ownit.git.run import GitError

    try:
        hook = hooks_dir(cwd) / "prepare-commit-msg"
    except GitError:
        return None
    if hook.exists() or hook.is_symlink():
        return None
    return (
        f"ownit's git hooks are not installed here, so `git commit` will not carry {what}:"
        " run `ownit hooks install` (or `ownit init`) first"
    )
