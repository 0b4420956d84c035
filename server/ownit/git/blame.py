"""``git blame --porcelain``, the claim index of history and the judgements of its claims,
for ``ownit blame`` and the language server's history hints.

The claim index holds, for every commit reachable from HEAD that carries ownit claims or
that an AI tool co-authored, its claims and tool. It is built from one ``git log`` pass and
cached in ``<git-dir>/ownit/claim-index.bin`` (:mod:`ownit.git.claim_cache`) keyed by HEAD
(and by the policy's ``ai_commit_patterns``); when HEAD moved forward only the new commits
are read.

A blame starts first and runs while the caller imports, loads the policy and the index
(:func:`start_blame` writes ``--contents`` to git from a thread, so git works meanwhile).
What each claim's judgement said (:func:`ownit.git.claim_validity.blame_validity`) is kept
in ``<git-dir>/ownit/claim-judgements.bin``, keyed by HEAD, the policy file's text, the
top-level ``.gitattributes`` and ownit's version (everything a judgement reads), so a
second blame at the same HEAD reads no committed file again; the language server keeps
the same table in memory.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

from ownit.git import run as git
from ownit.git.run import GitError  # not ownit.git.repo: git blame starts before dataclasses

if TYPE_CHECKING:
    from pathlib import Path

    from ownit.core import trailers as tr
    from ownit.core.commit_message import AiCommitDetector
    from ownit.core.policy import Policy
    from ownit.core.provenance import BlameLine, ClaimIndex, CommitClaims
    from ownit.git import history
    from ownit.git.blame_start import EarlyBlame
    from ownit.git.repo import Repository


class BlameError(GitError):
    """git blame refused (no such file, bad -L, …); the message is git's."""


class RunningBlame:
    """One ``git blame --porcelain`` at work; :func:`finish_blame` reads its lines."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes] | EarlyBlame,
        contents: bytes | None,
        cwd: Path | str = "",
    ) -> None:
        self.proc = proc
        self.cwd = cwd  # for messages
        self._writer: threading.Thread | None = None
        if contents is not None:  # git reads it all before it blames: give it at once
            self._writer = threading.Thread(target=self._write, args=(contents,), daemon=True)
            self._writer.start()

    def _write(self, contents: bytes) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            stdin.write(contents)
        except (BrokenPipeError, OSError):
            pass  # git ended early (a bad path): its stderr says why
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def communicate(self) -> tuple[bytes, bytes]:
        if self._writer is not None:
            self._writer.join()
            self.proc.stdin = None  # written and closed by the writer
        if isinstance(self.proc, subprocess.Popen):  # within the limit (the server's)
            return git.communicate(self.proc, ["blame"], self.cwd)
        return self.proc.communicate()

    def stop(self) -> None:
        """End a blame whose answer is no longer wanted."""
        if self.proc.returncode is None:
            self.proc.kill()
            self.communicate()


def start_blame(
    cwd: Path | str,
    path: str,
    ranges: Sequence[str] = (),
    contents: bytes | None = None,
    moves: Sequence[str] = (),
) -> RunningBlame:
    """``path`` as git takes it in ``cwd`` (repo-relative at the top, or relative to
    ``cwd``, or absolute). ``moves``: git blame's ``-M``/``-C`` options (``-M``,
    ``-M20``, ``-C``, ``-CC``…), which follow lines moved within the file or from other
    files."""
    from ownit.git.blame_start import blame_argv

    args = blame_argv(git.git_exe(), path, ranges, contents is not None, moves)
    try:
        proc = git.spawn(
            args,
            cwd=cwd,
            env=git.git_env(),
            stdin=subprocess.PIPE if contents is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise GitError(f"cannot run git blame in {cwd}: {exc}") from exc
    return RunningBlame(proc, contents, cwd)


def finish_blame(running: RunningBlame) -> list[BlameLine]:
    out, err = running.communicate()
    if running.proc.returncode != 0:
        message = err.decode("utf-8", "replace").strip().removeprefix("fatal: ")
        raise BlameError(message or "git blame failed")
    return parse_porcelain(out)


def parse_porcelain(out: bytes) -> list[BlameLine]:
    """The lines of ``git blame --porcelain`` output."""
    from ownit.core.provenance import BlameLine

    # Decoded once (as git.text does line by line: a NUL or newline never falls inside a
    # UTF-8 sequence, and surrogateescape keeps every other byte where it was). Only the
    # lines of the file start with a tab ("\t<text>"); each comes after its header
    # ("<40 hex> <orig> <final>[ <count>]") and, the first time its commit is seen, lines
    # about the commit ("author …", "filename <path>"). Split before each tab, the output
    # is a piece per line of the file: its text, then the next line's header block.
    pieces = ("\n" + git.text(out)).split("\n\t")
    lines: list[BlameLine] = []
    append = lines.append
    filenames: dict[str, str] = {}
    sha = name = ""
    orig = final = 0
    block = pieces[0][1:]
    for piece in pieces[1:]:
        if len(block) >= 44 and block[40] == " " and "\n" not in block:  # a header alone
            head = block.split(" ", 3)
            if block[0] in _HEX and len(head[0]) == 40 and head[1].isdigit() and head[2].isdigit():
                sha, orig, final = head[0], int(head[1]), int(head[2])
                name = filenames.get(sha, "")
        elif block:
            for raw in block.split("\n"):
                # a header: "<40 hex> <orig> <final>[ <count>]"; other lines ("author …")
                # are not: a header's 41st character is a space after 40 hex digits
                if raw.startswith("filename "):
                    name = raw[9:]
                    if name.startswith('"'):  # C-quoted: it holds special bytes
                        from ownit.git.history import unquote_path

                        name = unquote_path(name.encode("utf-8", "surrogateescape"))
                    filenames[sha] = name
                elif len(raw) >= 44 and raw[40] == " " and raw[0] in _HEX:
                    head = raw.split(" ", 4)
                    if len(head[0]) == 40 and head[1].isdigit() and head[2].isdigit():
                        sha, orig, final = head[0], int(head[1]), int(head[2])
                        name = filenames.get(sha, "")
        text, _, block = piece.partition("\n")
        append(BlameLine(final, sha, orig, name, text))
    return lines


_HEX = frozenset("0123456789abcdef")


# --------------------------------------------------------------------------- claim index


def policy_key(policy: Policy) -> str:
    import hashlib  # not at import: git blame starts before OpenSSL loads

    text = repr([p.identity for p in policy.ai_commit_patterns])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _entry(commit: history.Commit, order: int, ai: AiCommitDetector) -> CommitClaims | None:
    from ownit.core.commit_message import may_hold_claims, message_claims
    from ownit.core.model import evidence_of_pattern
    from ownit.core.provenance import CommitClaims

    claims = message_claims(commit.message) if may_hold_claims(commit.message) else ()
    match = ai.match(
        commit.message,
        commit.author_name,
        commit.author_email,
        commit.committer_name,
        commit.committer_email,
    )
    if not claims and match is None:
        return None
    return CommitClaims(
        sha=commit.sha,
        order=order,
        claims=claims,
        ai_tool=None if match is None else match.attribution,
        ai_reason="" if match is None else match.reason,
        ai_evidence="" if match is None else evidence_of_pattern(match.evidence).value,
    )


def claim_index(repo: Repository, policy: Policy, head: str | None = None) -> ClaimIndex:
    """The claim index of history up to HEAD (cached; built or extended as needed)."""
    from ownit.core.provenance import ClaimIndex
    from ownit.git import claim_cache

    cwd = repo.toplevel
    if head is None:
        head = git.rev(cwd, "HEAD")
    if head is None:
        return ClaimIndex()  # no commit yet
    path = repo.git_dir / "ownit" / claim_cache.INDEX_FILE
    key = policy_key(policy)
    cached = claim_cache.read(path)
    if cached is not None and cached.policy == key:
        if cached.head == head:
            return cached.index()
        old = cached.head
        check = git.run(["merge-base", "--is-ancestor", old, head], cwd, check=False)
        if old and check.returncode == 0:
            from ownit.core.commit_message import AiCommitDetector
            from ownit.git import history

            ai = AiCommitDetector(policy)
            start = cached.next
            new = history.log(cwd, [head, f"^{old}"])
            found = (
                (entry.sha, claim_cache.to_raw(entry))
                for offset, commit in enumerate(new)
                if (entry := _entry(commit, start + offset, ai)) is not None
            )
            raw = claim_cache.extended(cached, found)
            return claim_cache.write(path, head, key, start + len(new), raw).index()
    from ownit.core.commit_message import AiCommitDetector
    from ownit.git import history

    ai = AiCommitDetector(policy)
    commits = history.log(cwd, [head])
    raw = {
        entry.sha: claim_cache.to_raw(entry)
        for i, c in enumerate(commits)
        if (entry := _entry(c, i, ai)) is not None
    }
    return claim_cache.write(path, head, key, len(commits), raw).index()


# --------------------------------------------------------------------------- judgements

JUDGEMENTS_FILE = "claim-judgements.bin"
_JUDGEMENTS_MAGIC = b"OWNITCJ3" + bytes(sys.version_info[:2])  # marshal is Python's own
_MAX_JUDGEMENTS = 200_000  # a table past this is started afresh


def judgements_key(repo: Repository, head: str | None, gitattributes: str | None) -> str:
    """What every judgement of a blame reads besides immutable commits: HEAD (the keys it
    trusts to sign claims), the policy file's bytes, the top-level ``.gitattributes`` and
    the version of ownit that judged."""
    import hashlib

    from ownit import __version__
    from ownit.core.policy import MAX_FILE_BYTES, POLICY_FILE
    from ownit.regular_file import read_regular

    policy_text: bytes | None = None
    # A regular file only, and bounded: a checkout can make it a named pipe or a symlink
    # to /dev/zero. Past the limit the policy is refused anyway, so the first bytes over
    # it say all the key needs.
    with contextlib.suppress(OSError):
        policy_text = read_regular(repo.toplevel / POLICY_FILE, MAX_FILE_BYTES + 1)
    digest = hashlib.sha256()
    for part in (
        __version__.encode(),
        (head or "").encode(),
        b"\0" if policy_text is None else b"1" + policy_text,
        b"\0" if gitattributes is None else b"1" + gitattributes.encode("utf-8", "replace"),
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class _Table(MutableMapping["tuple[str, tr.ClaimLine]", "str | None"]):
    """(commit, claim) -> why the claim is invalid (None: valid), held by the claim's
    fields, as the file stores them: loading the file makes no claim objects."""

    __slots__ = ("raw",)

    def __init__(self, raw: dict[tuple[Any, ...], str | None]) -> None:
        self.raw = raw

    @staticmethod
    def _key(pair: tuple[str, tr.ClaimLine]) -> tuple[Any, ...]:
        sha, c = pair
        return (sha, c.path, c.first, c.last, c.fingerprint, c.tool, c.owner_email, c.rationale)

    def __getitem__(self, pair: tuple[str, tr.ClaimLine]) -> str | None:
        return self.raw[self._key(pair)]

    def __contains__(self, pair: object) -> bool:
        return self._key(pair) in self.raw  # type: ignore[arg-type]

    def __setitem__(self, pair: tuple[str, tr.ClaimLine], why: str | None) -> None:
        self.raw[self._key(pair)] = why

    def __delitem__(self, pair: tuple[str, tr.ClaimLine]) -> None:
        del self.raw[self._key(pair)]

    def __iter__(self) -> Iterator[tuple[str, tr.ClaimLine]]:
        from ownit.core import trailers as tr

        for sha, *fields in self.raw:
            yield sha, tr.ClaimLine(*fields)

    def __len__(self) -> int:
        return len(self.raw)

    def get(self, pair: tuple[str, tr.ClaimLine], default: Any = None) -> Any:
        return self.raw.get(self._key(pair), default)


class Judgements:
    """The judgements file of a repository: read once, written back when it grew."""

    def __init__(self, repo: Repository, head: str | None, gitattributes: str | None) -> None:
        self.path = repo.git_dir / "ownit" / JUDGEMENTS_FILE
        self.key = judgements_key(repo, head, gitattributes)
        self.table = _Table({})
        # (commit, claim) -> the first line of its code there, normalised (None: not there)
        self.first_lines = _Table({})
        self._size = 0
        self._read()

    def first_line(self, sha: str, claim: tr.ClaimLine) -> str | None:
        """For :func:`ownit.core.provenance.resolve`."""
        found: str | None = self.first_lines.get((sha, claim))
        return found

    def _read(self) -> None:
        import hashlib

        from ownit.regular_file import read_regular  # a named pipe is refused

        try:
            data = read_regular(self.path)
        except OSError:
            return
        head = len(_JUDGEMENTS_MAGIC)
        if not data.startswith(_JUDGEMENTS_MAGIC) or len(data) < head + 32:
            return
        digest, body = data[head : head + 32], data[head + 32 :]
        if hashlib.sha256(body).digest() != digest:
            return  # only bytes ownit wrote reach marshal
        try:
            key, raw, firsts = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return
        if key != self.key or not isinstance(raw, dict) or not isinstance(firsts, dict):
            return
        if not all(isinstance(k, tuple) and len(k) == 8 for k in raw):
            return
        self.table, self.first_lines = _Table(raw), _Table(firsts)
        self._size = len(raw)

    def save(self) -> None:
        """Write the table if it grew (atomically; a read-only repository is no error)."""
        if len(self.table) == self._size or len(self.table) > _MAX_JUDGEMENTS:
            return
        import hashlib

        body = marshal.dumps((self.key, self.table.raw, self.first_lines.raw))
        data = _JUDGEMENTS_MAGIC + hashlib.sha256(body).digest() + body
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{JUDGEMENTS_FILE}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, self.path)
            self._size = len(self.table)
        except OSError:
            pass  # blame still works, only slower next time
