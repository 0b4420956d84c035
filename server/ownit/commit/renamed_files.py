"""The store's regions of a file git says was renamed or moved, moved to its new name.

Used by the commit hooks (the regions of a file renamed in what is being committed move to
its new name before the trailers are worked out, so a renamed file keeps its regions and
claims: ``commit/planning._follow_staged_renames``) and by ``ownit status`` (regions of a
file that is gone follow it to where git says it went, staged or committed). What git says
is :mod:`ownit.git.renames`; this module applies it to the stored regions, which is why it
is a workflow and not repository access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.core.fingerprint import fingerprint
from ownit.core.text import split_lines, strip_terminator
from ownit.git import renames
from ownit.git import run as git

if TYPE_CHECKING:
    from ownit.store.store import Store


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
    # (only when something was renamed)
    from ownit.core.reanchor import group_by_basis, reanchor_groups

    done: list[Moved] = []
    have = set(store.active_paths())
    for old, new in moves:
        if old not in have:
            continue
        text = read(new)
        if text is None:
            continue
        states = store.region_states(old)  # the active ones
        groups = group_by_basis(states, *store.region_bases(old))
        new_lines = split_lines(text)
        lines = [strip_terminator(line) for line in new_lines]
        positions: list[tuple[str, int, int, str]] = []
        for _basis, _states, found, _lost, _same in reanchor_groups(groups, text, new_lines):
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
    moves = renames.staged(toplevel, git.rev(toplevel, "HEAD"))
    found = []
    for old in gone:
        new = renames.where_now(toplevel, old, moves, lambda p: (toplevel / p).is_file())
        if new is not None:
            found.append((old, new))

    def read(path: str) -> str | None:
        try:
            return (toplevel / path).read_bytes().decode("utf-8", "surrogateescape")
        except OSError:
            return None

    return follow(store, found, read) if found else []
