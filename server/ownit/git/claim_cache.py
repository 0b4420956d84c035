"""The claim index on disk: ``<git-dir>/ownit/claim-index.bin``, loaded in about a
millisecond at any size, and kept in memory by the processes that ask again (the
language server).

The file is a short header — magic, format version, the Python version that wrote it
(``marshal``'s format is Python's own), the SHA-256 of the body — then a ``marshal``
body: HEAD, the policy key, the count of commits read, the entries by commit
(``sha -> (order, tool, reason, claims, evidence)``) and, per path, which (commit, claim) pairs
name it, latest first. Nothing is turned into objects on load: an entry becomes a
:class:`CommitClaims` when a blamed line asks for its commit, a path's claims when that
path is blamed. A file that is not exactly what this version wrote — another format,
another Python, a checksum that does not match, a body of the wrong shape — is not used
(the index is built again from ``git log``); the body reaches ``marshal`` only once its
checksum matched, so only bytes ownit wrote are ever unmarshalled.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ownit.core import trailers as tr
from ownit.core.provenance import ClaimIndex, CommitClaims, InvalidWhy, all_valid

INDEX_FILE = "claim-index.bin"
OLD_INDEX_FILE = "claim-index.json"  # the format before: removed when a new one is written
FORMAT = 5  # 3 was the JSON file; 4: this one; 5: each entry's evidence class
_MAGIC = b"OWNITCI\0"
_PY = bytes(sys.version_info[:2])
_HEADER = len(_MAGIC) + 2 + len(_PY) + 32

# (order, ai tool or None, ai reason, ((path, first, last, fp, tool, email or None, why), ...),
#  the commit-level attribution's evidence class or "")
Raw = tuple[int, str | None, str, tuple[tuple[str, int, int, str, str, str | None, str], ...], str]


def to_raw(entry: CommitClaims) -> Raw:
    return (
        entry.order,
        entry.ai_tool,
        entry.ai_reason,
        tuple(
            (c.path, c.first, c.last, c.fingerprint, c.tool, c.owner_email, c.rationale)
            for c in entry.claims
        ),
        entry.ai_evidence,
    )


def _from_raw(sha: str, raw: Raw) -> CommitClaims:
    order, tool, reason, claims, evidence = raw
    return CommitClaims(
        sha=sha,
        order=order,
        claims=tuple(tr.ClaimLine(p, a, b, fp, t, e, r) for p, a, b, fp, t, e, r in claims),
        ai_tool=tool,
        ai_reason=reason,
        ai_evidence=evidence,
    )


class _Commits(Mapping[str, CommitClaims]):
    """The entries by commit, made into objects as they are asked for."""

    __slots__ = ("_made", "_raw")

    def __init__(self, raw: dict[str, Raw]) -> None:
        self._raw = raw
        self._made: dict[str, CommitClaims] = {}

    def __getitem__(self, sha: str) -> CommitClaims:
        made = self._made.get(sha)
        if made is None:
            made = self._made[sha] = _from_raw(sha, self._raw[sha])
        return made

    def get(self, sha: str, default: Any = None) -> Any:
        return self[sha] if sha in self._raw else default

    def __contains__(self, sha: object) -> bool:
        return sha in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class StoredClaimIndex(ClaimIndex):
    """A :class:`ClaimIndex` read from the file: the same answers, from tables built
    when it was written (no pass over every commit per question)."""

    __slots__ = ("_code_claims", "_path_claims", "_paths")

    def __init__(self, raw: dict[str, Raw], paths: dict[str, tuple[tuple[str, int], ...]]):
        super().__init__(commits=_Commits(raw))  # type: ignore[arg-type]
        self._paths = paths
        self._path_claims: dict[str, list[tuple[CommitClaims, tr.ClaimLine]]] = {}
        self._code_claims: dict[str, dict[str, list[tuple[CommitClaims, tr.ClaimLine]]]] = {}

    def add(self, entry: CommitClaims) -> None:  # pragma: no cover - never extended in place
        raise TypeError("a stored claim index is read-only")

    def claims_for_path(self, path: str) -> list[tuple[CommitClaims, tr.ClaimLine]]:
        found = self._path_claims.get(path)
        if found is None:
            commits = self.commits
            found = []
            for sha, at in self._paths.get(path, ()):
                entry = commits[sha]
                found.append((entry, entry.claims[at]))
            self._path_claims[path] = found
        return found

    def _claims_by_fingerprint(
        self, path: str
    ) -> dict[str, list[tuple[CommitClaims, tr.ClaimLine]]]:
        """The path's claims by fingerprint, each list latest first (as claims_for_path)."""
        found = self._code_claims.get(path)
        if found is None:
            found = {}
            for entry, claim in self.claims_for_path(path):
                found.setdefault(claim.fingerprint, []).append((entry, claim))
            self._code_claims[path] = found
        return found

    def find_owner(
        self,
        path: str,
        fp: str,
        after: int = -1,
        *,
        aliases: Iterable[str] = (),
        invalid: InvalidWhy = all_valid,
    ) -> tuple[CommitClaims, tr.ClaimLine] | None:
        # claims_for_path is latest first, a commit's claims in their order: the first
        # match is the latest commit's first matching valid claim, as ClaimIndex answers;
        # of the file's names (a renamed file's old ones), the latest such claim
        best: tuple[CommitClaims, tr.ClaimLine] | None = None
        for name in dict.fromkeys((path, *aliases)):
            for entry, claim in self._claims_by_fingerprint(name).get(fp, ()):
                if entry.order <= after:
                    break
                if claim.owned and not invalid(entry.sha, claim):
                    if best is None or entry.order > best[0].order:
                        best = (entry, claim)
                    break
        return best


def path_table(raw: Mapping[str, Raw]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Per path, the (commit, claim position) pairs naming it, latest commit first."""
    by_path: dict[str, list[tuple[int, int, str, int]]] = {}
    for sha, (order, _tool, _reason, claims, _evidence) in raw.items():
        for at, claim in enumerate(claims):
            by_path.setdefault(claim[0], []).append((-order, at, sha, at))
    return {
        path: tuple((sha, at) for _o, _a, sha, at in sorted(items))
        for path, items in by_path.items()
    }


class Cached:
    """What the file holds (HEAD, the policy key, commits read, the raw entries)."""

    __slots__ = ("_index", "head", "next", "paths", "policy", "raw")

    def __init__(
        self,
        head: str,
        policy: str,
        next: int,
        raw: dict[str, Raw],
        paths: dict[str, tuple[tuple[str, int], ...]],
    ) -> None:
        self.head, self.policy, self.next, self.raw, self.paths = head, policy, next, raw, paths
        self._index: StoredClaimIndex | None = None

    def index(self) -> StoredClaimIndex:
        """The index (one per file read: what it made into objects stays made)."""
        if self._index is None:
            self._index = StoredClaimIndex(self.raw, self.paths)
        return self._index


# One process may ask many times (the language server, per file opened): the index read
# last, by file and its stat, is kept.
_MEMO: dict[Path, tuple[tuple[int, int, int], Cached]] = {}


def _stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def read(path: Path) -> Cached | None:
    """The file's content, or None when there is none this version can use."""
    key = _stat_key(path)
    if key is None:
        return None
    memo = _MEMO.get(path)
    if memo is not None and memo[0] == key:
        return memo[1]
    from ownit.regular_file import read_regular  # a named pipe is refused

    try:
        data = read_regular(path)
    except OSError:  # a named pipe there too: refused, never waited on
        return None
    cached = _decode(data)
    if cached is not None:
        _MEMO[path] = (key, cached)
    return cached


def _decode(data: bytes) -> Cached | None:
    if len(data) < _HEADER or not data.startswith(_MAGIC):
        return None
    at = len(_MAGIC)
    if data[at : at + 2] != FORMAT.to_bytes(2, "big") or data[at + 2 : at + 4] != _PY:
        return None
    digest, body = data[at + 4 : _HEADER], data[_HEADER:]
    if hashlib.sha256(body).digest() != digest:
        return None
    try:
        head, policy, next_, raw, paths = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    if not (
        isinstance(head, str)
        and isinstance(policy, str)
        and isinstance(next_, int)
        and isinstance(raw, dict)
        and isinstance(paths, dict)
    ):
        return None
    return Cached(head, policy, next_, raw, paths)


def write(path: Path, head: str, policy: str, next: int, raw: dict[str, Raw]) -> Cached:
    """Write the index (atomically; a read-only repository is not an error) and return it."""
    cached = Cached(head, policy, next, raw, path_table(raw))
    body = marshal.dumps((head, policy, next, raw, cached.paths))
    data = _MAGIC + FORMAT.to_bytes(2, "big") + _PY + hashlib.sha256(body).digest() + body
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{INDEX_FILE}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        key = _stat_key(path)
        if key is not None:
            _MEMO[path] = (key, cached)
        old = path.with_name(OLD_INDEX_FILE)
        if old.exists():
            old.unlink()
    except OSError:
        pass  # blame still works, only slower next time
    return cached


def extended(cached: Cached, entries: Iterable[tuple[str, Raw]]) -> dict[str, Raw]:
    raw = dict(cached.raw)
    raw.update(entries)
    return raw
