"""Line provenance: who wrote a line, whether an AI tool did, and who owns it. Pure.

Used by ``ownit blame`` and by the language server's history hints. Input is what
``git blame --porcelain`` says about each line (the commit that introduced it and the
line's number and path *in that commit*) and a :class:`ClaimIndex` built from the claims
of every commit in history (see ``ownit.git.history``). Output is one
:class:`LineProvenance` per line.

How a line is resolved:

1. A claim of the introducing commit whose range (in that commit's file) holds the line
   is the line's claim: ``AI-Owned`` (owned) or ``AI-Unowned`` (AI-written, unowned).
2. Otherwise a claim of any commit for the same path whose fingerprint is found, in the
   current text, over a window that holds the line (a later claim-only commit, or a claim
   for lines that moved since).
3. Otherwise, when the introducing commit is AI-assisted at commit level
   (:class:`AiCommitDetector`: ``ai_commit_patterns`` outside ownit's exact trailer
   groups), the line is AI-written with no claim: such a commit makes every line it added
   AI-written. A commit whose trailers ownit's hook worked out (``AI-Lines: exact``) said
   which lines an AI wrote; its other lines are human.

An ``AI-Owned`` claim found for the same code (path and fingerprint) in a later commit
owns an unowned line too; the claim's commit is then that later commit.

Renames and moves are followed: git blame gives each line's path in its introducing commit
(with ``-M``/``-C``, lines moved or copied from other files too), and claims made on any
of the paths the blamed lines came from count as claims on the file.

The index of history's claims is :mod:`ownit.core.claim_index`; what a commit message
says (its claim lines, commit-level AI attribution) is :mod:`ownit.core.commit_message`.

Every AI-written line says how it is known (:class:`ownit.core.model.Evidence`): a claim
line names it (``exact``, scope ``line``), or the commit's attribution covers the whole
commit (scope ``commit``; ``corroborated``, or ``inferred`` for a ``weak`` pattern) — then
the trailer says that the commit is AI-assisted, not that this very line was AI-written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from ownit.core import trailers as tr
from ownit.core.claim_index import (
    ClaimIndex,
    CommitClaims,
    InvalidWhy,
    SpanIndex,
    all_valid,
    index_from,
)
from ownit.core.fingerprint import normalize_line
from ownit.core.line_provenance import HUMAN, UNCOMMITTED, BlameLine, LineProvenance, Verdict
from ownit.core.model import Evidence
from ownit.core.window_finder import WindowFinder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ownit.core.commit_message import AiCommitDetector, may_hold_claims, message_claims

_FROM_COMMIT_MESSAGE = ("AiCommitDetector", "may_hold_claims", "message_claims")


def __getattr__(name: str) -> object:
    # What a commit message says is read only where the claim index is built (a blame
    # with the index cached never loads it): these names load their module when asked.
    if name in _FROM_COMMIT_MESSAGE:
        from ownit.core import commit_message

        return getattr(commit_message, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Blame's inputs, read from history, and the records of a line live in their own modules;
# the callers that take them from here (git/blame.py, the commit hook) keep doing so.
__all__ = [
    "HUMAN",
    "UNCOMMITTED",
    "AiCommitDetector",
    "BlameLine",
    "ClaimIndex",
    "CommitClaims",
    "HistoryRun",
    "InvalidWhy",
    "LineProvenance",
    "Verdict",
    "all_valid",
    "history_runs",
    "index_from",
    "may_hold_claims",
    "message_claims",
    "resolve",
    "verdicts",
]


def _located(
    claim: tr.ClaimLine,
    offset: int,
    windows: WindowFinder,
    written_at: int | None = None,
    first_line: str | None = None,
) -> tuple[int, int] | None:
    """Where the claim's code is in the current text (0-based half-open, in file lines),
    looking at the stated lines first, then where blame puts the line the claim's commit
    wrote as the claim's first (``written_at``, a file line), then the earliest window
    anywhere (``first_line``: the claim's first line, normalised, when known: only windows
    starting with it can match); ``offset`` is the file line of the text's first line."""
    length = claim.last - claim.first + 1
    for start in (claim.first - 1 - offset, None if written_at is None else written_at - offset):
        if (
            start is not None
            and start >= 0
            and start + length <= len(windows)
            and windows.window_fp(start, length) == claim.fingerprint
        ):
            return start + offset, start + length + offset
    found = windows.find(claim.fingerprint, length, near=0, first_line=first_line)
    return None if found is None else (found + offset, found + length + offset)


def resolve(
    lines: Sequence[BlameLine],
    index: ClaimIndex,
    path: str,
    invalid: InvalidWhy = all_valid,
    first_line: Callable[[str, tr.ClaimLine], str | None] | None = None,
) -> list[LineProvenance]:
    """Per-line provenance of ``lines`` (consecutive lines of the file at ``path``, as
    blamed), from the claim index: each line's :func:`verdicts` with its own fields."""
    return [
        LineProvenance(bl.line, bl.text, bl.commit, bl.orig_line, bl.orig_path, *v)
        for bl, v in zip(lines, verdicts(lines, index, path, invalid, first_line), strict=True)
    ]


_Located = tuple[int, int, CommitClaims, tr.ClaimLine]  # (start, end) in file lines


def verdicts(
    lines: Sequence[BlameLine],
    index: ClaimIndex,
    path: str,
    invalid: InvalidWhy = all_valid,
    first_line: Callable[[str, tr.ClaimLine], str | None] | None = None,
) -> list[Verdict]:
    """What history says about each of ``lines`` (consecutive lines of the file at
    ``path``, as blamed), from the claim index; the lines history speaks for alike share
    one :class:`Verdict`. ``invalid`` says which claims are invalid (and why): those own
    nothing; a line only they speak for is AI-written, not owned, and says why.
    ``first_line``: a claim's first line as its commit has it (normalised), where known:
    the claim is then looked for only where that line is."""
    if not lines:
        return []
    invalid = _remembered(invalid)
    offset = lines[0].line - 1
    normalized = [normalize_line(bl.text) for bl in lines]
    # A budget of hashed lines, so that a file with many claims of different lengths stays
    # fast.
    windows = WindowFinder(normalized, normalized=True, budget=400_000)
    # The names the file's lines had where they were written (renames and moves, as
    # git blame followed them): claims on any of them speak for this file.
    names = tuple(dict.fromkeys([path, *(bl.orig_path for bl in lines if bl.orig_path)]))
    # Claims located in the current text, latest first.
    located: list[_Located] = []
    # (commit, path, line there) -> file line, of the lines blame says that commit wrote
    written = {(bl.commit, bl.orig_path, bl.orig_line): bl.line - 1 for bl in lines}
    for name in names:
        for entry, claim in index.claims_for_path(name):
            at = written.get((entry.sha, claim.path, claim.first))
            first = None if first_line is None else first_line(entry.sha, claim)
            where = _located(claim, offset, windows, at, first)
            if where is not None:
                located.append((where[0], where[1], entry, claim))
    if len(names) > 1:
        located.sort(key=lambda item: -item[2].order)

    # The located claims over each file line, in the same order (a line looks only at
    # those, not at every claim of the file); lines with the same claims over them share
    # one list, so that a run of them is recognised by it.
    over: dict[int, list[_Located]] = {}
    low, high = min(bl.line for bl in lines) - 1, max(bl.line for bl in lines)
    for item in located:
        for line0 in range(max(item[0], low), min(item[1], high)):
            over.setdefault(line0, []).append(item)
    shared: dict[tuple[int, ...], list[_Located]] = {}
    for line0, items in over.items():
        over[line0] = shared.setdefault(tuple(map(id, items)), items)
    nothing: list[_Located] = []
    # A line's verdict follows from its commit, the claims of that commit that hold it
    # (where it was written) and the claims located over it: each such case is judged
    # once.
    entries: dict[str, CommitClaims | None] = {}
    # Per (commit, path there): its claims on that path, and which hold a line (a commit
    # may carry thousands: a line looks only at those over it)
    spans: dict[tuple[str, str], tuple[SpanIndex, list[int]]] = {}
    owner = _owner_finder(index, names, invalid)
    judged: dict[tuple[str, tuple[int, ...], int], Verdict] = {}
    out: list[Verdict] = []
    for bl in lines:
        here = over.get(bl.line - 1, nothing)
        commit = bl.commit
        if commit in entries:
            introduced = entries[commit]
        else:
            introduced = entries[commit] = index.commits.get(commit)
        inside: tuple[int, ...] = ()
        if introduced is not None and introduced.claims:
            orig_path = bl.orig_path
            found = spans.get((commit, orig_path))
            if found is None:
                claims = introduced.claims
                on_path = [i for i, c in enumerate(claims) if c.path == orig_path]
                span_index = SpanIndex((claims[i].first, claims[i].last) for i in on_path)
                found = spans[(commit, orig_path)] = (span_index, on_path)
            inside = tuple(found[1][j] for j in found[0].holding(bl.orig_line))
        key = (commit, inside, id(here))
        verdict = judged.get(key)
        if verdict is None:
            verdict = judged[key] = _resolve_line(bl, introduced, inside, here, owner, invalid)
        out.append(verdict)
    return out


def _remembered(invalid: InvalidWhy) -> InvalidWhy:
    """``invalid``, asked once per claim object (the claim is kept with its answer, so an
    identity is never taken for another's)."""
    if invalid is all_valid:
        return invalid
    known: dict[tuple[str, int], tuple[tr.ClaimLine, str | None]] = {}

    def why(sha: str, claim: tr.ClaimLine) -> str | None:
        hit = known.get((sha, id(claim)))
        if hit is not None and hit[0] is claim:
            return hit[1]
        found = invalid(sha, claim)
        known[(sha, id(claim))] = (claim, found)
        return found

    return why


# The latest valid AI-Owned claim of (path, fingerprint) in a commit later than ``after``
_FindOwner = Callable[[str, str, int], "tuple[CommitClaims, tr.ClaimLine] | None"]


def _owner_finder(index: ClaimIndex, names: Sequence[str], invalid: InvalidWhy) -> _FindOwner:
    """``index.find_owner`` under the file's ``names``, each code asked about once: the
    latest valid owner of all is the answer for any ``after`` earlier than its commit, and
    no later one exists for the others."""
    latest: dict[tuple[str, str], tuple[CommitClaims, tr.ClaimLine] | None] = {}

    def find(path: str, fp: str, after: int) -> tuple[CommitClaims, tr.ClaimLine] | None:
        key = (path, fp)
        if key in latest:
            found = latest[key]
        else:
            found = latest[key] = index.find_owner(
                path, fp, _EARLIEST, aliases=names, invalid=invalid
            )
        return found if found is not None and found[0].order > after else None

    return find


_EARLIEST = -(1 << 62)  # before every commit's order


def _resolve_line(
    bl: BlameLine,
    entry: CommitClaims | None,
    inside: tuple[int, ...],
    located: list[_Located],
    find_owner: _FindOwner,
    invalid: InvalidWhy = all_valid,
) -> Verdict:
    """The line's verdict: ``inside`` are the positions of ``entry``'s claims that hold it
    where it was written, ``located`` the claims located over it, latest first."""
    claim: tr.ClaimLine | None = None
    claim_entry: CommitClaims | None = None
    how = ""
    # The first invalid claim that speaks for the line: shown when no valid one does.
    rejected: tuple[CommitClaims, tr.ClaimLine, str, str] | None = None
    if entry is not None:
        for at in inside:
            candidate = entry.claims[at]
            why = invalid(entry.sha, candidate)
            if why:
                rejected = rejected or (entry, candidate, why, "claim")
            elif claim is None or (candidate.owned and not claim.owned):
                claim, claim_entry, how = candidate, entry, "claim"
    # A line its commit claimed AI-Unowned is owned by a later valid AI-Owned claim found
    # over it (owned again after an edit elsewhere in the region: another fingerprint).
    committed_unowned = claim_entry if claim is not None and not claim.owned else None
    if claim is None or committed_unowned is not None:
        file_line0 = bl.line - 1
        for start, end, other_entry, other in located:
            if not start <= file_line0 < end:
                continue
            if claim is not None and not (other.owned and not claim.owned):
                continue
            if committed_unowned is not None and other_entry.order <= committed_unowned.order:
                continue
            same = entry is not None and other_entry.sha == entry.sha
            why = invalid(other_entry.sha, other)
            if why:
                rejected = rejected or (other_entry, other, why, "claim" if same else "later-claim")
                continue
            claim, claim_entry = other, other_entry
            how = "claim" if same else "later-claim"
            if other.owned:
                break
    if claim is not None and claim_entry is not None:
        owner_entry, owner_claim = claim_entry, claim
        if not claim.owned:
            later = find_owner(claim.path, claim.fingerprint, claim_entry.order)
            if later is not None:
                owner_entry, owner_claim = later
                how = "later-claim"
        return Verdict(
            ai=True,
            tool=claim.tool,
            owned=owner_claim.owned,
            owner_email=owner_claim.owner_email,
            rationale=owner_claim.rationale,
            claim_commit=owner_entry.sha,
            claim=owner_claim,
            how=how,
            evidence=Evidence.EXACT.value,
            scope="line",
            co_owners=_co_owners(bl, located, owner_claim, invalid) if owner_claim.owned else (),
        )
    if rejected is not None:
        # Only an invalid claim speaks for the line: it said an AI wrote it (a claim line
        # names it: exact), and owns nothing (a later valid claim for the same code, under
        # any of the file's names, still can).
        bad_entry, bad, why, bad_how = rejected
        later = find_owner(bad.path, bad.fingerprint, -1)
        if later is not None:
            return Verdict(
                ai=True,
                tool=bad.tool,
                owned=True,
                owner_email=later[1].owner_email,
                rationale=later[1].rationale,
                claim_commit=later[0].sha,
                claim=later[1],
                how="later-claim",
                evidence=Evidence.EXACT.value,
                scope="line",
            )
        return Verdict(
            ai=True,
            tool=bad.tool or (entry.ai_tool if entry is not None else None) or None,
            owner_email=bad.owner_email,
            claim_commit=bad_entry.sha,
            claim=bad,
            how=bad_how,
            evidence=Evidence.EXACT.value,
            scope="line",
            invalid=why,
        )
    if entry is not None and entry.ai:
        # A commit-level attribution makes every line the commit added AI-written; this
        # one no claim covers. (An exact commit is not `ai`: its claims said it all.)
        return Verdict(
            ai=True,
            tool=entry.ai_tool or None,
            how="ai-commit",
            evidence=entry.commit_evidence.value,
            scope="commit",
            commit_reason=entry.ai_reason,
        )
    return HUMAN


def _co_owners(
    bl: BlameLine,
    located: list[tuple[int, int, CommitClaims, tr.ClaimLine]],
    owner: tr.ClaimLine,
    invalid: InvalidWhy = all_valid,
) -> tuple[str, ...]:
    """The owners, other than ``owner``'s, of valid ``AI-Owned`` claims located over the
    line (latest claim first, each person once)."""
    seen = {(owner.owner_email or "").casefold()}
    out: list[str] = []
    for start, end, entry, other in located:
        if not other.owned or not start <= bl.line - 1 < end or invalid(entry.sha, other):
            continue
        email = other.owner_email or ""
        if email.casefold() not in seen:
            seen.add(email.casefold())
            out.append(email)
    return tuple(out)


class HistoryRun(NamedTuple):  # not a dataclass: every `ownit blame` defines it
    """Consecutive lines that history says an AI tool wrote, with one owner (or none).

    Lines are 0-based, half-open, in the text that was blamed. ``commit`` introduced the
    first line; ``claim_commit`` carries the claim (None: no claim, unowned).
    """

    first_line: int
    end_line: int
    tool: str
    commit: str
    owned: bool
    owner_email: str | None
    rationale: str
    claim_commit: str | None
    evidence: str = Evidence.CORROBORATED.value  # of its lines (LineProvenance.evidence)
    scope: str = "commit"  # "line": claim lines name them; "commit": the commit's trailer
    commit_reason: str = ""  # what made the commit AI-assisted (scope "commit")
    invalid: str = ""  # why the claim of these lines is invalid ("": none is)

    @property
    def id(self) -> str:
        """Stable while the run is where it was: ``h:<commit>:<first line>``."""
        return f"h:{self.commit[:12]}:{self.first_line}"


def history_runs(lines: Sequence[LineProvenance]) -> list[HistoryRun]:
    """Group AI-written committed lines into runs of the same commit, tool and owner."""
    runs: list[HistoryRun] = []
    for line in lines:
        if not line.ai or not line.committed:
            continue
        index = line.line - 1
        tool = line.tool or "unknown"
        last = runs[-1] if runs else None
        if (
            last is not None
            and last.end_line == index
            and last.commit == line.commit
            and last.tool == tool
            and last.owned == line.owned
            and last.owner_email == line.owner_email
            and last.claim_commit == line.claim_commit
            and last.evidence == (line.evidence or Evidence.CORROBORATED.value)
            and last.scope == (line.scope or "commit")
            and last.invalid == line.invalid
        ):
            runs[-1] = HistoryRun(
                last.first_line,
                index + 1,
                last.tool,
                last.commit,
                last.owned,
                last.owner_email,
                last.rationale,
                last.claim_commit,
                last.evidence,
                last.scope,
                last.commit_reason,
                last.invalid,
            )
            continue
        runs.append(
            HistoryRun(
                index,
                index + 1,
                tool,
                line.commit,
                line.owned,
                line.owner_email,
                line.rationale,
                line.claim_commit,
                line.evidence or Evidence.CORROBORATED.value,
                line.scope or "commit",
                line.commit_reason,
                line.invalid,
            )
        )
    return runs
