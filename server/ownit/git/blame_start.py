"""``git blame`` started for ``ownit blame`` before anything else: before argparse, the
verb's module and subprocess are imported (:func:`start_early`, from :mod:`ownit.cli`).

git works on its own core meanwhile; the verb, once its arguments are parsed, takes the
process (:func:`take`) when it asks for the same blame (same directory, file, ``-L``
ranges and ``-M``/``-C`` options), or starts its own. Only arguments of a plain shape
(a file, ``-L``, ``-M``, ``-C``, ``--json``: :func:`plain_blame`, which the verb also reads
its options with, without argparse) start one early; anything else (``--contents``,
``--help``, an option argparse would read otherwise) waits for the parser. A blame not
taken is ended by :func:`discard`.

The command line is built here for both (:func:`blame_argv`), so the early one is the
same command as the one :func:`ownit.git.blame.start_blame` runs.
"""

from __future__ import annotations

import os

from ownit.git import run as git

TYPE_CHECKING = False  # nor typing, nor collections: git starts first
if TYPE_CHECKING:
    from collections.abc import Sequence

# (cwd, path, ranges, moves) of the blame started early, and the process
_early: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], EarlyBlame] | None = None


def blame_argv(
    exe: str, path: str, ranges: Sequence[str], contents: bool, moves: Sequence[str]
) -> list[str]:
    """``git blame --porcelain`` of ``path`` with these options (``contents``: the text
    comes on stdin)."""
    args = [exe, "-c", "core.quotePath=true", "blame", "--porcelain", *moves]
    for spec in ranges:
        args += ["-L", spec]
    if contents:
        args += ["--contents", "-"]
    return [*args, "--", path]


class EarlyBlame:
    """A git blame started by ``os.posix_spawn`` (no subprocess module yet), with as much
    of :class:`subprocess.Popen` as :class:`ownit.git.blame.RunningBlame` uses."""

    stdin = None  # git reads nothing (stdin is /dev/null)

    def __init__(self, pid: int, out: int, err: int) -> None:
        self.pid = pid
        self._out = out
        self._err = err
        self.returncode: int | None = None

    def communicate(self) -> tuple[bytes, bytes]:
        """Everything git wrote on stdout and stderr, once it has exited."""
        import select

        chunks: dict[int, list[bytes]] = {self._out: [], self._err: []}
        poller = select.poll()
        for fd in chunks:
            poller.register(fd, select.POLLIN)
        open_fds = set(chunks)
        while open_fds:
            for fd, _event in poller.poll():
                data = os.read(fd, 1 << 20)
                if data:
                    chunks[fd].append(data)
                else:
                    poller.unregister(fd)
                    open_fds.discard(fd)
        for fd in chunks:
            os.close(fd)
        _, status = os.waitpid(self.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)
        return b"".join(chunks[self._out]), b"".join(chunks[self._err])

    def kill(self) -> None:
        import signal

        os.kill(self.pid, signal.SIGKILL)  # not waited for yet: the pid is still git's


def start_early(arguments: Sequence[str]) -> None:
    """Start the blame that ``ownit blame <arguments>`` will ask for, when the arguments
    are of the plain shape and the platform has ``posix_spawn``; else do nothing."""
    global _early
    plain = plain_blame(arguments)
    if plain is None or not hasattr(os, "posix_spawn"):
        return
    moves = plain.moves()
    try:
        exe = git.git_exe()
        cwd = os.getcwd()
        process = _spawn(blame_argv(exe, plain.file, plain.ranges, False, moves), git.git_env())
    except (OSError, git.GitError):
        return  # the verb starts its own, and says what is wrong
    if process is not None:
        _early = ((cwd, plain.file, tuple(plain.ranges), tuple(moves)), process)


def take(cwd: str, path: str, ranges: Sequence[str], moves: Sequence[str]) -> EarlyBlame | None:
    """The blame started early, if it is this one (else it is ended)."""
    global _early
    if _early is None:
        return None
    key, process = _early
    _early = None
    if key == (cwd, path, tuple(ranges), tuple(moves)):
        return process
    _end(process)
    return None


def discard() -> None:
    """End the blame started early if no one took it (a usage error, ``--help``)."""
    global _early
    if _early is not None:
        process = _early[1]
        _early = None
        _end(process)


def _end(process: EarlyBlame) -> None:
    process.kill()
    process.communicate()


class PlainBlame:
    """``ownit blame``'s options, read from a command line of the plain shape."""

    __slots__ = ("file", "json", "move_c", "move_m", "ranges")

    def __init__(self) -> None:
        self.file = ""
        self.ranges: list[str] = []
        self.move_m = False
        self.move_c = 0
        self.json = False

    def moves(self) -> list[str]:
        """git blame's ``-M``/``-C`` options, as the verb gives them to git."""
        return (["-M"] if self.move_m else []) + ["-C"] * self.move_c


def plain_blame(arguments: Sequence[str]) -> PlainBlame | None:
    """The options of arguments made only of one file, ``-L START,END`` (or
    ``-LSTART,END``), ``-M``, ``-C`` (up to three) and ``--json``, as argparse reads them;
    None for any other shape (argparse reads those, with its messages)."""
    plain = PlainBlame()
    path: str | None = None
    at = 0
    while at < len(arguments):
        word = arguments[at]
        at += 1
        if word == "--json":
            plain.json = True
        elif word == "-M":
            plain.move_m = True
        elif word == "-C":
            plain.move_c += 1
        elif word == "-L":
            if at == len(arguments) or arguments[at].startswith("-"):
                return None
            plain.ranges.append(arguments[at])
            at += 1
        elif word.startswith("-L") and not word.startswith("-L-"):
            plain.ranges.append(word[2:])
        elif word.startswith("-") or path is not None:
            return None
        else:
            path = word
    if path is None or plain.move_c > 3:
        return None
    plain.file = path
    return plain


def _spawn(argv: list[str], env: dict[str, str]) -> EarlyBlame | None:
    """``argv`` started with stdin from /dev/null and pipes for stdout and stderr, the
    signals Python ignores (SIGPIPE, SIGXFSZ) back to their defaults, as subprocess
    does."""
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    if min(out_read, out_write, err_read, err_write) <= 2:  # a standard stream was closed
        for fd in (out_read, out_write, err_read, err_write):
            os.close(fd)
        return None
    import _signal  # type: ignore[import-not-found]  # loaded at start; `signal` loads enum

    defaults = [getattr(_signal, name) for name in ("SIGPIPE", "SIGXFSZ") if hasattr(_signal, name)]
    try:
        pid = os.posix_spawn(
            argv[0],
            argv,
            env,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, out_write, 1),
                (os.POSIX_SPAWN_DUP2, err_write, 2),
            ],
            setsigdef=defaults,
        )
    except OSError:
        for fd in (out_read, err_read):
            os.close(fd)
        raise
    finally:
        os.close(out_write)
        os.close(err_write)
    return EarlyBlame(pid, out_read, err_read)
