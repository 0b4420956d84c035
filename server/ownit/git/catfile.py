"""Reading objects with ``git cat-file --batch``: what to ask it and how to read its answers.

Asked ``<rev>:<path>`` or ``:<path>`` one per line, git answers each with either
``<oid> <type> <size>\\n<content>\\n`` or ``<what was asked> missing\\n`` (also
``ambiguous``). What was asked is echoed as it was, so it may hold spaces: an answer is
recognised by its object id first, then by comparing it with the spec asked, never by
splitting it on spaces. Two kinds of spec cannot be asked one per line — one holding a
newline, and one ending in a carriage return (git strips it as the CR of a CRLF) — so
those are read one ``git cat-file blob`` each, with the spec as an argument.

The path of a spec comes from commit data (a claim line), so it is taken literally or not
at all: ``:<path>`` is asked as ``:0:<path>`` (a path like ``1:x.py`` is not stage 1 of
``x.py``, ``/x`` is not a search of commit messages), and a path git could not hold in a
tree — empty, absolute, with an empty, ``.`` or ``..`` component, which git would resolve
against the working directory and die on when it leaves the repository — is not asked:
no such blob.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ownit.git.run import GitError, git_env, git_exe, run

_HEADER = re.compile(rb"([0-9a-f]{40}|[0-9a-f]{64}) ([a-z]+) ([0-9]+)\n")
_NOT_FOUND = (b"missing", b"ambiguous")


def tree_path(path: str) -> bool:
    """Whether ``path`` is one git can hold in a tree (repo-relative, canonical)."""
    return bool(path) and all(part not in ("", ".", "..") for part in path.split("/"))


def git_spec(spec: str) -> str | None:
    """What to ask git for ``<rev>:<path>`` / ``:<path>``: the path taken literally;
    None when the path cannot be in a tree (see the module's notes)."""
    rev, sep, path = spec.partition(":")
    if not sep:
        return spec  # an object name alone
    if not tree_path(path):
        return None
    return f"{rev}:{path}" if rev else f":0:{path}"


def batchable(spec: str) -> bool:
    """Whether ``spec`` can be asked on a line of ``git cat-file --batch``."""
    return "\n" not in spec and "\0" not in spec and not spec.endswith("\r")


def spec_bytes(spec: str) -> bytes:
    return spec.encode("utf-8", "surrogateescape")


def batch_input(specs: Iterable[str]) -> bytes:
    return b"".join(spec_bytes(spec) + b"\n" for spec in specs)


class BatchAnswerError(GitError):
    """``git cat-file --batch`` answered something ownit cannot read."""


def content_size(header: bytes, spec: str) -> int | None:
    """The size of the content after ``header`` (one answer line, with its newline), or
    None when git says ``spec`` is missing or ambiguous (no content follows)."""
    found = _HEADER.fullmatch(header)
    if found is not None:
        return int(found[3])
    asked = spec_bytes(spec)
    if any(header == asked + b" " + word + b"\n" for word in _NOT_FOUND):
        return None
    raise BatchAnswerError(
        f"git cat-file gave an answer ownit cannot read for {spec!r}: {header[:200]!r}"
    )


def is_blob_header(header: bytes) -> bool:
    found = _HEADER.fullmatch(header)
    return found is not None and found[2] == b"blob"


def answer_at(out: bytes, pos: int, spec: str) -> tuple[bytes | None, int]:
    """The answer to ``spec`` starting at ``pos`` of ``out``: the blob (None when it is
    missing, ambiguous or not a blob) and where the next answer starts."""
    nl = out.find(b"\n", pos)
    if nl < 0:
        raise BatchAnswerError(f"git cat-file output ended early, before the answer for {spec!r}")
    header = out[pos : nl + 1]
    size = content_size(header, spec)
    if size is None:
        return None, nl + 1
    start = nl + 1
    if len(out) < start + size + 1:
        raise BatchAnswerError(f"git cat-file output ended early, in the answer for {spec!r}")
    return (out[start : start + size] if is_blob_header(header) else None), start + size + 1


def parse_batch(
    out: bytes, specs: Sequence[str], fallback: Callable[[str], bytes | None] | None = None
) -> dict[str, bytes | None]:
    """The answers of ``git cat-file --batch`` to ``specs`` (asked in this order). After an
    answer it cannot read, the rest are asked one by one through ``fallback`` (None: the
    error is raised)."""
    result: dict[str, bytes | None] = dict.fromkeys(specs)
    pos = 0
    for index, spec in enumerate(specs):
        try:
            result[spec], pos = answer_at(out, pos, spec)
        except BatchAnswerError:
            if fallback is None:
                raise
            for rest in specs[index:]:
                result[rest] = fallback(rest)
            break
    return result


def read_one(cwd: Path, spec: str) -> bytes | None:
    """One blob, the spec given as an argument (any bytes but NUL); None when it is not
    there or not a blob."""
    asked = git_spec(spec)
    return None if asked is None else _read_asked(cwd, asked)


def _read_asked(cwd: Path, asked: str) -> bytes | None:
    if "\0" in asked or asked.startswith("-"):
        return None
    found = run(["cat-file", "blob", asked], cwd, check=False)  # fails for a non-blob
    return found.stdout if found.returncode == 0 else None


def read_blobs(cwd: Path, specs: Iterable[str]) -> dict[str, bytes | None]:
    """Contents of ``<rev>:<path>`` / ``:<path>`` blobs, in one ``git cat-file --batch``
    call (plus one call per spec that cannot be asked on a line); None for one that is not
    there or not a blob."""
    wanted = list(dict.fromkeys(specs))
    result: dict[str, bytes | None] = dict.fromkeys(wanted)
    batch = Batch(wanted)
    if batch.asked:
        out = run(["cat-file", "--batch"], cwd, input=batch.input()).stdout
        result.update(batch.answers(out, cwd))
    for spec in batch.alone:
        result[spec] = read_one(cwd, spec)
    return result


class Batch:
    """The specs of one ``git cat-file --batch`` run: those asked on its stdin (as
    :func:`git_spec` spells them), those read alone (:func:`read_one`); the rest (paths
    no tree can hold) are not there."""

    def __init__(self, specs: Iterable[str]) -> None:
        self.asked: dict[str, str] = {}  # spec -> what git is asked
        self.alone: list[str] = []
        for spec in specs:
            asked = git_spec(spec)
            if asked is None:
                continue
            if batchable(asked):
                self.asked[spec] = asked
            else:
                self.alone.append(spec)

    def input(self) -> bytes:
        return batch_input(self.asked.values())

    def answers(self, out: bytes, cwd: Path) -> dict[str, bytes | None]:
        by_asked = parse_batch(out, list(self.asked.values()), lambda a: _read_asked(cwd, a))
        return {spec: by_asked[asked] for spec, asked in self.asked.items()}


class Stream:
    """One ``git cat-file --batch`` process for a whole run, streamed both ways.

    :meth:`ask` writes specs to its stdin at any time (each asked once); one reader
    thread, for the life of the process, reads the answers as git writes them and keeps
    each blob's bytes (one copy, read straight into its own object); :meth:`get` waits
    for one answer. No thread per read, no buffering of the whole output: git never waits
    on a full pipe, and memory holds only the blobs themselves. After an answer it cannot
    read (or when git stops), the rest are read one by one (:func:`read_one`)."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        try:
            self._proc = subprocess.Popen(
                [git_exe(), "cat-file", "--batch"],
                cwd=cwd,
                env=git_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise GitError(f"cannot run git cat-file in {cwd}: {exc}") from exc
        self._lock = threading.Condition()
        self._write_lock = threading.Lock()  # taken before _lock, never the other way
        self._answers: dict[str, bytes | None] = {}  # spec -> blob (None: not there)
        self._asked: set[str] = set()
        self._queue: deque[tuple[str, str]] = deque()  # (spec, what git was asked), in order
        self._broken = False  # stop reading git's answers: read the rest alone
        self._closed = False
        self._reader = threading.Thread(target=self._read_answers, daemon=True)
        self._reader.start()

    def ask(self, specs: Iterable[str]) -> None:
        """Ask for ``specs`` (``<rev>:<path>`` / ``:<path>``); answers come in the background."""
        with self._write_lock:  # the queue's order is the order written
            self._ask(specs)

    def _ask(self, specs: Iterable[str]) -> None:
        lines: list[bytes] = []
        with self._lock:
            for spec in specs:
                if spec in self._asked:
                    continue
                self._asked.add(spec)
                asked = git_spec(spec)
                if asked is None:
                    self._answers[spec] = None
                elif not batchable(asked) or self._broken or self._closed:
                    self._answers[spec] = _read_asked(self._cwd, asked)
                else:
                    self._queue.append((spec, asked))
                    lines.append(spec_bytes(asked) + b"\n")
            self._lock.notify_all()
        if lines:
            self._write(b"".join(lines))

    def _write(self, data: bytes) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            stdin.write(data)
            stdin.flush()
        except (OSError, ValueError):
            with self._lock:
                self._fail()

    def get(self, spec: str) -> bytes | None:
        """The blob ``spec`` names (asked now if it was not); None when it is not there or
        not a blob."""
        self.ask([spec])
        with self._lock:
            while spec not in self._answers and not self._broken:
                self._lock.wait()
            if spec in self._answers:
                return self._answers[spec]
        return read_one(self._cwd, spec)  # git stopped answering: read it alone

    def forget(self, spec: str) -> None:
        """Let go of an answer already taken (it is read again if asked again)."""
        with self._lock:
            if spec in self._answers:
                del self._answers[spec]
                self._asked.discard(spec)

    def _fail(self) -> None:
        """(lock held) Stop reading answers: what is still queued is read alone."""
        self._broken = True
        while self._queue:
            spec, asked = self._queue.popleft()
            self._answers[spec] = _read_asked(self._cwd, asked)
        self._lock.notify_all()

    def _read_answers(self) -> None:
        stdout = self._proc.stdout
        assert stdout is not None
        while True:
            header = stdout.readline()
            with self._lock:
                if not header or not self._queue:
                    if self._queue or not self._closed:
                        self._fail()
                    return
                spec, asked = self._queue[0]
            try:
                size = content_size(header, asked)
                data = None
                if size is not None:
                    data = _read_exact(stdout, size) if size else b""
                    _read_exact(stdout, 1)  # the newline after the content
                    if not is_blob_header(header):
                        data = None
            except GitError:
                with self._lock:
                    self._fail()
                return
            with self._lock:
                self._queue.popleft()
                self._answers[spec] = data
                self._lock.notify_all()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        proc = self._proc
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        self._reader.join(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_exact(stream: object, size: int) -> bytes:
    """``size`` bytes of ``stream``, in one object when the pipe gives them in one read."""
    read = stream.read  # type: ignore[attr-defined]
    first: bytes = read(size)
    if len(first) == size:
        return first
    chunks = [first]
    size -= len(first)
    while size > 0:
        chunk: bytes = read(size)
        if not chunk:
            raise BatchAnswerError("git cat-file output ended early")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
