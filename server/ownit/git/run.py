"""The one way ownit runs ``git``: argument lists (never a shell), no prompt, ``LC_ALL=C``.

Every module that needs git goes through here: :func:`run` for a call that finishes,
:func:`git_exe` and :func:`git_env` for the few long-running processes (``git cat-file
--batch``, ``git blame``) that need a :class:`subprocess.Popen` of their own.

By default git sees the caller's environment, so inside a hook it reads what the hook's
git means (e.g. the temporary index of ``git commit -a``). ``isolate=True`` removes
``GIT_DIR``, ``GIT_INDEX_FILE`` and the like, so the answer is about the repository at
``cwd`` alone.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing itself not imported: `ownit blame` starts git before it loads
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping, Sequence
    from pathlib import Path

# Variables that would make git answer about another repository than the path's.
LOCATION_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


class GitError(Exception):
    """git failed, or is not installed; the message says what to do."""


class GitNotFoundError(GitError):
    """The ``git`` executable is not on ``PATH``."""


def git_env(*, isolate: bool = False, keep_locale: bool = False) -> dict[str, str]:
    """The environment git runs with: the caller's, without a terminal prompt, with
    ``LC_ALL=C`` (stable messages, e.g. to recognise "not a git repository").

    ``isolate`` drops the variables of :data:`LOCATION_ENV`; ``keep_locale`` leaves a
    caller's ``LC_ALL`` in place (for a ``git commit`` whose hooks and messages the user
    sees).
    """
    env = {k: v for k, v in os.environ.items() if not (isolate and k in LOCATION_ENV)}
    if keep_locale:
        env.setdefault("LC_ALL", "C")
    else:
        env["LC_ALL"] = "C"
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


_FOUND: dict[tuple[str, str], str | None] = {}


def _find_on_path(name: str, path: str) -> str | None:
    # shutil.which, minus importing shutil (and the compression modules it pulls in) on
    # every hook and agent checkpoint start; remembered per PATH.
    if (name, path) in _FOUND:
        return _FOUND[(name, path)]
    found = None
    for directory in path.split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            found = candidate
            break
    _FOUND[(name, path)] = found
    return found


def git_exe() -> str:
    """The ``git`` executable on ``PATH``; :class:`GitNotFoundError` without one."""
    exe = _find_on_path("git", os.environ.get("PATH", os.defpath))
    if exe is None:
        raise GitNotFoundError(
            "git is not installed or not on PATH; ownit needs git to find repositories"
            " (install git, or work outside a repository)"
        )
    return exe


def _command(args: Sequence[str]) -> str:
    """The git subcommand ``args`` run, for messages (``-c key=value`` skipped)."""
    at = 0
    while at < len(args) and args[at] == "-c":
        at += 2
    return " ".join(["git", *args[at : at + 1]])


def run(
    args: Sequence[str],
    cwd: Path,
    *,
    input: bytes | None = None,
    check: bool = True,
    isolate: bool = False,
    keep_locale: bool = False,
    extra_env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """``git <args>`` in ``cwd``: bytes in (``input``, else no stdin) and out.

    With ``check`` a non-zero exit raises :class:`GitError` with git's message;
    ``isolate`` and ``keep_locale`` as in :func:`git_env`; ``extra_env`` set on top.
    """
    import subprocess  # here: `ownit blame` starts git blame before subprocess loads

    exe = git_exe()
    env = git_env(isolate=isolate, keep_locale=keep_locale)
    env.update(extra_env or {})
    try:
        result = subprocess.run(
            [exe, *args],
            cwd=cwd,
            env=env,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except NotADirectoryError as exc:
        raise GitError(f"cannot run git in {cwd}: not a directory") from exc
    except OSError as exc:
        raise GitError(f"cannot run git in {cwd}: {exc}") from exc
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        failed = f"{_command(args)} failed"
        raise GitError(f"{failed}: {message}" if message else failed)
    return result


def text(data: bytes) -> str:
    """git's output as text: UTF-8, undecodable bytes kept (``surrogateescape``)."""
    return data.decode("utf-8", "surrogateescape")


def text_mode(data: bytes) -> str:
    """:func:`text` with universal newlines, as ``subprocess.run(text=True)`` reads it."""
    return text(data).replace("\r\n", "\n").replace("\r", "\n")


def rev(cwd: Path, spec: str) -> str | None:
    """The commit ``spec`` names, or None (no such commit, unborn branch, no parent, or a
    spec that looks like an option)."""
    if not spec or spec.startswith("-"):
        return None
    args = ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}"]
    result = run(args, cwd, check=False)
    out = text(result.stdout).strip()
    return out if result.returncode == 0 and out else None
