"""The plan of a commit, pure (docs/trailers.md): which pieces of which AI regions a
commit holds, and what the policy says of them. No git, no store: the commit workflow
(:mod:`ownit.commit`) reads the repository and the store and hands this module plain data
(region states, their basis text, the staged lines, the lines the commit adds).

- :class:`Piece`: lines of a staged file one region wrote, owned or not; its claim line.
- :class:`Plan`: the pieces of one commit, what the user should know, the files ownit
  failed on, whether the trailers are exact; to and from the pending-file JSON.
- :func:`region_pieces`: one region mapped onto the staged file by a line diff from its
  basis (split where only part of it is staged).
- :func:`apply_policy`, :func:`gate`, :func:`policy_objects`: the policy's view of a plan
  (excluded paths, counted sources, rationale cut; the commit gate's verdict), each rule
  resolved once per path (:class:`PathRules`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from ownit.core import trailers as tr
from ownit.core.fingerprint import fingerprint
from ownit.core.model import Ownership, RegionState

if TYPE_CHECKING:
    from ownit.core.policy import EffectiveRule, Policy

# ``(region id, claim fingerprint, claim time)`` of a claim already carried by a commit.
CommittedClaims = set[tuple[str, str, float]]
# basis text -> (its lines, where each lands in the staged file): regions share a basis.
LineMaps = dict[str, tuple[list[str], list[int | None]]]


class Piece(NamedTuple):
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


_PIECE_FIELDS = Piece._fields


class Plan:
    """What one commit holds (a slotted class, not a dataclass: every hook imports it;
    see ``core/record.py``)."""

    __slots__ = _PLAN_FIELDS = (
        "base",
        "amend",
        "pieces",
        "notes",
        "from_store",
        "inherit_exact",
        "problems",
    )

    def __init__(
        self,
        base: str | None,
        amend: bool,
        pieces: list[Piece] | None = None,
        notes: list[str] | None = None,
        from_store: bool = True,
        inherit_exact: bool = False,
        problems: list[str] | None = None,
    ) -> None:
        self.base = base  # the commit the new one is compared with; None: no parent
        self.amend = amend
        self.pieces: list[Piece] = [] if pieces is None else pieces
        self.notes: list[str] = [] if notes is None else notes  # what the user should know
        self.from_store = from_store
        # The message being rewritten (amend, rebase, squash) was exact and nothing else
        # in it marks the commit as AI-assisted: its claim lines still say exactly what is.
        self.inherit_exact = inherit_exact
        self.problems: list[str] = [] if problems is None else problems  # files ownit failed on

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._PLAN_FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Plan:
            return NotImplemented
        assert isinstance(other, Plan)
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._PLAN_FIELDS)
        return f"Plan({shown})"

    def with_pieces(self, pieces: list[Piece]) -> Plan:
        """A copy holding ``pieces`` instead (the other lists shared, as ``replace`` did)."""
        return Plan(
            self.base,
            self.amend,
            pieces,
            self.notes,
            self.from_store,
            self.inherit_exact,
            self.problems,
        )

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
        """The plan as the pending files hold it: each piece a row of its fields, named
        once in ``piece_fields`` (a commit of 500 files has 2,000 pieces; rows write and
        read in a fraction of the time of one object per piece)."""
        return {
            "base": self.base,
            "amend": self.amend,
            "piece_fields": list(_PIECE_FIELDS),
            # every field of a Piece is a str, int, float, bool or None: the tuple is its row
            "pieces": self.pieces,
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
            pieces=_pieces(data.get("pieces", []), data.get("piece_fields")),
            notes=list(data.get("notes", [])),
            from_store=bool(data.get("from_store", True)),
            inherit_exact=bool(data.get("inherit_exact", False)),
            problems=[str(p) for p in data.get("problems", [])],
        )


def _pieces(rows: list[Any], fields: list[str] | None) -> list[Piece]:
    """Pieces from pending-file rows (:meth:`Plan.to_json`), or from one object per piece
    as an older ownit wrote them (a plan left in ``committed/`` across an upgrade)."""
    if fields is None:
        return [Piece(**row) for row in rows]
    if tuple(fields) == _PIECE_FIELDS:
        return [Piece._make(row) for row in rows]
    return [Piece(**dict(zip(fields, row, strict=True))) for row in rows]


def added_lines(old: list[str], new: list[str]) -> set[int]:
    """The indexes of ``new``'s lines that ``old`` does not have: the lines both share at
    the start and at the end are set aside first, as git's own diff does, and only what
    is between them is diffed (most commits change a few places of a file)."""
    from ownit.core.linemap import added_lines as diff_added

    head = 0
    most = min(len(old), len(new))
    while head < most and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < most - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    middle = diff_added(old[head : len(old) - tail], new[head : len(new) - tail])
    return {head + i for i in middle}


def text_lines(text: str) -> list[str]:
    """The lines of ``text`` without their terminators, as ``core.text.split_lines`` and
    ``strip_terminator`` give them (``\r\n``, ``\r`` and ``\n`` end a line; a text
    ending with one has an empty last line), in one split."""
    if "\r" not in text:
        return text.split("\n")
    import re

    return re.split(r"\r\n|\r|\n", text)


def _same_lines(old: list[str], new: list[str]) -> list[int | None] | None:
    """The line map when the staged lines are the basis's (the common case: nothing
    changed since the store saw the file), without a diff; None otherwise. The basis's
    lines end with an empty one when its text ends with a line break (git's do not)."""
    n = len(new)
    if old[:n] != new or any(old[n:]) or len(old) > n + 1:
        return None
    return [*range(n), *([None] * (len(old) - n))]


def region_pieces(
    state: RegionState,
    basis: str | None,
    path: str,
    new_lines: list[str],
    added: set[int],
    worktree: str | None,
    committed: CommittedClaims,
    maps: LineMaps,
) -> list[Piece]:
    """The pieces of the staged ``path`` (``new_lines``) that region ``state`` wrote.

    ``basis``: the text the region's line numbers refer to (the store's; None: the working
    tree's, ``worktree``); ``added``: the staged lines this commit adds (0-based); a piece
    is kept when it touches one, or carries a claim not yet in a commit (``committed``).
    ``maps`` caches the line map of each basis between calls for one file."""
    from ownit.core.linemap import find_fingerprint, line_map, map_range

    region = state.region
    if basis is None:
        basis = worktree
    if basis is None:
        return []
    if basis not in maps:
        lines = text_lines(basis)
        maps[basis] = (lines, _same_lines(lines, new_lines) or line_map(lines, new_lines))
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
        now = text_lines(worktree)
        if find_fingerprint(now, claim.fingerprint, end - first, near=first) is None:
            owned, ownership = False, Ownership.STALE
    at = _worktree_line(old_lines, first, end, basis, worktree)
    pending_claim = (
        owned
        and claim is not None
        and (region.id, claim.fingerprint, claim.created_at) not in committed
    )
    # A run carrying the whole region holds the lines just fingerprinted (the line map
    # pairs only lines equal as fingerprints see them): the same fingerprint.
    whole = len(ranges) == 1 and ranges[0][1] - ranges[0][0] == end - first
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
                fingerprint=region.fingerprint if whole else fingerprint(new_lines[start:stop]),
                tool=region.tool_label,
                owned=owned,
                owner_name=claim.owner_name if owned and claim else "",
                owner_email=claim.owner_email if owned and claim else "",
                rationale=claim.rationale if owned and claim else "",
                purpose=claim.purpose if owned and claim else "",
                claim_at=claim.created_at if owned and claim else None,
                claim_fp=claim.fingerprint if owned and claim else None,
                stale=ownership is Ownership.STALE,
                worktree_line=at,
                source=str(region.source.value),
                region_lines=end - first,
            )
        )
    return pieces


def _worktree_line(
    old_lines: list[str],
    first: int,
    end: int,
    basis: str,
    worktree: str | None,
) -> int:
    """The 1-based line of the working tree where the region (``first``..``end`` of the
    basis) starts, for the `ownit claim` command the hooks print: the file may have
    changed outside the editor since the store saw it (the first of the region's lines
    still there, else where the basis has it)."""
    if worktree is None or worktree == basis:
        return first + 1
    from ownit.core.linemap import line_map

    mapping = line_map(old_lines, text_lines(worktree))
    for line in range(first, end):
        target = mapping[line] if line < len(mapping) else None
        if target is not None:
            return target + 1
    return first + 1


class PathRules:
    """A policy's rule for each path, resolved once per path (a commit of 500 files has
    thousands of pieces; matching every rule's globs for each costs more than the rest of
    the hook)."""

    __slots__ = ("_excluded", "_rules", "policy")

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._rules: dict[str, EffectiveRule] = {}
        self._excluded: dict[tuple[str, str | None], bool] = {}

    @classmethod
    def of(cls, policy: Policy | PathRules) -> PathRules:
        return policy if isinstance(policy, PathRules) else cls(policy)

    def effective(self, path: str) -> EffectiveRule:
        rule = self._rules.get(path)
        if rule is None:
            rule = self._rules[path] = self.policy.effective(path)
        return rule

    def is_excluded(self, path: str, gitattributes: str | None) -> bool:
        key = (path, gitattributes)
        found = self._excluded.get(key)
        if found is None:
            found = self._excluded[key] = self.policy.is_excluded(path, gitattributes)
        return found


def asks_signatures(policy: Policy) -> bool:
    """Whether any path's rule asks for signed claims (``warn`` or ``require``)."""
    settings = [policy.defaults, *(rule.settings for rule in policy.rules)]
    return any(s.signatures is not None and s.signatures.value != "off" for s in settings)


def apply_policy(plan: Plan, policy: Policy | PathRules, gitattributes: str | None = None) -> Plan:
    """The plan as the policy sees it: pieces in excluded paths (``exclude``,
    ``linguist-generated`` / ``linguist-vendored``) or from sources the path's rule does
    not count are left out (they get no trailers); rationales are cut at the path's
    ``rationale.max_chars``."""
    rules = PathRules.of(policy)
    pieces: list[Piece] = []
    for piece in plan.pieces:
        if rules.is_excluded(piece.path, gitattributes):
            continue
        rule = rules.effective(piece.path)
        if piece.source and not rule.counts_source(piece.source, piece.region_lines):
            continue
        if piece.owned:
            rationale = tr.rationale_line(piece.rationale, rule.rationale.max_chars)
            if rationale != piece.rationale:
                piece = piece._replace(rationale=rationale)
        pieces.append(piece)
    return plan.with_pieces(pieces)


class Gate:
    """The commit gate's verdict on the AI pieces of a commit: unowned (or stale) ones,
    owned ones from a tool or model the path's rule does not approve (treated like
    unowned code), and any in a path whose rule says ``ai: forbidden`` (always refused)."""

    __slots__ = ("allow", "block", "unapproved", "warn")

    def __init__(self) -> None:
        # (piece, where the rule is, why): why is "" for unowned code under `commit: block`
        self.block: list[tuple[Piece, str, str]] = []
        self.warn: list[Piece] = []
        self.allow: list[Piece] = []
        # owned pieces from unapproved tools under `commit: warn`, with why
        self.unapproved: list[tuple[Piece, str]] = []


def gate(plan: Plan, policy: Policy | PathRules) -> Gate:
    """Each piece under its path's rule: ``ai: forbidden`` refuses any AI piece, owned or
    not (whatever its evidence, as the editor and verify say it); a tool or model outside
    ``tools`` / ``models`` makes even an owned piece count as unowned; unowned pieces go by
    ``commit`` (a path whose rule needs no ownership lets them through silently), and a
    piece known with less evidence than the path's ``min_evidence`` (from its region's
    source) is only warned about: it never blocks a commit for want of an owner."""
    from ownit.core.model import evidence_of_source
    from ownit.core.policy.model import CommitGate

    rules = PathRules.of(policy)
    verdict = Gate()
    for piece in plan.pieces:
        rule = rules.effective(piece.path)
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


def policy_objects(plan: Plan, policy: Policy | PathRules) -> bool:
    """Whether the policy objects to any piece beyond its ownership: one in a path that
    forbids AI, or from a tool or model the path's rule does not approve."""
    rules = PathRules.of(policy)
    for piece in plan.pieces:
        rule = rules.effective(piece.path)
        if rule.forbids_ai or rule.tool_problem(piece.tool) is not None:
            return True
    return False
