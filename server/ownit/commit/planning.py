"""Which AI regions a commit holds (docs/trailers.md): every active region of the store
mapped onto the *staged* blob of its file by a line diff from the text the region's line
numbers refer to (its basis, else the working tree), so partial staging (``git add -p``)
puts exactly the staged lines in the trailers, split into pieces when only part of a
region is staged. A piece is reported when it touches a line this commit adds, or when it
carries a claim made after its code was committed (the claim travels with the next
commit). Line numbers are those of the file as committed.

This module reads (the store, the staged and base blobs in one ``git cat-file --batch``,
the working tree); the mapping itself is :mod:`ownit.core.commit_plan`, pure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ownit.commit import display
from ownit.commit.record import committed_claims
from ownit.core.commit_plan import LineMaps, Plan, added_lines, region_pieces
from ownit.core.model import Ownership, RegionState
from ownit.git import run as git
from ownit.git import staged
from ownit.git.repo import Repository, store_path

if TYPE_CHECKING:
    from ownit.core.policy import Policy
    from ownit.store import Store


# Above this many files with AI regions, `git diff-index` names the changed ones and their
# blob ids rather than every base blob being read by path (one more git process, a few
# milliseconds; each `<base>:<path>` costs git a walk of the base's trees).
DIFF_ABOVE_FILES = 20


def open_store(repo: Repository, err: TextIO | None = None) -> Store | None:
    """The repository's store, or None when there is none yet (nothing was tracked).

    A store that had to be moved aside is said on ``err`` (default stderr), with what it
    means for the commit being made."""
    path = store_path(repo)
    if not path.exists() and not path.parent.is_file():
        return None  # (a file in place of its folder is an error Store.open explains)
    # Imported here: commit-msg with a pending plan never opens the store.
    from ownit.store import Store

    store = Store.open(path, check=False)  # a git hook: see Store.open
    if store.recovery_message:
        display.store_recovered(store.recovery_message, err or sys.stderr)
    return store


def commit_base(repo: Repository, *, amend: bool, head: str | None = None) -> str | None:
    """The commit the new one is compared with: HEAD (``head``, when known), or HEAD's
    parent for an amend."""
    if amend:
        return git.rev(repo.toplevel, "HEAD^")
    return head if head is not None else git.rev(repo.toplevel, "HEAD")


def _decode(data: bytes | None) -> str | None:
    return None if data is None else git.text(data)


def plan_commit(
    repo: Repository,
    store: Store | None,
    *,
    amend: bool = False,
    head: str | None = None,
    tree: str | None = None,
) -> Plan:
    """What the commit being made holds of the store's AI regions (``head``: HEAD's id,
    when the caller knows it already). ``tree``: the commit is of that tree-ish (a
    claim-only commit of HEAD's), not of the index."""
    # (The line maps, and the re-anchoring they use, load in core.commit_plan where a diff
    # is needed: commit-msg with prepare-commit-msg's plan never needs them.)
    cwd = repo.toplevel
    base = commit_base(repo, amend=amend, head=head)
    plan = Plan(base=base, amend=amend)
    if store is None:
        return plan
    states = [s for s in store.region_states() if s.ownership is not Ownership.DISMISSED]
    if not states:
        return plan
    by_path: dict[str, list[RegionState]] = {}
    for state in states:
        by_path.setdefault(state.region.path, []).append(state)
    new_at = f"{tree}:" if tree is not None else ":"

    # Few files with regions: the base's blob of each is read with the staged one, in the
    # same cat-file, and a file is changed when the two differ (what `git diff --cached`
    # lists), sparing a git process. Many: git lists the changed ones with their blob ids
    # (`git diff-index`), and only those blobs are read, by id — asking for `<base>:<path>`
    # makes git walk the base's trees again for each file.
    ids: dict[str, tuple[str | None, str]] | None = None
    if tree is None and len(by_path) > DIFF_ABOVE_FILES:
        ids = staged.changed_blobs(cwd, base)

    on_disk: dict[str, bytes | None] = {}  # the working tree's files, each read once

    def file_bytes(path: str) -> bytes | None:
        if path not in on_disk:
            on_disk[path] = _read_bytes(cwd / path)
        return on_disk[path]

    def read(renamed_from: dict[str, str]) -> dict[str, bytes | None]:
        asked: dict[str, str] = {}  # key of `blobs` -> what cat-file is asked for it
        as_on_disk: dict[str, bytes | None] = {}  # staged blobs that are the file on disk
        for path in by_path:
            known = ids.get(path) if ids is not None else None
            if known is not None and _is_blob(file_bytes(path), known[1]):
                # staged as it is on disk (the common case): git need not read the blob
                as_on_disk[f"{new_at}{path}"] = file_bytes(path)
            else:
                asked[f"{new_at}{path}"] = known[1] if known is not None else f"{new_at}{path}"
            if base is None or (ids is not None and known is None):
                continue  # no base, or unchanged since the base: its base blob is not read
            old_path = renamed_from.get(path, path)
            if known is not None and old_path == path:
                if known[0] is not None:  # (None: added since the base, nothing to read)
                    asked[f"{base}:{path}"] = known[0]
            else:
                asked[f"{base}:{old_path}"] = f"{base}:{old_path}"
        found = staged.read_blobs(cwd, dict.fromkeys(asked.values()))
        return {**{key: found.get(spec) for key, spec in asked.items()}, **as_on_disk}

    def changed_paths() -> set[str]:
        if ids is not None:
            return ids.keys() & by_path.keys()
        found = set()
        for path in by_path:
            new = blobs.get(f"{new_at}{path}")
            old = blobs.get(f"{base}:{renamed_from.get(path, path)}") if base else None
            if new is not None and new != old:
                found.add(path)
        return found

    renamed_from: dict[str, str] = {}
    blobs = read(renamed_from)

    def new_since_base(path: str) -> bool:
        if ids is not None:
            known = ids.get(path)
            return known is not None and known[0] is None
        return blobs.get(f":{path}") is not None and blobs.get(f"{base}:{path}") is None

    # A file renamed or moved in what is staged (git mv, with or without edits): its
    # regions, and their claims, follow it to its new name; its lines are compared with
    # the old file's, so a rename alone adds none. Asked only when a file with regions is
    # not staged (its old name) or is new since the base (its new name: the regions moved
    # already when the hooks ran before for this commit, one aborted in the editor) — git's
    # rename detection costs a diff.
    if (
        tree is None
        and base is not None
        and any(blobs.get(f":{path}") is None or new_since_base(path) for path in by_path)
    ):
        from ownit.git import renames  # only when a file with regions is not staged

        moves = renames.staged(cwd, base)
        if amend:  # a file the amended commit added, renamed since: HEAD knows its name
            for old, new in renames.staged(cwd, git.rev(cwd, "HEAD")).items():
                moves.setdefault(old, new)
        if any(old in by_path for old in moves):
            _follow_staged_renames(repo, store, plan, moves, by_path)
            states = [s for s in store.region_states() if s.ownership is not Ownership.DISMISSED]
            by_path = {}
            for state in states:
                by_path.setdefault(state.region.path, []).append(state)
        renamed_from = {new: old for old, new in moves.items()}
        if renamed_from:
            blobs = read(renamed_from)
    changed = changed_paths()
    # A merge brings the other parents' lines: only those new to every parent are its own
    # (its claims for the rest are in the branches' commits already).
    merged = _merge_heads(repo) if tree is None and not amend else []
    theirs = (
        staged.read_blobs(cwd, [f"{head}:{path}" for head in merged for path in changed])
        if merged
        else {}
    )
    claims = {
        (s.region.id, s.claim.fingerprint, s.claim.created_at)
        for paths in by_path.values()
        for s in paths
        if s.claim is not None
    }
    committed = committed_claims(store, repo, claims)

    # One file that cannot be read or mapped must not cost the others their trailers: its
    # problem is said (which file, why) and the rest of the plan goes on.
    for path in sorted(by_path):
        try:
            staged_text = _decode(blobs.get(f"{new_at}{path}"))
            if staged_text is None:
                continue  # not in the index (new and unstaged, deleted, or binary-free)
            new_lines = staged.git_lines(staged_text)
            added: set[int] = set()
            if path in changed:
                old_path = renamed_from.get(path, path)
                old_text = _decode(blobs.get(f"{base}:{old_path}")) if base is not None else None
                added = (
                    set(range(len(new_lines)))
                    if old_text is None
                    else added_lines(staged.git_lines(old_text), new_lines)
                )
                for head in merged:
                    their_text = _decode(theirs.get(f"{head}:{path}"))
                    if their_text is not None and added:
                        added &= added_lines(staged.git_lines(their_text), new_lines)
            worktree = _decode(file_bytes(path))
            # each region's basis hash, each distinct text once (its regions share one)
            basis_of, texts = store.region_bases(path)
        except Exception as error:
            reraise_when_debugging()
            plan.problems.append(display.file_problem(path, error))
            continue
        maps: LineMaps = {}  # the regions of a file mostly share one basis: one diff for all
        for state in by_path[path]:
            try:
                basis_hash = basis_of.get(state.region.id)
                basis = None if basis_hash is None else texts.get(basis_hash)
                plan.pieces += region_pieces(
                    state, basis, path, new_lines, added, worktree, committed, maps
                )
            except Exception as error:
                reraise_when_debugging()
                plan.problems.append(
                    display.file_problem(path, error, state.region.display_lines())
                )
    plan.pieces.sort(key=lambda p: (p.path, p.first, p.end, p.region_id))
    return plan


def _merge_heads(repo: Repository) -> list[str]:
    """The other parents of the merge being committed (``MERGE_HEAD``), or none."""
    try:
        text = (repo.git_dir / "MERGE_HEAD").read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return []
    return [
        word
        for word in text.split()
        if len(word) in (40, 64) and not word.strip("0123456789abcdef")
    ]


def _follow_staged_renames(
    repo: Repository,
    store: Store,
    plan: Plan,
    moves: dict[str, str],
    by_path: dict[str, list[RegionState]],
) -> None:
    """Move the regions of files renamed in what is staged (and gone from the working
    tree under their old name) to their new name; a note for any left behind."""
    cwd = repo.toplevel
    wanted = [
        (old, new) for old, new in moves.items() if old in by_path and not (cwd / old).exists()
    ]

    def read(path: str) -> str | None:
        text = _read_worktree(cwd / path)
        if text is None:
            text = _decode(staged.read_blobs(cwd, [f":{path}"]).get(f":{path}"))
        return text

    from ownit.commit.renamed_files import follow

    for moved in follow(store, wanted, read):
        if moved.left:
            plan.notes.append(display.regions_left_behind(moved.left, moved.old, moved.new))


def reraise_when_debugging() -> None:
    """Re-raise the error being handled when ``OWNIT_DEBUG`` is set."""
    if os.environ.get("OWNIT_DEBUG"):
        raise  # called only from an except block: the error being handled


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _is_blob(data: bytes | None, blob_id: str) -> bool:
    """Whether ``data`` is the content of the git blob ``blob_id`` (SHA-1 or SHA-256
    object names): a file staged as it is on disk, without a filter changing it."""
    if data is None:
        return False
    from ownit.core.fingerprint import sha1, sha256  # (CPython's own: no OpenSSL load)

    digest = sha1 if len(blob_id) == 40 else sha256
    return digest(b"blob %d\0" % len(data) + data).hexdigest() == blob_id


def _read_worktree(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError:
        return None


def tree_policy(repo: Repository, err: TextIO | None) -> tuple[Policy, str | None]:
    """The working tree's policy and ``.gitattributes``; an invalid policy file is reported
    on ``err`` (when given) and the built-in defaults are used
    (:func:`ownit.policy_files.tree_policy`, the one rule)."""
    from ownit.policy_files import tree_policy as read_tree_policy

    return read_tree_policy(repo.toplevel, err, "this commit is checked")
