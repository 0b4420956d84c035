"""The at-the-tip view (:mod:`ownit.core.tip_view`): blame every file of a commit that
history may have AI-written lines in, and classify its lines.

- The claims of history up to the tip come from the claim index of ``ownit blame``
  (``ownit.git.blame.claim_index``); each is judged once (:mod:`ownit.core.claim_judgement`)
  against the blob of its commit.
- The files blamed are the tip's regular files that the policy tracks and that some
  AI-assisted commit or some claim-carrying commit changed under any of the names the file
  had (renames followed through one ``git log -M --name-status`` pass), plus every path a
  claim names: no other file can hold an AI-written line. Blames run a few at a time.
- The result is cached in ``<git-dir>/ownit/tip-view.json``, keyed by the tip, the policy
  (and the ``.gitattributes`` read with it) and ownit's version: a report run again on the
  same HEAD reads it back; a new commit or a policy change makes a new one.

Progress (``ownit.progress``) says how many files are blamed so far.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ownit import __version__, progress
from ownit.core import tip_view as core
from ownit.core import trailers as tr
from ownit.core.claim_judgement import ClaimKey, Judgement, blob_specs, judge
from ownit.core.commit_plan import asks_signatures
from ownit.core.policy import Policy
from ownit.core.provenance import BlameLine, ClaimIndex
from ownit.core.verify import Verifier
from ownit.git import claim_signatures, history
from ownit.git import run as git
from ownit.git.blame import BlameError, claim_index, parse_porcelain
from ownit.git.repo import GitError, Repository

CACHE_FILE = "tip-view.json"
CACHE_VERSION = 3  # 2: regions say their evidence class; 3: one claim, one owned region
_REGULAR_MODES = (b"100644", b"100755")


def cache_key(tip: str, policy_id: str, gitattributes_text: str | None, extra: str = "") -> str:
    """The cache's key: the tip, where the policy comes from (``policy_id``: the commit it
    was read from, whose files make it, or a name for the built-in defaults), the
    ``.gitattributes`` read with it, and ownit's version (which may judge differently)."""
    text = "\0".join(
        [str(CACHE_VERSION), __version__, tip, policy_id, gitattributes_text or "", extra]
    )
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _load(path: Path) -> dict[str, Any] | None:
    from ownit.regular_file import read_regular  # a named pipe is refused

    try:
        data = json.loads(read_regular(path))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return None
    return data


def _read_cache(data: dict[str, Any] | None, key: str) -> core.TipView | None:
    if data is None or data.get("key") != key:
        return None
    view = data.get("view")
    if not isinstance(view, dict):
        return None
    try:
        return core.TipView.from_json(view)
    except (KeyError, TypeError, ValueError):
        return None


def _write_cache(path: Path, key: str, view: core.TipView, blames: BlameCache) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{CACHE_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
        data = {
            "version": CACHE_VERSION,
            "key": key,
            "view": view.to_json(),
            "blames": blames.to_json(),
        }
        tmp.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only repository: the view is still right, only slower next time


class BlameCache:
    """The blame of each file of one tip, as (commit, line, path in that commit) per line
    and the file's blob id: reused for a later tip when nothing between the two can
    change it (see :func:`reusable`)."""

    def __init__(self, tip: str) -> None:
        self.tip = tip
        self.files: dict[str, tuple[str, list[tuple[str, int, str]]]] = {}

    def put(self, path: str, blob: str, lines: Sequence[BlameLine]) -> None:
        self.files[path] = (blob, [(b.commit, b.orig_line, b.orig_path) for b in lines])

    def get(self, path: str, blob: str, text: Sequence[str]) -> list[BlameLine] | None:
        found = self.files.get(path)
        if found is None or found[0] != blob or len(found[1]) != len(text):
            return None
        return [
            BlameLine(number, commit, orig, orig_path, line)
            for number, ((commit, orig, orig_path), line) in enumerate(
                zip(found[1], text, strict=True), start=1
            )
        ]

    def to_json(self) -> dict[str, Any]:
        commits: dict[str, int] = {}
        names: dict[str, int] = {}
        files: dict[str, Any] = {}
        for path, (blob, lines) in self.files.items():
            rows = []
            for commit, orig, orig_path in lines:
                rows.append(
                    [
                        commits.setdefault(commit, len(commits)),
                        orig,
                        names.setdefault(orig_path, len(names)),
                    ]
                )
            files[path] = [blob, rows]
        return {"tip": self.tip, "commits": list(commits), "paths": list(names), "files": files}

    @classmethod
    def from_json(cls, data: object) -> BlameCache | None:
        if not isinstance(data, dict):
            return None
        try:
            commits = [str(c) for c in data["commits"]]
            names = [str(n) for n in data["paths"]]
            cache = cls(str(data["tip"]))
            for path, (blob, rows) in data["files"].items():
                cache.files[str(path)] = (
                    str(blob),
                    [(commits[c], int(orig), names[n]) for c, orig, n in rows],
                )
        except (KeyError, TypeError, ValueError, IndexError):
            return None
        return cache


def reusable(cwd: Path, old: str, new: str) -> bool:
    """Whether the blame of a file that is the same blob at ``old`` and ``new`` is the same
    at both: ``old`` is ``new`` or an ancestor of it with no merge between (every commit
    after ``old`` then leaves the file as it was, and blame passes it all to ``old``)."""
    if old == new:
        return True
    check = git.run(["merge-base", "--is-ancestor", old, new], cwd, check=False)
    if check.returncode != 0:
        return False
    merges = git.run(["rev-list", "--merges", "--count", f"{old}..{new}"], cwd, check=False)
    return merges.returncode == 0 and git.text(merges.stdout).strip() == "0"


# --------------------------------------------------------------------------- git reads


def tip_files(cwd: Path, tip: str) -> dict[str, str]:
    """The regular files of ``tip`` (no symlinks, no submodules), with their blob ids."""
    out = git.run(["ls-tree", "-r", "-z", "--full-tree", tip], cwd).stdout
    files: dict[str, str] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.split(b" ", 2)
        if kind == b"blob" and mode in _REGULAR_MODES:
            files[git.text(name)] = blob.decode("ascii")
    return files


def touched_names(cwd: Path, tip: str, commits: set[str]) -> tuple[set[str], dict[str, str]]:
    """(every path the ``commits`` added or changed, the renames of history as
    new name -> old name), from one ``git log -M --name-status`` pass over the tip's
    history (first parents' diffs; merges show none)."""
    args = ["log", "-M", "--name-status", "-z", "--format=%x00%H", tip, "--"]
    out = git.run(args, cwd).stdout
    touched: set[str] = set()
    renames: dict[str, str] = {}
    current = ""
    tokens = out.split(b"\0")
    at = 0
    while at < len(tokens):
        token = tokens[at]
        at += 1
        token = token.lstrip(b"\n")
        if not token:
            continue
        if len(token) == 40 and all(c in b"0123456789abcdef" for c in token):
            current = token.decode("ascii")
            continue
        status = token[:1]
        names = 2 if status in (b"R", b"C") else 1
        paths = [git.text(p) for p in tokens[at : at + names]]
        at += names
        if not paths:
            continue
        if status == b"R" and len(paths) == 2:
            renames.setdefault(paths[1], paths[0])
        if current in commits and status != b"D":
            touched.add(paths[-1])
            if status == b"R":
                touched.add(paths[0])
    return touched, renames


def candidates(files: Iterable[str], touched: set[str], renames: Mapping[str, str]) -> list[str]:
    """The files whose name, or a name they had before a rename, is in ``touched``."""
    out: list[str] = []
    for path in files:
        name, seen = path, set()
        while name not in seen:
            if name in touched:
                out.append(path)
                break
            seen.add(name)
            older = renames.get(name)
            if older is None:
                break
            name = older
    return out


def _blame(cwd: Path, tip: str, path: str) -> bytes | None:
    args = [git.git_exe(), "-c", "core.quotePath=true", "blame", "--porcelain", tip, "--", path]
    try:
        result = subprocess.run(
            args,
            cwd=cwd,
            env=git.git_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise GitError(f"cannot run git blame in {cwd}: {exc}") from exc
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().removeprefix("fatal: ")
        raise BlameError(f"git blame {path}: {message or 'failed'}")
    return result.stdout


def blame_all(
    cwd: Path,
    tip: str,
    paths: Sequence[str],
    each: Callable[[str, bytes], None],
    *,
    workers: int | None = None,
) -> None:
    """``git blame --porcelain tip -- path`` for every path, a few at a time; ``each``
    gets each result (in the caller's thread, in the order of ``paths``)."""
    if not paths:
        return
    count = workers or max(1, min(4, os.cpu_count() or 1))
    total = len(paths)
    with ThreadPoolExecutor(max_workers=count) as pool:
        for done, (path, out) in enumerate(
            zip(paths, pool.map(lambda p: _blame(cwd, tip, p), paths), strict=True), start=1
        ):
            if out is not None:
                each(path, out)
            progress.phase(f"blaming the files of the tip: {done}/{total}")


def _claim_commits(cwd: Path, shas: Sequence[str]) -> dict[str, history.Commit]:
    if not shas:
        return {}
    args = ["-c", "log.showSignature=false", "log", "--no-walk=unsorted", "--stdin", "-z"]
    args += ["--no-color", "--encoding=UTF-8", f"--format={history.LOG_FORMAT}"]
    out = git.run(args, cwd, input="".join(s + "\n" for s in shas).encode("ascii")).stdout
    return {c.sha: c for c in history.parse_log(out)}


def _commit_times(cwd: Path, tip: str) -> dict[str, int]:
    out = git.run(["log", "--format=%H %ct", tip, "--"], cwd).stdout
    times: dict[str, int] = {}
    for line in git.text(out).split("\n"):
        sha, _, when = line.partition(" ")
        if sha and when.isdigit():
            times[sha] = int(when)
    return times


# --------------------------------------------------------------------------- judging


def judge_history(
    cwd: Path,
    index: ClaimIndex,
    policy: Policy,
    gitattributes_text: str | None,
    trusted_at: str | None = None,
) -> tuple[dict[ClaimKey, Judgement], dict[str, history.Commit]]:
    """A judgement of every claim of the index, and the commits that carry them; where
    the policy asks for signed claims, signatures are checked against the keys of
    ``trusted_at`` (the commit the policy is read from)."""
    commits = _claim_commits(cwd, [sha for sha, e in index.commits.items() if e.claims])
    claims: list[tuple[history.Commit, tr.ClaimLine]] = [
        (commits[sha], claim)
        for sha, entry in index.commits.items()
        if sha in commits
        for claim in entry.claims
    ]
    specs = blob_specs(claims)
    fetched = history.BatchRead(cwd, (f"{sha}:{path}" for sha, path in specs)).result()
    lines: dict[str, list[str] | None] = {}

    def blobs(sha: str, path: str) -> list[str] | None:
        spec = f"{sha}:{path}"
        if spec not in lines:
            data = fetched.get(spec)
            lines[spec] = None if data is None else history.git_lines(data)
        return lines[spec]

    signatures = None
    if asks_signatures(policy):
        signatures = claim_signatures.check(
            cwd, list(commits.values()), trusted_at, policy.allowed_signers
        )
    judged = judge(
        claims, policy, blobs, gitattributes_text=gitattributes_text, signatures=signatures
    )
    return judged, commits


# --------------------------------------------------------------------------- the scan


def scan(
    repo: Repository,
    tip: str,
    policy: Policy,
    *,
    policy_id: str | None,
    gitattributes_text: str | None = None,
    after_revision: Mapping[str, frozenset[str]] | None = None,
) -> core.TipView:
    """The at-the-tip view of ``tip`` under ``policy`` (cached when ``policy_id`` says
    where the policy comes from; see :func:`cache_key`)."""
    cwd = repo.toplevel
    use_cache = policy_id is not None
    after = sorted((name, sorted(shas)) for name, shas in (after_revision or {}).items())
    key = cache_key(tip, policy_id or "", gitattributes_text, repr(after))
    cache = repo.git_dir / "ownit" / CACHE_FILE
    stored = _load(cache) if use_cache else None
    found = _read_cache(stored, key)
    if found is not None and found.tip == tip:
        return found
    before = BlameCache.from_json(stored.get("blames")) if stored is not None else None
    if before is not None and not reusable(cwd, before.tip, tip):
        before = None
    progress.phase("reading the claims of history")
    index = claim_index(repo, policy, head=tip)
    progress.phase("checking the claims of history")
    trusted = policy_id if policy_id and len(policy_id) == 40 else tip
    judgements, _ = judge_history(cwd, index, policy, gitattributes_text, trusted)
    valid, invalid = core.split_index(index, judgements)

    progress.phase("finding the files AI-written lines may be in")
    verifier = Verifier(
        policy,
        blobs=lambda sha, path: None,
        tip=tip,
        gitattributes_text=gitattributes_text,
        after_revision=after_revision,
    )
    blobs = tip_files(cwd, tip)
    files = [path for path in blobs if not verifier.excluded(path)]
    interesting = {sha for sha, entry in index.commits.items() if entry.ai or entry.claims}
    touched, renames = touched_names(cwd, tip, interesting) if interesting else (set(), {})
    touched |= {claim.path for entry in index.commits.values() for claim in entry.claims}
    paths = candidates(files, touched, renames)

    times: dict[str, int] | None = None

    def required(path: str) -> Callable[[str], bool]:
        rule = verifier.rule(path)
        if not rule.require_ownership:
            return lambda commit: False
        if rule.history_since.kind == "all":
            return lambda commit: True

        def asks(sha: str) -> bool:
            nonlocal times
            if times is None:
                times = _commit_times(cwd, tip)
            stamp = history.Commit(sha, (), "", "", "", "", times.get(sha, 0), "")
            return verifier.asks_claims(path, stamp)

        return asks

    regions: list[core.TipRegion] = []
    blamed = BlameCache(tip)

    def classify(path: str, lines: Sequence[BlameLine]) -> None:
        blamed.put(path, blobs[path], lines)
        if any("\0" in line.text for line in lines):
            return  # a binary file: git blames it line by line, but it holds no code to own
        regions.extend(
            core.file_regions(
                path,
                lines,
                valid,
                invalid,
                judgements,
                required=required(path),
                rule=verifier.rule(path).rule_name,
            )
        )

    fresh = paths
    if before is not None:
        kept = [p for p in paths if before.files.get(p, ("",))[0] == blobs[p]]
        texts = history.BatchRead(cwd, (f"{tip}:{p}" for p in kept)).result()
        fresh = []
        for path in paths:
            data = texts.get(f"{tip}:{path}")
            old = None if data is None else before.get(path, blobs[path], history.git_lines(data))
            if old is None:
                fresh.append(path)
            else:
                classify(path, old)
    blame_all(cwd, tip, fresh, lambda path, out: classify(path, parse_porcelain(out)))
    view = core.build(tip, regions, files=len(paths), tracked_files=len(files))
    if use_cache:
        _write_cache(cache, key, view, blamed)
    return view
