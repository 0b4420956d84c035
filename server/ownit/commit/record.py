"""What each commit carried, recorded in the store: a ``committed`` event per commit
naming, per region, the pieces whose trailer line is in its message, and a row per claim
it carried (:mod:`ownit.store.committed`). The installed
post-commit script leaves the plan under ``<git-dir>/ownit/committed/<sha>.json``
instead of starting Python; :func:`settle_committed` records those before anything reads
the records (:func:`committed_claims`)."""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any

from ownit.core import trailers as tr
from ownit.core.commit_plan import CommittedClaims, Plan
from ownit.git import run as git
from ownit.git import staged
from ownit.git.repo import Repository

if TYPE_CHECKING:
    from ownit.store import Store

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def committed_claims(
    store: Store, repo: Repository, asked: CommittedClaims | None = None
) -> CommittedClaims:
    """``(region_id, fingerprint, claim time)`` of the claims already in a commit: of the
    regions of those in ``asked``, when given, else of every region."""
    done: CommittedClaims = set()
    for plan in settle_committed(repo, store):  # commits a read-only store cannot record yet
        for piece in plan.pieces:
            if piece.owned and piece.claim_at is not None and piece.claim_fp is not None:
                done.add((piece.region_id, piece.claim_fp, piece.claim_at))
    if asked is not None and not asked - done:
        return done
    # the store's table of them (schema 3), not its commit records: those grow with history
    regions = None if asked is None else {region_id for region_id, _, _ in asked - done}
    return done | store.committed_claims(regions)


def record_commit(
    repo: Repository, store: Store | None, plan: Plan, message: str, commit: str | None = None
) -> int:
    """Record, per region, the pieces the new commit (``commit``, default HEAD) carried
    (only those whose trailer line is in its message); returns how many were recorded."""
    if store is None:
        return 0
    if commit is None:
        commit = git.rev(repo.toplevel, "HEAD")
    comment = staged.comment_char(repo.toplevel, message)
    carried = set(tr.parse_message(message, comment).claims)
    by_region: dict[str, list[dict[str, Any]]] = {}
    for piece in plan.pieces:
        if piece.claim_line() not in carried:
            continue
        by_region.setdefault(piece.region_id, []).append(
            {
                "region": piece.region_id,
                "path": piece.path,
                "lines": f"{piece.first + 1}-{piece.end}",
                "fingerprint": piece.fingerprint,
                "owned": piece.owned,
                "claim_at": piece.claim_at,
                "claim_fp": piece.claim_fp,
            }
        )
    if by_region:
        # One event (one store transaction) for the whole commit, on its first region;
        # each piece names its own region. (Hundreds of one-row transactions, each synced
        # to disk, cost more than the rest of the hooks together.)
        pieces = [piece for region_pieces in by_region.values() for piece in region_pieces]
        detail = {"commit": commit, "at": time.time(), "pieces": pieces}
        store.add_commit_record(next(iter(by_region)), json.dumps(detail, sort_keys=True))
    return len(by_region)


COMMITTED_DIR = "committed"


def settle_committed(repo: Repository, store: Store) -> list[Plan]:
    """Record the commits whose post-commit hook only left their plan behind (the
    installed script moves it to ``ownit/committed/<sha>.json`` instead of starting
    Python). Called before anything reads the records. Returns the plans that could not
    be recorded (a read-only or full store): they stay for the next time, and what they
    carried counts as committed meanwhile."""
    from ownit.store import StoreError  # (imported already: the caller has a store)

    folder = repo.git_dir / "ownit" / COMMITTED_DIR
    try:
        files = sorted(folder.glob("*.json"), key=lambda f: f.stat().st_mtime)
    except OSError:
        return []
    unsettled: list[Plan] = []
    plans: list[tuple[str, Plan, dict[str, Any]]] = []
    for file in files:
        from ownit.regular_file import read_regular  # a named pipe is refused

        try:
            data = json.loads(read_regular(file).decode("utf-8"))
            plans.append((file.stem, Plan.from_json(data), data))
        except (OSError, ValueError, TypeError, KeyError):
            file.unlink(missing_ok=True)  # unreadable: nothing trustworthy to record
    shown = _commits(repo, [sha for sha, plan, _ in plans if plan.pieces])
    for sha, plan, data in plans:
        parent, message = shown.get(sha, (None, ""))
        if plan.pieces and parent is not None and parent == data.get("base"):
            try:
                record_commit(repo, store, plan, message, commit=sha)
            except StoreError:
                unsettled.append(plan)  # the store cannot be written now: later
                continue
        (folder / f"{sha}.json").unlink(missing_ok=True)
    return unsettled


def _commits(repo: Repository, shas: list[str]) -> dict[str, tuple[str | None, str]]:
    """``sha -> (first parent, message)`` of each commit that exists, in one ``git log``
    (one per commit if one of them does not: a file name is not trusted to be one)."""
    if not shas or not all(_SHA.fullmatch(sha) for sha in shas):
        return {sha: shown for sha in shas if (shown := _commit(repo, sha)) is not None}
    args = ["log", "--no-walk=unsorted", "-z", "--format=%H%x00%P%x00%B", "--end-of-options"]
    result = git.run([*args, *shas], repo.toplevel, check=False)
    if result.returncode != 0:
        return {sha: shown for sha in shas if (shown := _commit(repo, sha)) is not None}
    fields = git.text(result.stdout).split("\0")
    found: dict[str, tuple[str | None, str]] = {}
    for at in range(0, len(fields) - 2, 3):
        sha, parents, message = fields[at].strip("\n"), fields[at + 1], fields[at + 2]
        found[sha] = (parents.split()[0] if parents.split() else None, message)
    return found


def _commit(repo: Repository, sha: str) -> tuple[str | None, str] | None:
    if git.rev(repo.toplevel, sha) is None:
        return None
    parent = git.rev(repo.toplevel, f"{sha}^")
    shown = git.run(["log", "-1", "--format=%B", sha], repo.toplevel, check=False)
    return (parent, git.text(shown.stdout)) if shown.returncode == 0 else None
