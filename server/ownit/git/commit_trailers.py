"""Which AI regions a commit holds, and the trailers that say so (docs/trailers.md).

:func:`plan_commit` maps every active region of the store onto the *staged* blob of its
file by a line diff from the text the region's line numbers refer to (its basis, else the
working tree), so partial staging (``git add -p``) puts exactly the staged lines in the
trailers, split into pieces when only part of a region is staged. A piece is reported
when it touches a line this commit adds, or when it carries a claim made after its code
was committed (the claim travels with the next commit). Line numbers are those of the
file as committed.

The hooks use it like this: ``prepare-commit-msg`` plans, writes the trailers into the
message and leaves the plan in ``<git-dir>/ownit/pending-commit.json``; ``commit-msg``
writes them again (idempotent; the message was maybe edited) and warns about unowned AI
lines; ``post-commit`` records in the store, as a ``committed`` event per region, what the
commit carried.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ownit.core import trailers as tr
from ownit.core.columns import line_span
from ownit.core.fingerprint import fingerprint
from ownit.core.model import Ownership, RegionState
from ownit.core.printable import printable
from ownit.core.text import split_lines, strip_terminator
from ownit.git import renames, staged
from ownit.git import run as git
from ownit.git.repo import Repository, store_path

if TYPE_CHECKING:
    from ownit.core.policy import EffectiveRule, Policy
    from ownit.store import Store

PENDING_FILE = "pending-commit.json"
COMMITTED_EVENT = "committed"
# Set by `ownit claim --commit`: the hooks put only these regions (comma-separated ids)
# in the commit's trailers.
ONLY_REGIONS_ENV = "OWNIT_ONLY_REGIONS"


@dataclass(frozen=True, slots=True)
class Piece:
    """Lines ``first .. end - 1`` (0-based) of the staged ``path`` that region wrote."""

    region_id: str
    path: str
    first: int
    end: int
    fingerprint: str
    tool: str
    owned: bool
    owner_name: str = ""
    owner_email: str = ""
    rationale: str = ""
    claim_at: float | None = None
    claim_fp: str | None = None  # the claim's own fingerprint (of the whole region)
    stale: bool = False
    worktree_line: int = 0  # 1-based first line of the region in the working tree
    source: str = ""  # how the region was detected (core.model.Source value)
    region_lines: int = 0  # the whole region's length (the heuristic's minimum applies)
    purpose: str = ""  # the claim's purpose tag (owned pieces)

    def claim_line(self) -> tr.ClaimLine:
        return tr.ClaimLine(
            path=self.path,
            first=self.first + 1,
            last=self.end,
            fingerprint=self.fingerprint,
            tool=self.tool,
            owner_email=self.owner_email if self.owned else None,
            rationale=self.rationale if self.owned else "",
            purpose=self.purpose if self.owned else "",
        )


_PIECE_FIELDS = tuple(f.name for f in fields(Piece))


@dataclass(slots=True)
class Plan:
    base: str | None  # the commit the new one is compared with; None: no parent
    amend: bool
    pieces: list[Piece] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things the user should know
    from_store: bool = True
    # The message being rewritten (amend, rebase, squash) was exact and nothing else in it
    # marks the commit as AI-assisted: its claim lines still say exactly what is AI.
    inherit_exact: bool = False
    problems: list[str] = field(default_factory=list)  # files ownit failed on

    @property
    def exact(self) -> bool:
        """The trailers say exactly which lines are AI (``AI-Lines: exact``): this plan
        worked them out from the store, or inherits them from an exact message — and no
        file was left out because ownit failed on it."""
        return (bool(self.pieces) or self.inherit_exact) and not self.problems

    def trailers(self) -> tr.OwnitTrailers:
        owners = [tr.Owner(p.owner_name, p.owner_email) for p in self.pieces if p.owned]
        return tr.build((p.claim_line() for p in self.pieces), owners=owners, exact=self.exact)

    @property
    def unowned(self) -> list[Piece]:
        return [p for p in self.pieces if not p.owned]

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "amend": self.amend,
            # every field of a Piece is a str, int, float, bool or None: asdict's deep
            # copy would give the same values, 10x slower at a commit's 2,000 claims
            "pieces": [{name: getattr(p, name) for name in _PIECE_FIELDS} for p in self.pieces],
            "notes": self.notes,
            "from_store": self.from_store,
            "inherit_exact": self.inherit_exact,
            "problems": self.problems,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        return cls(
            base=data.get("base"),
            amend=bool(data.get("amend")),
            pieces=[Piece(**p) for p in data.get("pieces", [])],
            notes=list(data.get("notes", [])),
            from_store=bool(data.get("from_store", True)),
            inherit_exact=bool(data.get("inherit_exact", False)),
            problems=[str(p) for p in data.get("problems", [])],
        )


# --------------------------------------------------------------------------- planning


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
        from ownit.core.printable import printable

        print(
            f"ownit: {printable(store.recovery_message)} This commit gets no ownit trailers"
            " for what could not be read: mark and claim that code again (ownit mark,"
            " ownit claim), then `git commit --amend --no-edit` adds them.",
            file=err or sys.stderr,
            flush=True,
        )
    return store


def commit_base(repo: Repository, *, amend: bool) -> str | None:
    if amend:
        return git.rev(repo.toplevel, "HEAD^")
    return git.rev(repo.toplevel, "HEAD")


def _decode(data: bytes | None) -> str | None:
    return None if data is None else git.text(data)


def committed_claims(store: Store, repo: Repository) -> set[tuple[str, str, float]]:
    """``(region_id, fingerprint, claim time)`` of every claim already in a commit."""
    done: set[tuple[str, str, float]] = set()
    for plan in settle_committed(repo, store):  # commits a read-only store cannot record yet
        for piece in plan.pieces:
            if piece.owned and piece.claim_at is not None and piece.claim_fp is not None:
                done.add((piece.region_id, piece.claim_fp, piece.claim_at))
    for event in store.events():
        if event.kind != COMMITTED_EVENT:
            continue
        try:
            detail = json.loads(event.detail)
        except ValueError:
            continue
        for piece in detail.get("pieces", []):
            if piece.get("owned") and piece.get("claim_at") is not None:
                region_id = str(piece.get("region", event.region_id))
                done.add((region_id, str(piece["claim_fp"]), float(piece["claim_at"])))
    return done


def plan_commit(repo: Repository, store: Store | None, *, amend: bool = False) -> Plan:
    """What the commit being made holds of the store's AI regions."""
    # The line maps (and the re-anchoring they use) only where a plan is made: commit-msg
    # with prepare-commit-msg's plan never needs them.
    from ownit.core.linemap import added_lines

    cwd = repo.toplevel
    base = commit_base(repo, amend=amend)
    plan = Plan(base=base, amend=amend)
    if store is None:
        return plan
    states = [s for s in store.region_states() if s.ownership is not Ownership.DISMISSED]
    if not states:
        return plan
    by_path: dict[str, list[RegionState]] = {}
    for state in states:
        by_path.setdefault(state.region.path, []).append(state)
    changed = set(staged.changed_paths(cwd, base))

    def read(renamed_from: dict[str, str]) -> dict[str, bytes | None]:
        specs = [f":{path}" for path in by_path]
        specs += [
            f"{base}:{renamed_from.get(path, path)}"
            for path in by_path
            if base is not None and path in changed
        ]
        return staged.read_blobs(cwd, specs)

    blobs = read({})
    # A file renamed or moved in what is staged (git mv, with or without edits): its
    # regions, and their claims, follow it to its new name; its lines are compared with
    # the old file's, so a rename alone adds none. (Asked only when a file with regions
    # is not staged: git's rename detection costs a diff.)
    renamed_from: dict[str, str] = {}
    if base is not None and any(blobs.get(f":{path}") is None for path in by_path):
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
    committed = committed_claims(store, repo)

    # One file that cannot be read or mapped must not cost the others their trailers: its
    # problem is said (which file, why) and the rest of the plan goes on.
    for path in sorted(by_path):
        try:
            staged_text = _decode(blobs.get(f":{path}"))
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
            worktree = _read_worktree(cwd / path)
        except Exception as error:
            _reraise_when_debugging()
            plan.problems.append(_problem(path, error))
            continue
        maps: _Maps = {}  # the regions of a file mostly share one basis: one diff for all
        for state in by_path[path]:
            try:
                plan.pieces += _pieces(
                    store, state, path, new_lines, added, worktree, committed, maps
                )
            except Exception as error:
                _reraise_when_debugging()
                plan.problems.append(_problem(path, error, state.region.display_lines()))
    plan.pieces.sort(key=lambda p: (p.path, p.first, p.end, p.region_id))
    return plan


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

    for moved in renames.follow(store, wanted, read):
        if moved.left:
            plan.notes.append(
                f"{moved.left} AI-written region{'s' if moved.left != 1 else ''} of "
                f"{tr.encode_path(moved.old)} could not be found in {tr.encode_path(moved.new)}"
                " (renamed): they stay recorded under the old name"
            )


def _reraise_when_debugging() -> None:
    if os.environ.get("OWNIT_DEBUG"):
        raise  # called only from an except block: the error being handled


def _problem(path: str, error: Exception, lines: str | None = None) -> str:
    where = f"{tr.encode_path(path)}:{lines}" if lines else tr.encode_path(path)
    return (
        f"could not work out the trailers of {where} ({type(error).__name__}: {error});"
        " its AI-written lines are not in this commit's trailers (every other file's are),"
        " and the commit is not marked `AI-Lines: exact`, so every line it adds counts as"
        " AI-written downstream. Set OWNIT_DEBUG=1 to see why"
    )


def _read_worktree(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError:
        return None


_Maps = dict[str, tuple[list[str], list[int | None]]]


def _pieces(
    store: Store,
    state: RegionState,
    path: str,
    new_lines: list[str],
    added: set[int],
    worktree: str | None,
    committed: set[tuple[str, str, float]],
    maps: _Maps,
) -> list[Piece]:
    from ownit.core.linemap import find_fingerprint, line_map, map_range

    region = state.region
    basis = store.basis_text(region.id)
    if basis is None:
        basis = worktree
    if basis is None:
        return []
    if basis not in maps:
        lines = [strip_terminator(line) for line in split_lines(basis)]
        maps[basis] = (lines, line_map(lines, new_lines))
    old_lines, mapping = maps[basis]
    first, end = region.first_line, region.end_line
    if fingerprint(old_lines[first:end]) != region.fingerprint:
        # The basis is not what the region was fingerprinted on: find its text again.
        found = find_fingerprint(old_lines, region.fingerprint, end - first, near=first)
        if found is None:
            return []
        first, end = found
    ranges = map_range(mapping, first, end)
    ownership = state.ownership
    claim = state.claim
    owned = ownership is Ownership.OWNED and claim is not None
    if owned and claim is not None and worktree is not None and worktree != basis:
        # The file changed since the store last saw it (outside the editor): the claim
        # holds only while the claimed code is still there.
        now = [strip_terminator(line) for line in split_lines(worktree)]
        if find_fingerprint(now, claim.fingerprint, end - first, near=first) is None:
            owned, ownership = False, Ownership.STALE
    pending_claim = (
        owned
        and claim is not None
        and (region.id, claim.fingerprint, claim.created_at) not in committed
    )
    pieces: list[Piece] = []
    for start, stop in ranges:
        if not pending_claim and not any(i in added for i in range(start, stop)):
            continue
        pieces.append(
            Piece(
                region_id=region.id,
                path=path,
                first=start,
                end=stop,
                fingerprint=fingerprint(new_lines[start:stop]),
                tool=region.tool_label,
                owned=owned,
                owner_name=claim.owner_name if owned and claim else "",
                owner_email=claim.owner_email if owned and claim else "",
                rationale=claim.rationale if owned and claim else "",
                purpose=claim.purpose if owned and claim else "",
                claim_at=claim.created_at if owned and claim else None,
                claim_fp=claim.fingerprint if owned and claim else None,
                stale=ownership is Ownership.STALE,
                worktree_line=region.first_line + 1,
                source=str(region.source.value),
                region_lines=end - first,
            )
        )
    return pieces


# --------------------------------------------------------------------------- messages


def reanchorer(repo: Repository, plan: Plan) -> tr.Reanchor:
    """Moves an old claim line (kept from the message being amended or squashed) to where
    its code is in the staged blob, by fingerprint; drops it, with a note, when the staged
    content no longer holds that code. A file renamed since (``git mv`` before an amend:
    HEAD or the commit's base against what is staged) is followed to its new name. When
    the staged file cannot be read, the line is kept as it was and the problem said (a
    claim is never lost to ownit failing)."""
    cache: dict[str, list[str] | None] = {}
    moves: dict[str, str] | None = None

    def renamed(path: str) -> str | None:
        nonlocal moves
        if moves is None:
            moves = {}
            for base in dict.fromkeys((git.rev(repo.toplevel, "HEAD"), plan.base)):
                for old, new in renames.staged(repo.toplevel, base).items():
                    moves.setdefault(old, new)
        return moves.get(path)

    def lines_of(path: str) -> list[str] | None:
        if path not in cache:
            blob = staged.read_blobs(repo.toplevel, [f":{path}"])[f":{path}"]
            cache[path] = None if blob is None else staged.git_lines(git.text(blob))
        return cache[path]

    def move(claim: tr.ClaimLine) -> tr.ClaimLine | None:
        try:
            return _moved(claim)
        except Exception as error:
            _reraise_when_debugging()
            plan.problems.append(
                f"could not find {claim.key} {tr.encode_path(claim.location)} in the staged"
                f" content ({type(error).__name__}: {error}); the line is kept as it was"
            )
            return claim

    def _moved(claim: tr.ClaimLine) -> tr.ClaimLine | None:
        from ownit.core.linemap import find_fingerprint  # only when a claim line is kept

        notes = plan.notes
        path = claim.path
        lines = lines_of(path)
        if lines is None:
            new = renamed(path)
            if new is not None:
                path, lines = new, lines_of(new)
        length = claim.last - claim.first + 1
        found = None
        if lines is not None:
            found = find_fingerprint(lines, claim.fingerprint, length, near=claim.first - 1)
        if found is None:
            notes.append(
                f"dropped {claim.key} {claim.location}: that code is not in this commit any more"
            )
            return None
        first = found[0] + 1
        return tr.ClaimLine(
            path,
            first,
            first + length - 1,
            claim.fingerprint,
            claim.tool,
            claim.owner_email,
            claim.rationale,
            claim.purpose,
        )

    return move


# A line someone typed that only ownit may write (see hook_runner._report_removed).
TYPED_OWNIT_LINE = re.compile(r"^[ \t]*(?:AI-Owned|AI-Unowned|Owned-by)[ \t]*:", re.IGNORECASE)


def body_lines(message: str, comment: str) -> list[str]:
    """The message's lines after its subject: no comment lines, nothing after git's
    scissors line."""
    lines = [
        line
        for line in message[: tr.ignored_tail_start(message, comment)].split("\n")
        if not (comment and line.startswith(comment))
    ]
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines[1:]


def message_is_empty(message: str, comment: str) -> bool:
    cut = tr.ignored_tail_start(message, comment)
    return all(
        not line.strip() or (comment and line.startswith(comment))
        for line in message[:cut].split("\n")
    )


def apply_to_message(
    repo: Repository,
    plan: Plan,
    message: str,
    *,
    as_comment_if_empty: bool,
    carried: tr.OwnitTrailers | None = None,
) -> str:
    """The message with the plan's trailers merged in; ``carried``: old lines from
    elsewhere to keep too (HEAD's, when amending with a new message)."""
    comment = staged.comment_char(repo.toplevel, message)
    empty = message_is_empty(message, comment)
    if empty and not as_comment_if_empty:
        return message  # git will abort the commit: adding trailers would make it go on
    gathered = [found for found in (squashed_away(repo), carried) if found is not None]
    trailers = plan.trailers()
    merged = tr.merge_into_message(
        message,
        trailers,
        comment_char=comment,
        reanchor=reanchorer(repo, plan),
        as_comment=empty,
        gathered=tr.combine(gathered) if gathered else None,
    )
    if trailers.exact and not plan.exact:
        # An old line could not be re-anchored (kept as it was): the set is not exact. The
        # one marker line in the message is the one just written.
        merged = merged.replace(f"\n{tr.EXACT_MARKER}\n", "\n", 1)
    return merged


def head_message(repo: Repository) -> str | None:
    shown = git.run(["log", "-1", "--format=%B", "HEAD"], repo.toplevel, check=False)
    return git.text(shown.stdout) if shown.returncode == 0 else None


def carried_from_head(repo: Repository) -> tr.OwnitTrailers | None:
    """HEAD's ownit lines, which an amend keeps whatever its new message is (``git commit
    --amend -m`` gives the hooks a message without them)."""
    message = head_message(repo)
    return None if message is None else tr.parse_message(message)


def inherits_exact(repo: Repository, messages: list[str]) -> bool:
    """Whether the messages a rewrite keeps the claims of were exact (``AI-Lines: exact``
    with claim lines) and nothing else in them, nor the author, marks the commit as
    AI-assisted under the working tree's policy: then their claim lines still say exactly
    which lines are AI. A message typed for a new commit is never one of them."""
    from ownit.core import attribution

    if not any(attribution.exact_anywhere(message) for message in messages):
        return False
    from ownit.core.provenance import AiCommitDetector  # only for exact messages

    detector = AiCommitDetector(tree_policy(repo, None)[0])
    name = os.environ.get("GIT_AUTHOR_NAME", "")
    email = os.environ.get("GIT_AUTHOR_EMAIL", "")
    return all(detector.match(message, name, email) is None for message in messages)


def squashed_away(repo: Repository) -> tr.OwnitTrailers | None:
    """During ``rebase -i``, the claims of the ``fixup`` commits folded into the commit
    being made: git comments their messages out (in ``rebase-merge/message-squash``) and
    leaves them out of the message it gives the hooks, but their claims must stay."""
    state = repo.git_dir / "rebase-merge"
    try:
        if not (state / "current-fixups").read_bytes().strip():
            return None
        squash = read_message(state / "message-squash")
    except OSError:
        return None
    return tr.parse_commented(squash, staged.comment_char(repo.toplevel, squash))


def squashed_away_text(repo: Repository) -> str | None:
    """The commented-out messages of :func:`squashed_away`, uncommented (their co-author
    lines count for :func:`inherits_exact` too)."""
    state = repo.git_dir / "rebase-merge"
    try:
        if not (state / "current-fixups").read_bytes().strip():
            return None
        squash = read_message(state / "message-squash")
    except OSError:
        return None
    comment = staged.comment_char(repo.toplevel, squash)
    return tr.uncommented(squash, comment)


def read_message(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def write_message(path: Path, message: str) -> None:
    path.write_bytes(message.encode("utf-8", "surrogateescape"))


# --------------------------------------------------------------------------- pending state


def pending_path(repo: Repository) -> Path:
    return repo.git_dir / "ownit" / PENDING_FILE


def save_pending(repo: Repository, plan: Plan) -> None:
    data = plan.to_json()
    data["index"] = staged.index_signature(repo.git_dir)
    data["head"] = git.rev(repo.toplevel, "HEAD")
    path = pending_path(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{PENDING_FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def load_pending(repo: Repository) -> tuple[Plan, dict[str, Any]] | None:
    try:
        data = json.loads(pending_path(repo).read_text(encoding="utf-8"))
        return Plan.from_json(data), data
    except (OSError, ValueError, TypeError, KeyError):
        return None


def clear_pending(repo: Repository) -> None:
    pending_path(repo).unlink(missing_ok=True)


COMMIT_MSG_OK_FILE = "commit-msg-ok"


def save_commit_msg_ok(repo: Repository, message: str | None) -> None:
    """Leave the git blob id of ``message`` for the installed ``commit-msg`` script, which
    skips ownit when the final message is still this one (None: never skip)."""
    path = repo.git_dir / "ownit" / COMMIT_MSG_OK_FILE
    if message is None:
        path.unlink(missing_ok=True)
        return
    import hashlib

    data = message.encode("utf-8", "surrogateescape")
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(blob + "\n", encoding="ascii")


# --------------------------------------------------------------------------- policy


def tree_policy(repo: Repository, err: TextIO | None) -> tuple[Policy, str | None]:
    """The working tree's policy and ``.gitattributes``; an invalid policy file is reported
    on ``err`` (when given) and the built-in defaults are used."""
    from ownit.core.policy import default_policy
    from ownit.policy_files import load_tree_policy, read_gitattributes

    loaded = load_tree_policy(repo.toplevel)
    policy = loaded.policy
    if policy is None:
        if err is not None:
            for problem in loaded.problems:
                print(f"ownit: {printable(str(problem))}", file=err)
            print(
                "ownit: the policy file is not valid; this commit is checked against the"
                " built-in default policy (see `ownit policy check`)",
                file=err,
            )
        policy = default_policy()
    return policy, read_gitattributes(repo.toplevel)


def apply_policy(plan: Plan, policy: Policy, gitattributes: str | None = None) -> Plan:
    """The plan as the policy sees it: pieces in excluded paths (``exclude``,
    ``linguist-generated`` / ``linguist-vendored``) or from sources the path's rule does
    not count are left out (they get no trailers); rationales are cut at the path's
    ``rationale.max_chars``."""
    pieces: list[Piece] = []
    excluded: dict[str, bool] = {}
    rules: dict[str, EffectiveRule] = {}
    for piece in plan.pieces:
        if piece.path not in excluded:
            excluded[piece.path] = policy.is_excluded(piece.path, gitattributes)
        if excluded[piece.path]:
            continue
        rule = rules.get(piece.path) or rules.setdefault(piece.path, policy.effective(piece.path))
        if piece.source and not rule.counts_source(piece.source, piece.region_lines):
            continue
        if piece.owned:
            rationale = tr.rationale_line(piece.rationale, rule.rationale.max_chars)
            piece = replace(piece, rationale=rationale)
        pieces.append(piece)
    return replace(plan, pieces=pieces)


@dataclass(slots=True)
class Gate:
    """The commit gate's verdict on the AI pieces of a commit: unowned (or stale) ones,
    owned ones from a tool or model the path's rule does not approve (treated like
    unowned code), and any in a path whose rule says ``ai: forbidden`` (always refused)."""

    # (piece, where the rule is, why): why is "" for unowned code under `commit: block`
    block: list[tuple[Piece, str, str]] = field(default_factory=list)
    warn: list[Piece] = field(default_factory=list)
    allow: list[Piece] = field(default_factory=list)
    # owned pieces from unapproved tools under `commit: warn`, with why
    unapproved: list[tuple[Piece, str]] = field(default_factory=list)


def gate(plan: Plan, policy: Policy) -> Gate:
    """Each piece under its path's rule: ``ai: forbidden`` refuses any AI piece, owned or
    not (whatever its evidence, as the editor and verify say it); a tool or model outside
    ``tools`` / ``models`` makes even an owned piece count as unowned; unowned pieces go by
    ``commit`` (a path whose rule needs no ownership lets them through silently), and a
    piece known with less evidence than the path's ``min_evidence`` (from its region's
    source) is only warned about: it never blocks a commit for want of an owner."""
    from ownit.core.model import evidence_of_source
    from ownit.core.policy.model import CommitGate

    verdict = Gate()
    rules: dict[str, EffectiveRule] = {}
    for piece in plan.pieces:
        rule = rules.get(piece.path) or rules.setdefault(piece.path, policy.effective(piece.path))
        if rule.forbids_ai:
            verdict.block.append((piece, rule.origin_phrase("ai"), rule.forbidden_reason()))
            continue
        unapproved = rule.tool_problem(piece.tool)
        if piece.owned and unapproved is None:
            continue
        enough = not piece.source or rule.requires_evidence(evidence_of_source(piece.source))
        if (unapproved is None and not rule.needs_ownership) or rule.commit is CommitGate.ALLOW:
            verdict.allow.append(piece)
        elif rule.commit is CommitGate.BLOCK and enough:
            verdict.block.append((piece, rule.origin_phrase("commit"), unapproved or ""))
        else:
            if unapproved is not None:
                verdict.unapproved.append((piece, unapproved))
            if not piece.owned:
                verdict.warn.append(piece)
    return verdict


FORBIDS = "forbids AI-written code here"  # in EffectiveRule.forbidden_reason()


def policy_objects(plan: Plan, policy: Policy) -> bool:
    """Whether the policy objects to any piece beyond its ownership: one in a path that
    forbids AI, or from a tool or model the path's rule does not approve."""
    for piece in plan.pieces:
        rule = policy.effective(piece.path)
        if rule.forbids_ai or rule.tool_problem(piece.tool) is not None:
            return True
    return False


def report_blocked(
    blocked: list[tuple[Piece, str, str]],
    out: TextIO = sys.stderr,
    *,
    preview: str | None = None,
) -> None:
    """Why the commit was refused: each AI piece, and the way out of each. ``preview``:
    no commit was tried (`ownit trailers`); the git command that would make it."""
    n = sum(p.end - p.first for p, _, _ in blocked)
    lines = f"{n} AI-written line{'s' if n != 1 else ''}"
    if any(why for _, _, why in blocked):  # forbidden or unapproved: owning is not enough
        if preview is None:
            head = f"ownit: commit refused by policy: {lines} cannot be committed as they are:"
        else:
            head = f"ownit: `{preview}` would be refused by policy: {lines} cannot be committed:"
    elif preview is None:
        they = "it is" if n == 1 else "they are"
        head = f"ownit: commit refused by policy: {lines} must be owned before {they} committed:"
    else:
        head = f"ownit: `{preview}` would be refused by policy: {lines} must be owned first:"
    print(head, file=out)
    for piece, rule, why in blocked:
        stale = "claim is stale: the code changed after it was owned; " if piece.stale else ""
        reason = why or f"{stale}`commit: block` in {rule}"
        print(
            printable(
                f"  {piece.path}:{line_span(piece.first + 1, piece.end)} ({piece.tool}; {reason})"
            ),
            file=out,
        )
    forbidden = [p for p, _, why in blocked if FORBIDS in why]
    others = [p for p, _, why in blocked if FORBIDS not in why]
    unapproved = [p for p, _, why in blocked if why and p in others]
    if forbidden:
        print(
            "ownit: AI-written code may not be committed where the policy forbids it, owned"
            " or not: remove it, or, if a person wrote it, dismiss it (recorded):",
            file=out,
        )
        _print_dismiss_commands(forbidden, out)
    if unapproved:
        print(
            "ownit: code from a tool or model the policy does not approve here: rewrite it"
            " with an approved one, or dismiss it if a person wrote it",
            file=out,
        )
    owning = [p for p in others if p not in unapproved]
    if owning:
        print("ownit: own each one, saying why it is right:", file=out)
        _print_claim_commands(owning, out)
    if preview is None:
        print("ownit: then run the same `git commit` again", file=out)
    else:
        print(f"ownit: then `{preview}`", file=out)


def warn_unapproved(verdict: Gate, out: TextIO = sys.stderr) -> None:
    """The pieces of the commit from tools or models the policy does not approve."""
    if not verdict.unapproved:
        return
    n = sum(p.end - p.first for p, _ in verdict.unapproved)
    print(
        f"ownit: this commit has {n} AI-written line{'s' if n != 1 else ''} from a tool or"
        " model the policy does not approve there (`ownit verify` reports them):",
        file=out,
    )
    for piece, why in verdict.unapproved:
        print(printable(f"  {piece.path}:{piece.first + 1}-{piece.end} ({why})"), file=out)


def _print_dismiss_commands(pieces: list[Piece], out: TextIO) -> None:
    seen: set[tuple[str, int]] = set()
    for piece in pieces:
        key = (piece.path, piece.worktree_line)
        if key in seen:
            continue
        seen.add(key)
        print(
            printable(
                f"  ownit dismiss {_shell_word(piece.path)}:{piece.worktree_line}"
                ' -m "written by a person: <how you know>"'
            ),
            file=out,
        )


def _print_claim_commands(pieces: list[Piece], out: TextIO) -> None:
    seen: set[tuple[str, int]] = set()
    for piece in pieces:
        key = (piece.path, piece.worktree_line)
        if key in seen:
            continue
        seen.add(key)
        print(
            printable(
                f"  ownit claim {_shell_word(piece.path)}:{piece.worktree_line}"
                ' -m "why this code is correct"'
            ),
            file=out,
        )


# --------------------------------------------------------------------------- warnings


def warn_unowned(
    plan: Plan,
    out: TextIO = sys.stderr,
    unowned: list[Piece] | None = None,
    *,
    preview: str | None = None,
) -> None:
    """The unowned AI lines of the commit (``unowned``: only these), each with its
    evidence class and how to own it. ``preview``: the commit is not made yet (`ownit
    trailers`); the git command that would make it."""
    from ownit.core.model import evidence_of_source

    for note in plan.notes:
        print(f"ownit: {printable(note)}", file=out)
    if unowned is None:
        unowned = plan.unowned
    if not unowned:
        return
    n = sum(p.end - p.first for p in unowned)
    lines = f"{n} AI-written line{'s' if n != 1 else ''} nobody owns yet"
    if preview is None:
        head = f"ownit: this commit has {lines} (committed with AI-Unowned trailers):"
    else:
        head = f"ownit: `{preview}` would commit {lines} (with AI-Unowned trailers):"
    print(head, file=out)
    for piece in unowned:
        why = " (claim is stale: the code changed after it was owned)" if piece.stale else ""
        evidence = f", {evidence_of_source(piece.source)} evidence" if piece.source else ""
        span = line_span(piece.first + 1, piece.end)
        where = printable(f"{piece.path}:{span} ({piece.tool}{evidence})")
        print(f"  {where}{why}", file=out)
    if preview is None:
        print("ownit: to own them, say why each is right, e.g.:", file=out)
        _print_claim_commands(unowned, out)
        print(
            "ownit: then `git commit --amend --no-edit` to put the claims in this commit",
            file=out,
        )
        return
    print("ownit: to own them before you commit, say why each is right, e.g.:", file=out)
    _print_claim_commands(unowned, out)
    print(f"ownit: then `{preview}`: the trailers become AI-Owned", file=out)


def _shell_word(text: str) -> str:
    if text and all(c.isalnum() or c in "-_./" for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


# --------------------------------------------------------------------------- recording


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
        store.add_event(next(iter(by_region)), COMMITTED_EVENT, json.dumps(detail, sort_keys=True))
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
    for file in files:
        sha = file.stem
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            plan = Plan.from_json(data)
        except (OSError, ValueError, TypeError, KeyError):
            file.unlink(missing_ok=True)  # unreadable: nothing trustworthy to record
            continue
        parent = git.rev(repo.toplevel, f"{sha}^") if git.rev(repo.toplevel, sha) else None
        if plan.pieces and parent is not None and parent == data.get("base"):
            shown = git.run(["log", "-1", "--format=%B", sha], repo.toplevel, check=False)
            if shown.returncode == 0:
                try:
                    record_commit(repo, store, plan, git.text(shown.stdout), commit=sha)
                except StoreError:
                    unsettled.append(plan)  # the store cannot be written now: later
                    continue
        file.unlink(missing_ok=True)
    return unsettled


def parent_matches(repo: Repository, data: dict[str, Any]) -> bool:
    """The commit just made is the one the pending plan was made for."""
    parent = git.rev(repo.toplevel, "HEAD^")
    return bool(parent == data.get("base"))


# --------------------------------------------------------------------------- claim-only commit


class ClaimCommitError(Exception):
    """No claim-only commit could be made; the message says why and what to do."""


def claim_only_commit(repo: Repository, region_id: str, err: TextIO = sys.stderr) -> str:
    """Commit the claim on region ``region_id`` alone (``ownit claim --commit``): an empty
    commit on HEAD whose trailers are that claim's, for code that is already committed.

    The commit is made from a temporary index holding HEAD's tree, so whatever the user
    has staged stays staged and out of it. The hooks, if installed, see only this region
    (:data:`ONLY_REGIONS_ENV`); without them the claim is recorded here. Returns the new
    commit's id.
    """
    import tempfile

    if git.rev(repo.toplevel, "HEAD") is None:
        raise ClaimCommitError("nothing is committed yet: the claim goes with your first commit")
    saved = {name: os.environ.get(name) for name in ("GIT_INDEX_FILE", ONLY_REGIONS_ENV)}
    with tempfile.TemporaryDirectory(prefix="ownit-claim-", dir=repo.git_dir) as tmp:
        os.environ["GIT_INDEX_FILE"] = os.path.join(tmp, "index")
        os.environ[ONLY_REGIONS_ENV] = region_id
        try:
            git.run(["read-tree", "HEAD"], repo.toplevel)
            store = open_store(repo)
            try:
                plan = plan_commit(repo, store)
            finally:
                if store is not None:
                    store.close()
            plan.pieces = [p for p in plan.pieces if p.region_id == region_id and p.owned]
            if not plan.pieces:
                raise ClaimCommitError(
                    "the claimed lines are not in HEAD (not committed yet, or the claim is"
                    " already in a commit): no claim-only commit was made; the claim goes"
                    " with your next commit"
                )
            plan = apply_policy(plan, *tree_policy(repo, None))
            where = ", ".join(
                f"{tr.encode_path(p.path)}:{p.first + 1}-{p.end}" for p in plan.pieces
            )
            subject = f"Own AI-written code in {where}\n\nClaim-only commit (ownit claim --commit)."
            message = tr.merge_into_message(subject + "\n", plan.trailers(), max_rationale=2000)
            message_file = Path(tmp) / "message"
            write_message(message_file, message)
            result = git.run(
                ["commit", "--allow-empty", "-q", "--cleanup=whitespace", "-F", str(message_file)],
                repo.toplevel,
                check=False,
                keep_locale=True,  # its hooks and messages are the user's
            )
            err.write(git.text(result.stderr))
            if result.returncode != 0:
                raise ClaimCommitError(
                    "git commit failed; the claim stays recorded for your next commit"
                )
            commit = git.rev(repo.toplevel, "HEAD") or ""
            _record_if_hook_did_not(repo, plan, region_id)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return commit


def _record_if_hook_did_not(repo: Repository, plan: Plan, region_id: str) -> None:
    store = open_store(repo)
    if store is None:
        return
    try:
        done = committed_claims(store, repo)
        if any((region_id, p.claim_fp, p.claim_at) in done for p in plan.pieces):
            return
        out = git.run(["log", "-1", "--format=%B", "HEAD"], repo.toplevel).stdout
        record_commit(repo, store, plan, git.text(out))
    finally:
        store.close()
