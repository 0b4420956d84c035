"""Revision ranges as `ownit verify`, `report`, `attest` and `export` take them
(docs/cli.md): ``A..B``, ``A...B``, one commit, ``@{upstream}..HEAD`` by default, or every
commit reachable from HEAD; and the revision lists a range's checks need (the commits
after a ``history_since`` revision, the commits already published)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.git import history
from ownit.git import run as git
from ownit.git.run import GitError

if TYPE_CHECKING:
    from ownit.core.policy import Policy


class RangeError(GitError):
    """A range git cannot resolve (an unknown revision, no upstream…); the message says
    what to give instead."""


@dataclass(frozen=True, slots=True)
class Range:
    spec: str  # as shown to the user
    revisions: tuple[str, ...]  # for git log
    base: str | None
    tip: str


def _resolve(cwd: Path, name: str, shallow: bool) -> str:
    found = git.rev(cwd, name)
    if found is None:
        raise RangeError(f"unknown revision {name!r}{_missing_hint(cwd, name, shallow)}")
    return found


def _missing_hint(cwd: Path, name: str, shallow: bool) -> str:
    """Why a revision may be missing and what to do, for the likely cases: a shallow
    clone, no commit yet, a remote's branch from a remote this clone has not got or has
    not fetched."""
    if shallow:
        return " (this is a shallow clone: fetch the base too, e.g. fetch-depth: 0)"
    if name == "HEAD":
        return " (this repository has no commit yet: there is nothing to check)"
    remote, slash, branch = name.partition("/")
    if not slash or not remote or not branch:
        return ""
    listed = git.run(["remote"], cwd, check=False)
    if remote not in git.text(listed.stdout).split():
        return f" (this clone has no remote {remote!r}: give a branch or commit it has)"
    return f" (not fetched yet? `git fetch {remote} {branch}`)"


def resolve_range(cwd: Path, spec: str | None, *, everything: bool) -> Range:
    """The range ``spec`` names (``None``: ``@{upstream}..HEAD``; ``everything``: all of
    HEAD's history, no base). Raises :class:`RangeError`."""
    shallow = history.is_shallow(cwd)
    if everything:
        if spec:
            raise RangeError("give either a REV-RANGE or --all, not both")
        tip = _resolve(cwd, "HEAD", shallow)
        return Range("--all (HEAD)", (tip,), None, tip)
    if spec is None:
        upstream = git.rev(cwd, "@{upstream}")
        if upstream is None:
            head = git.run(["symbolic-ref", "-q", "HEAD"], cwd, check=False)
            where = (
                "HEAD is detached"
                if head.returncode != 0
                else f"branch {git.text(head.stdout).strip().removeprefix('refs/heads/')} "
                "has no upstream"
            )
            raise RangeError(
                f"{where}; give the range to check, e.g. `ownit verify origin/main..HEAD`,"
                " or `ownit verify --all` for every commit of HEAD"
            )
        tip = _resolve(cwd, "HEAD", shallow)
        return Range("@{upstream}..HEAD", (tip, f"^{upstream}"), upstream, tip)
    if spec.startswith("-"):
        raise RangeError(f"not a revision range: {spec!r}")
    if "..." in spec:
        left, right = spec.split("...", 1)
        a = _resolve(cwd, left or "HEAD", shallow)
        b = _resolve(cwd, right or "HEAD", shallow)
        merge = git.run(["merge-base", a, b], cwd, check=False)
        base = git.text(merge.stdout).strip() or None
        if base is None:
            raise RangeError(f"{spec}: the two sides have no common ancestor")
        return Range(spec, (b, f"^{base}"), base, b)
    if ".." in spec:
        left, right = spec.split("..", 1)
        a = _resolve(cwd, left or "HEAD", shallow)
        b = _resolve(cwd, right or "HEAD", shallow)
        return Range(spec, (b, f"^{a}"), a, b)
    one = _resolve(cwd, spec, shallow)
    parents = history.parents(cwd, one)
    base = parents[0] if parents else None
    return Range(spec, (f"{one}^!",) if parents else (one,), base, one)


def range_or_history(cwd: Path, spec: str | None) -> Range | None:
    """The range ``spec`` names, or with none all of HEAD's history (no base); ``None``
    when the repository has no commit yet (`ownit report`, `ownit attest`)."""
    if spec is not None:
        return resolve_range(cwd, spec, everything=False)
    head = git.rev(cwd, "HEAD")
    if head is None:
        return None
    return Range("HEAD (all history)", (head,), None, head)


def published_commits(cwd: Path, rng: Range, commits: list[str]) -> frozenset[str]:
    """The commits of the range already on the upstream branch (``@{upstream}``) or a
    remote-tracking branch: what a fix must never rewrite. One ``git rev-list`` of the
    range's commits that none of those reaches; the rest are published."""
    if not commits:
        return frozenset()
    upstream = git.rev(cwd, "@{upstream}")
    listed = git.run(
        ["rev-list", *rng.revisions, "--not", "--remotes", *([upstream] if upstream else [])],
        cwd,
        check=False,
    )
    if listed.returncode != 0:
        return frozenset()
    unpublished = set(git.text(listed.stdout).split())
    return frozenset(sha for sha in commits if sha not in unpublished)


def after_revisions(cwd: Path, policy: Policy, tip: str) -> dict[str, frozenset[str]]:
    """For each ``history_since: <revision>`` of the policy, the commits after it."""
    values = {policy.defaults.history_since}
    values |= {r.settings.history_since for r in policy.rules if r.settings.history_since}
    out: dict[str, frozenset[str]] = {}
    for since in values:
        if since is None or since.kind != "revision":
            continue
        start = git.rev(cwd, since.value)
        if start is None:
            continue  # not in this clone: all history counts
        listed = git.run(["rev-list", tip, f"^{start}"], cwd, check=False)
        out[since.value] = frozenset(git.text(listed.stdout).split())
    return out
