"""Reading history fast: commits with their messages in one ``git log``, blobs through one
``git cat-file --batch`` process, added lines through one ``git diff-tree --stdin``.

Used by ``ownit verify`` and by the claim index behind ``ownit blame``.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ownit.core.record import Record, set_field
from ownit.git import catfile
from ownit.git.run import GitError, run, text

_LOG_FIELDS = ("%H", "%P", "%an", "%ae", "%cn", "%ce", "%ct", "%B")
LOG_FORMAT = "%x00".join(_LOG_FIELDS)


def parents(cwd: Path, sha: str) -> list[str]:
    out = text(run(["rev-list", "--parents", "-n", "1", sha], cwd).stdout).split()
    return out[1:]


def is_shallow(cwd: Path) -> bool:
    out = run(["rev-parse", "--is-shallow-repository"], cwd, check=False)
    return text(out.stdout).strip() == "true"


def shallow_commits(git_common_dir: Path) -> set[str]:
    """The commits whose parents a shallow clone does not have."""
    try:
        return set((git_common_dir / "shallow").read_text("ascii").split())
    except OSError:
        return set()


class Commit(Record):
    __slots__ = (
        "author_email",
        "author_name",
        "committer_email",
        "committer_name",
        "message",
        "parents",
        "sha",
        "time",
    )
    _fields = (
        "sha",
        "parents",
        "author_name",
        "author_email",
        "committer_name",
        "committer_email",
        "time",
        "message",
    )  # (repr in this order)
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    time: int  # committer date, seconds since the epoch
    message: str

    def __init__(
        self,
        sha: str,
        parents: tuple[str, ...],
        author_name: str,
        author_email: str,
        committer_name: str,
        committer_email: str,
        time: int,
        message: str,
    ) -> None:
        set_field(self, "sha", sha)
        set_field(self, "parents", parents)
        set_field(self, "author_name", author_name)
        set_field(self, "author_email", author_email)
        set_field(self, "committer_name", committer_name)
        set_field(self, "committer_email", committer_email)
        set_field(self, "time", time)
        set_field(self, "message", message)

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()


def log(cwd: Path, revisions: Sequence[str], *, reverse: bool = True) -> list[Commit]:
    """Every commit ``revisions`` select (``git rev-list`` syntax), oldest first."""
    args = ["-c", "log.showSignature=false", "log", "-z", "--no-color", "--encoding=UTF-8"]
    args += [f"--format={LOG_FORMAT}", *revisions, "--"]
    out = run(args, cwd).stdout
    commits = list(parse_log(out))
    if reverse:
        commits.reverse()  # cheaper here than git's --reverse, which buffers everything
    return commits


def parse_log(out: bytes) -> Iterator[Commit]:
    # decoded once: a NUL never falls inside a UTF-8 sequence, so this is what decoding
    # each field would give, without 90,000 decode calls on a 10,000-commit range
    parts = text(out).split("\0")
    width = len(_LOG_FIELDS)
    for at in range(0, len(parts) - width + 1, width):
        sha, parent, an, ae, cn, ce, ct, body = parts[at : at + width]
        sha = sha.lstrip("\n")
        if not sha:
            continue
        yield Commit(
            sha=sha,
            parents=tuple(parent.split()),
            author_name=an,
            author_email=ae,
            committer_name=cn,
            committer_email=ce,
            time=int(ct or 0),
            message=body,
        )


def parse_batch(out: bytes, specs: Sequence[str]) -> dict[str, bytes | None]:
    """The answers of ``git cat-file --batch`` to ``specs`` (asked in this order)."""
    return catfile.parse_batch(out, specs)


class Background:
    """``git <args>`` with this stdin, run in a thread while the caller does other work."""

    def __init__(self, args: Sequence[str], cwd: Path, stdin: bytes) -> None:
        self._result: subprocess.CompletedProcess[bytes] | None = None
        self._error: GitError | None = None

        def work() -> None:
            try:
                self._result = run(args, cwd, input=stdin)
            except GitError as error:
                self._error = error

        self._thread = threading.Thread(target=work, daemon=True)
        self._thread.start()

    def stdout(self) -> bytes:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result.stdout


class BatchRead:
    """Blobs ``<rev>:<path>`` read by one ``git cat-file --batch`` in the background."""

    def __init__(self, cwd: Path, specs: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(specs))
        self._cwd = cwd
        self._all = wanted
        self._batch = catfile.Batch(wanted)
        self._job = (
            Background(["cat-file", "--batch", "--buffer"], cwd, self._batch.input())
            if self._batch.asked
            else None
        )

    def result(self) -> dict[str, bytes | None]:
        found: dict[str, bytes | None] = dict.fromkeys(self._all)
        if self._job is not None:
            found.update(self._batch.answers(self._job.stdout(), self._cwd))
        for spec in self._batch.alone:
            found[spec] = catfile.read_one(self._cwd, spec)
        return found


_HUNK = re.compile(rb"^@@ -[0-9]+(?:,[0-9]+)? \+([0-9]+)(?:,([0-9]+))? @@")
_OCTAL = re.compile(rb"\\([0-7]{3}|[abtnvfr\"\\])")
_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}


def unquote_path(raw: bytes) -> str:
    """A path as git prints it in a diff header: C-quoted when it holds special bytes."""
    if raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2:
        body = raw[1:-1]

        def replace(match: re.Match[bytes]) -> bytes:
            code = match.group(1)
            if code in _ESCAPES:
                return bytes([_ESCAPES[code]])
            return bytes([int(code, 8)])

        raw = _OCTAL.sub(replace, body)
    return text(raw)


def start_changed_paths(cwd: Path, commits: Sequence[str]) -> Background:
    """``changed_paths`` started in the background; finish with :func:`changed_paths`."""
    args = ["diff-tree", "--stdin", "-r", "--root", "-M", "-z", "--name-status", "--no-ext-diff"]
    return Background(args, cwd, "".join(sha + "\n" for sha in commits).encode("ascii"))


def changed_paths(job: Background, commits: Sequence[str]) -> dict[str, list[str]]:
    """For each commit, the paths it adds or modifies (renames followed; deletions left
    out) compared with its first parent, from one ``git diff-tree --stdin`` run (no
    content diff: cheap)."""
    result: dict[str, list[str]] = {sha: [] for sha in commits}
    if not commits:
        return result
    tokens = job.stdout().split(b"\0")
    current: list[str] | None = None
    at = 0
    while at < len(tokens):
        token = tokens[at]
        at += 1
        if not token:
            continue
        if len(token) == 40 and token.decode("ascii", "replace") in result:
            current = result[token.decode("ascii")]
            continue
        status = token[:1]
        names = 2 if status in (b"R", b"C") else 1
        paths = tokens[at : at + names]
        at += names
        if current is not None and status != b"D" and paths:
            current.append(text(paths[-1]))
    return result


def start_renames(cwd: Path, commits: Sequence[str]) -> Background:
    """:func:`renames` started in the background (one ``git diff-tree --stdin`` run)."""
    args = ["diff-tree", "--stdin", "-r", "-M", "-z", "--name-status", "--diff-filter=R"]
    args += ["--no-ext-diff"]
    return Background(args, cwd, "".join(sha + "\n" for sha in commits).encode("ascii"))


def renames(job: Background, commits: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """For each commit, the files it renamed or moved (with or without edits, as git's
    ``-M`` finds them: at least half of the file kept), ``(old, new)``, compared with its
    first parent. Commits that renamed nothing are left out."""
    result: dict[str, list[tuple[str, str]]] = {}
    if not commits:
        return result
    wanted = set(commits)
    tokens = job.stdout().split(b"\0")
    current: list[tuple[str, str]] | None = None
    at = 0
    while at < len(tokens):
        token = tokens[at]
        at += 1
        if not token:
            continue
        if len(token) == 40 and token.decode("ascii", "replace") in wanted:
            current = result.setdefault(token.decode("ascii"), [])
            continue
        status = token[:1]
        names = 2 if status in (b"R", b"C") else 1
        paths = tokens[at : at + names]
        at += names
        if current is not None and status == b"R" and len(paths) == 2:
            current.append((text(paths[0]), text(paths[1])))
    return {sha: found for sha, found in result.items() if found}


def added_lines(cwd: Path, commits: Sequence[str]) -> dict[str, dict[str, list[int]]]:
    """For each commit, per path (as in the commit), the 1-based lines it added compared
    with its first parent (all lines of a root commit), in one ``git diff-tree`` run.
    Renames are followed, so a moved file adds only its changed lines."""
    result: dict[str, dict[str, list[int]]] = {sha: {} for sha in commits}
    if not commits:
        return result
    args = ["-c", "core.quotePath=true", "diff-tree", "--stdin", "-r", "--root", "-p", "-U0"]
    args += ["-M", "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/"]
    args += ["--dst-prefix=b/"]
    stdin = "".join(sha + "\n" for sha in commits).encode("ascii")
    out = run(args, cwd, input=stdin).stdout
    shas = {sha.encode("ascii") for sha in commits}
    current: dict[str, list[int]] | None = None
    path: str | None = None
    for line in out.split(b"\n"):
        if not line:
            continue
        first = line[:1]
        if first == b"@":
            match = _HUNK.match(line)
            if match and current is not None and path is not None:
                start = int(match.group(1))
                count = int(match.group(2)) if match.group(2) is not None else 1
                if count:
                    current.setdefault(path, []).extend(range(start, start + count))
        elif first in (b"+", b"-", b" ", b"\\"):
            if line.startswith(b"+++ "):
                target = line[4:]
                if target == b"/dev/null":
                    path = None
                else:
                    if target.endswith(b"\t"):
                        target = target[:-1]
                    name = unquote_path(target)
                    path = name[2:] if name.startswith("b/") else name
        elif len(line) == 40 and line in shas:
            current = result[line.decode("ascii")]
            path = None
        elif line.startswith(b"diff --git "):
            path = None
    return result


def git_lines(data: bytes) -> list[str]:
    """A blob's lines as git counts them (split on ``\\n`` only), without terminators."""
    lines = text(data).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
