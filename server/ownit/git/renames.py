"""Files that git says were renamed or moved (``git mv``, or a delete and an add that keep
at least half of the file: git's ``-M``), and the store's regions moved after them.

Used by the commit hooks (the regions of a file renamed in what is being committed move to
its new name before the trailers are worked out, so a renamed file keeps its regions and
claims) and by ``ownit status`` (regions of a file that is gone follow it to where git
says it went, staged or committed).

The ``git`` calls go through :mod:`ownit.git.run`, which keeps the environment git gives a
hook (``GIT_INDEX_FILE`` of ``git commit -a``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.core.fingerprint import fingerprint
from ownit.core.model import RegionStatus
from ownit.core.text import split_lines, strip_terminator
from ownit.git import run as git

if TYPE_CHECKING:
    from ownit.store.store import Store

MAX_HOPS = 20  # a file renamed more often than this is followed this far


def parse_name_status(out: bytes) -> dict[str, str]:
    """``old -> new`` of the ``R`` entries of ``git diff --name-status -z`` output."""
    tokens = out.split(b"\0")
    found: dict[str, str] = {}
    at = 0
    while at < len(tokens):
        token = tokens[at]
        at += 1
        if not token:
            continue
        status = token[:1]
        names = 2 if status in (b"R", b"C") else 1
        paths = tokens[at : at + names]
        at += names
        if status == b"R" and len(paths) == 2:
            found[git.text(paths[0])] = git.text(paths[1])
    return found


def staged(cwd: Path, base: str | None) -> dict[str, str]:
    """The renames in what is staged compared with ``base`` (a commit; None: nothing to
    compare with, no rename): ``old -> new``."""
    if base is None:
        return {}
    args = ["diff", "--cached", "-M", "--name-status", "-z", "--diff-filter=R"]
    args += ["--no-ext-diff", base, "--"]
    done = git.run(args, cwd, check=False)
    return parse_name_status(done.stdout) if done.returncode == 0 else {}


def committed(cwd: Path, old: str) -> str | None:
    """Where the commit that removed ``old`` from HEAD's history moved it (its new name),
    or None when that commit deleted it (or it was never committed)."""
    last = git.run(["log", "-1", "--format=%H", "HEAD", "--", old], cwd, check=False)
    sha = git.text(last.stdout).strip()
    if last.returncode != 0 or not sha:
        return None
    args = ["diff-tree", "-r", "-M", "--name-status", "-z", "--diff-filter=R", "--no-ext-diff"]
    done = git.run([*args, sha], cwd, check=False)
    if done.returncode != 0:
        return None
    return parse_name_status(done.stdout).get(old)


def where_now(
    cwd: Path, old: str, staged_moves: Mapping[str, str], exists: Callable[[str], bool]
) -> str | None:
    """The name ``old`` has now, following committed renames then staged ones (a chain of
    them, ``MAX_HOPS`` at most); None when git knows of no rename to a file that
    exists."""
    path = old
    seen = {old}
    for _ in range(MAX_HOPS):
        new = staged_moves.get(path) or committed(cwd, path)
        if new is None or new in seen:
            break
        seen.add(new)
        path = new
        if exists(path) and path not in staged_moves:
            return path
    return path if path != old and exists(path) else None


@dataclass(frozen=True, slots=True)
class Moved:
    old: str
    new: str
    regions: int  # how many regions moved
    left: int  # how many could not be found in the new file (they stay on the old name)


def follow(
    store: Store, moves: Iterable[tuple[str, str]], read: Callable[[str], str | None]
) -> list[Moved]:
    """Move the active regions of each renamed file (``(old, new)``) to its new name, at
    the lines they are found at in its text (``read(new)``): unchanged, elsewhere by
    fingerprint, or through a line diff from what the store last saw (a move with edits:
    an owned region whose lines changed is then stale, as after any edit). Regions not
    found stay where they were."""
    from ownit.core.reanchor import Anchor, reanchor  # only when something was renamed

    done: list[Moved] = []
    have = set(store.active_paths())
    for old, new in moves:
        if old not in have:
            continue
        text = read(new)
        if text is None:
            continue
        states = [s for s in store.region_states(old) if s.region.status is RegionStatus.ACTIVE]
        by_basis: dict[str | None, list[Anchor]] = {}
        for state in states:
            region = state.region
            anchor = Anchor(region.id, region.first_line, region.end_line, region.fingerprint)
            by_basis.setdefault(store.basis_text(region.id), []).append(anchor)
        lines = [strip_terminator(line) for line in split_lines(text)]
        positions: list[tuple[str, int, int, str]] = []
        for basis, anchors in by_basis.items():
            found, _lost = reanchor(basis, text, anchors)
            for result in found:
                span = lines[result.first_line : result.end_line]
                positions.append(
                    (result.region_id, result.first_line, result.end_line, fingerprint(span))
                )
        moved = store.move_regions(old, new, positions, text) if positions else 0
        done.append(Moved(old, new, moved, len(states) - moved))
    return done


def follow_gone(toplevel: Path, store: Store) -> list[Moved]:
    """The regions of files that are gone from the working tree at ``toplevel`` move to
    where git says the file went (a staged ``git mv``, or a rename committed since), at
    the lines they are found at there (``ownit status``)."""
    gone = [path for path in store.active_paths() if not (toplevel / path).exists()]
    if not gone:
        return []
    moves = staged(toplevel, git.rev(toplevel, "HEAD"))
    found = []
    for old in gone:
        new = where_now(toplevel, old, moves, lambda p: (toplevel / p).is_file())
        if new is not None:
            found.append((old, new))

    def read(path: str) -> str | None:
        try:
            return (toplevel / path).read_bytes().decode("utf-8", "surrogateescape")
        except OSError:
            return None

    return follow(store, found, read) if found else []
