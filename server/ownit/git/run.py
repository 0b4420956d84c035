"""The one way ownit runs ``git``: argument lists (never a shell), no prompt, ``LC_ALL=C``.

Every module that needs git goes through here: :func:`run` for a call that finishes,
:func:`git_exe` and :func:`git_env` for the few long-running processes (``git cat-file
--batch``, ``git blame``) that need a :class:`subprocess.Popen` of their own.

By default git sees the caller's environment, so inside a hook it reads what the hook's
git means (e.g. the temporary index of ``git commit -a``). ``isolate=True`` removes
``GIT_DIR``, ``GIT_INDEX_FILE`` and the like, so the answer is about the repository at
``cwd`` alone.

How long git may take: the CLI and the hooks wait for git as long as it takes (a long
history's log is slow, and a hook that gave up would commit without trailers). The
language server must keep answering, so it sets a limit (:func:`set_timeout`,
:data:`SERVER_TIMEOUT_SECONDS`, ``$OWNIT_GIT_TIMEOUT``): a git that does not answer in time
is killed with every process it started (it runs in a process group of its own) and
reaped, and :class:`GitTimeoutError` says which command it was and what to do. At the
server's exit :func:`stop_all` kills the git commands still running, so none holds it up.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing itself not imported: `ownit blame` starts git before it loads
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import Any

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


class GitTimeoutError(GitError):
    """git did not answer within the limit the caller set (the language server's)."""


SERVER_TIMEOUT_SECONDS = 30.0
TIMEOUT_ENV = "OWNIT_GIT_TIMEOUT"

# The limit in force (None: wait, the CLI and the hooks); whether `stop_all` ran; the
# git processes started under a limit that are still running (a set: its add, discard
# and copy are each atomic under the GIL, so no lock is imported on every hook's start).
_limit: list[float | None] = [None]
_stopped = [False]
_running: set[subprocess.Popen[bytes]] = set()


def server_timeout() -> float:
    """The language server's limit: ``$OWNIT_GIT_TIMEOUT`` seconds when that is a positive
    number, else :data:`SERVER_TIMEOUT_SECONDS`."""
    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        seconds = float(raw)
    except ValueError:
        return SERVER_TIMEOUT_SECONDS
    return seconds if 0 < seconds < float("inf") else SERVER_TIMEOUT_SECONDS


def set_timeout(seconds: float | None) -> None:
    """Limit every git command of this process to ``seconds`` (None: wait for git)."""
    _limit[0] = seconds
    _stopped[0] = False


def timeout() -> float | None:
    return _limit[0]


def stop_all() -> None:
    """Kill every git command started under a limit that is still running, and refuse to
    start more (the language server is exiting: nobody waits for their answers)."""
    _stopped[0] = True
    for proc in list(_running):
        _kill(proc)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill ``proc``'s process group (git's own children too: a hook, ssh, a helper)."""
    try:
        os.killpg(proc.pid, 9)  # SIGKILL; proc leads its group (start_new_session)
    except (AttributeError, OSError):  # no process groups here, or it is gone
        try:
            proc.kill()
        except OSError:  # it ended meanwhile
            return


def spawn(args: Sequence[str], **options: Any) -> subprocess.Popen[bytes]:
    """A :class:`subprocess.Popen` of ``args`` (git's full command line) for a process
    read as it goes (``git blame``, ``git cat-file --batch``): under a limit, in a group
    of its own and known to :func:`stop_all`; call :func:`wait` to end it."""
    import subprocess

    if _stopped[0]:
        raise GitError(f"{_command(args[1:])} not started: the language server is stopping")
    limited = _limit[0] is not None
    proc = subprocess.Popen(args, start_new_session=limited, **options)
    if limited:
        _running.add(proc)
    return proc


def communicate(
    proc: subprocess.Popen[bytes], args: Sequence[str], cwd: Path | str, input: bytes | None = None
) -> tuple[bytes, bytes]:
    """``proc.communicate(input)`` within the limit in force; past it, ``proc`` is killed
    with its children and reaped, and :class:`GitTimeoutError` raised (``args``: git's
    arguments, for the message)."""
    import subprocess

    limit = _limit[0]
    try:
        out, err = proc.communicate(input, timeout=limit)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        assert limit is not None
        raise GitTimeoutError(_timeout_message(args, cwd, limit)) from None
    finally:
        _running.discard(proc)
    if _stopped[0] and proc.returncode is not None and proc.returncode < 0:
        raise GitError(f"{_command(args)} stopped: the language server is stopping")
    return out, err


def _timeout_message(args: Sequence[str], cwd: Path | str, limit: float) -> str:
    command = _command(args)
    return (
        f"{command} did not answer within {limit:g} s in {cwd}, so ownit stopped it:"
        f" check that `{command}` answers there (a hung network drive, a lock, a slow"
        f" fsmonitor or hook), or set {TIMEOUT_ENV} to the seconds ownit's language"
        " server may wait for git, then restart the server"
    )


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
    exe = git_exe()
    env = git_env(isolate=isolate, keep_locale=keep_locale)
    env.update(extra_env or {})
    if _limit[0] is not None:
        result = _run_limited([exe, *args], args, cwd, env, input)
    else:
        result = _run_waiting([exe, *args], cwd, env, input)
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        failed = f"{_command(args)} failed"
        raise GitError(f"{failed}: {message}" if message else failed)
    return result


def _run_waiting(
    argv: list[str], cwd: Path, env: dict[str, str], input: bytes | None
) -> subprocess.CompletedProcess[bytes]:
    import subprocess  # here: `ownit blame` starts git blame before subprocess loads

    try:
        return subprocess.run(
            argv,
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


def _run_limited(
    argv: list[str], args: Sequence[str], cwd: Path, env: dict[str, str], input: bytes | None
) -> subprocess.CompletedProcess[bytes]:
    import subprocess

    try:
        proc = spawn(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except NotADirectoryError as exc:
        raise GitError(f"cannot run git in {cwd}: not a directory") from exc
    except OSError as exc:
        raise GitError(f"cannot run git in {cwd}: {exc}") from exc
    out, err = communicate(proc, args, cwd, input)
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


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
