"""Installing ownit's git hooks (``ownit hooks install|uninstall``).

The hooks directory is the one git uses: ``git rev-parse --git-path hooks``, which follows
``core.hooksPath`` and, in a linked worktree, the shared hooks of the main repository.

Each hook ownit writes is a small ``sh`` script holding :data:`MARKER`. It runs
ownit's hook with the first ownit it finds: the Python that installed it
(:data:`RUN_HOOK`: :mod:`ownit.commit.runner` without the command line's start-up; GUI git clients
often run hooks with a bare ``PATH``), else ``ownit hook <name>`` on ``PATH``, else
``python3 -m ownit`` if that Python has ownit. Before that, small shell checks skip
Python altogether when there is nothing to do (see :data:`_FAST_PATHS`). With none of
them it says so on stderr and lets the commit go on.

A hook that is already there and not ownit's is never overwritten: it is moved to
``<name>.ownit-chained`` and ownit's hook runs it first, with the same arguments, stopping
(with its exit status) if it fails. ``uninstall`` removes ownit's hooks and puts chained
hooks back. Installation refuses, with a message saying what to do, when a foreign hook
cannot be chained safely: a ``<name>.ownit-chained`` is already there (from an earlier
install whose hook was since replaced), or the hook is not a file. ``--force`` then keeps
the old chained hook as ``<name>.ownit-chained.<n>.bak`` and chains the current one; it
never deletes a hook.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from ownit.commit import HOOK_NAMES
from ownit.git import run as git

MARKER = "# ownit-managed-hook v1"
CHAINED_SUFFIX = ".ownit-chained"


class HookInstallError(Exception):
    """A hook cannot be installed or removed safely; the message says what to do."""


@dataclass(frozen=True, slots=True)
class HookAction:
    name: str
    path: Path
    action: str  # installed, updated, unchanged, chained, removed, restored, skipped
    detail: str = ""


def hooks_dir(cwd: Path) -> Path:
    """The directory git runs hooks from, for the repository at ``cwd``."""
    out = git.run(["rev-parse", "--git-path", "hooks"], cwd).stdout
    path = Path(git.text(out).strip())
    return path if path.is_absolute() else (cwd / path).resolve()


def is_ownit_hook(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return False
    return MARKER.encode() in head


def _sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# (Each script starts as few processes as it can: shell built-ins where they do; every
# git process is a few milliseconds of each commit.)
# Shell checks that spare a Python start when ownit has nothing to do: commit-msg when
# the message is still the one prepare-commit-msg wrote and left nothing to say about
# (``commit-msg-ok`` holds its blob id), post-commit when the commit holds no AI lines.
# Where ownit's files are: git runs hooks at the top of the working tree, so without
# GIT_DIR / GIT_WORK_TREE in the environment and with a `.git` folder there (not a linked
# worktree's `.git` file), that folder is the git directory; else git says (a process).
_OWNIT_DIR = """if [ -z "${GIT_DIR-}" ] && [ -z "${GIT_WORK_TREE-}" ] && [ -d .git ]; then
  ownit_dir=.git/ownit
else
  ownit_dir="$(git rev-parse --git-path ownit 2>/dev/null)"
fi
"""
_FAST_PATHS = {
    "commit-msg": _OWNIT_DIR
    + """ok="${ownit_dir:+$ownit_dir/commit-msg-ok}"
if [ -n "$ok" ] && [ -f "$ok" ] && [ -f "$1" ] && read -r want <"$ok" &&
  [ "$(git hash-object --no-filters -- "$1" 2>/dev/null)" = "$want" ]; then
  rm -f "$ok"
  exit 0
fi
""",
    # The commit's record waits, under ownit/committed/<sha>.json, for the next ownit
    # command that reads the store (settle_committed): no Python start after each commit.
    "post-commit": _OWNIT_DIR
    + """pending="${ownit_dir:+$ownit_dir/pending-commit.json}"
if [ -n "$pending" ] && { [ ! -f "$pending" ] || grep -q '"pieces": \\[\\]' "$pending"; }; then
  rm -f "$pending"
  exit 0
fi
committed="${pending%/*}/committed"
head="$(git rev-parse --verify --quiet HEAD 2>/dev/null)"
if [ -n "$pending" ] && [ -n "$head" ] && mkdir -p "$committed" &&
  mv -f -- "$pending" "$committed/$head.json"; then
  exit 0
fi
""",
}


# How the scripts start the hooks with the Python that installed them: `-c` rather than
# `-m ownit.commit.runner`, which loads runpy and importlib.util first (≈ 3 ms of every
# hook); `-P` keeps the repository's own files (the working directory) off sys.path.
RUN_HOOK = "-P -c 'from ownit.commit.runner import main; raise SystemExit(main())'"


def hook_script(name: str, python: str) -> str:
    """The ``sh`` script of hook ``name``; ``python`` is the interpreter to fall back on."""
    py = _sh_quote(python)
    chained = _sh_quote(name + CHAINED_SUFFIX)
    return f"""#!/bin/sh
{MARKER}
# Installed by `ownit hooks install`; `ownit hooks uninstall` removes it. A {name} hook
# that was here before is kept as {name}{CHAINED_SUFFIX} and runs first.
case $0 in */*) here="${{0%/*}}" ;; *) here=. ;; esac
chained="$here"/{chained}
if [ -f "$chained" ] && [ -x "$chained" ]; then
  "$chained" "$@" || exit $?
fi
{_FAST_PATHS.get(name, "")}if [ -x {py} ]; then
  exec {py} {RUN_HOOK} {name} "$@"
elif command -v ownit >/dev/null 2>&1; then
  exec ownit hook {name} "$@"
elif command -v python3 >/dev/null 2>&1 && python3 -c 'import ownit' >/dev/null 2>&1; then
  exec python3 -m ownit hook {name} "$@"
fi
echo "ownit: cannot run ownit (not on PATH, and neither "{py}" nor python3 has it);" \\
  "the {name} hook did nothing. Reinstall with: ownit hooks install" >&2
exit 0
"""


def _write_executable(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.ownit-tmp")
    tmp.write_text(content, encoding="utf-8")
    mode = tmp.stat().st_mode
    tmp.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(tmp, path)


def _is_current(path: Path, name: str, python: str) -> bool:
    """The script there is the one this ownit writes, and git can run it."""
    try:
        same = path.read_text(encoding="utf-8") == hook_script(name, python)
    except (OSError, UnicodeDecodeError):
        return False
    return same and os.access(path, os.X_OK)


def _backup_name(path: Path) -> Path:
    n = 1
    while True:
        candidate = path.with_name(f"{path.name}.{n}.bak")
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
        n += 1


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def install(cwd: Path, *, force: bool = False, python: str | None = None) -> list[HookAction]:
    """Install ownit's hooks for the repository at ``cwd``.

    Checks every hook before changing any, so a refusal leaves everything as it was.
    """
    directory = hooks_dir(cwd)
    python = python or sys.executable
    plans: list[tuple[str, Path, str]] = []
    problems: list[str] = []
    for name in HOOK_NAMES:
        path = directory / name
        chained = directory / (name + CHAINED_SUFFIX)
        if not _exists(path):
            plans.append((name, path, "installed"))
        elif is_ownit_hook(path):
            plans.append(
                (name, path, "unchanged" if _is_current(path, name, python) else "updated")
            )
        elif path.is_dir():
            problems.append(f"{path} is a directory, not a hook; move it away and run again")
        elif _exists(chained) and not force:
            problems.append(
                f"{path} is not ownit's hook, and {chained.name} (a hook ownit chained"
                " before) is in the way of chaining it; merge them by hand, or run"
                f" `ownit hooks install --force` to keep {chained.name} as a .bak file"
                " and chain the current hook"
            )
        else:
            plans.append((name, path, "chained"))
    if problems:
        raise HookInstallError("\n".join(problems))

    directory.mkdir(parents=True, exist_ok=True)
    actions: list[HookAction] = []
    for name, path, action in plans:
        detail = "already the current script" if action == "unchanged" else ""
        if action == "chained":
            chained = directory / (name + CHAINED_SUFFIX)
            if _exists(chained):
                backup = _backup_name(chained)
                os.replace(chained, backup)
                detail = f"old {chained.name} kept as {backup.name}; "
            os.replace(path, chained)
            detail += f"your hook was moved to {chained.name} and runs first"
        if action != "unchanged":
            _write_executable(path, hook_script(name, python))
        actions.append(HookAction(name, path, action, detail))
    return actions


def uninstall(cwd: Path) -> list[HookAction]:
    """Remove ownit's hooks, putting back hooks they chained; foreign hooks stay."""
    directory = hooks_dir(cwd)
    actions: list[HookAction] = []
    for name in HOOK_NAMES:
        path = directory / name
        chained = directory / (name + CHAINED_SUFFIX)
        if _exists(path) and not is_ownit_hook(path):
            actions.append(HookAction(name, path, "skipped", "not ownit's hook; left alone"))
            continue
        had_ours = _exists(path)
        if had_ours:
            path.unlink()
        if _exists(chained):
            os.replace(chained, path)
            actions.append(HookAction(name, path, "restored", f"{chained.name} put back"))
        elif had_ours:
            actions.append(HookAction(name, path, "removed"))
        else:
            actions.append(HookAction(name, path, "skipped", "not installed"))
    return actions
