"""ownit's trailer lines as values (:class:`ClaimLine`, :class:`Owner`,
:class:`OwnitTrailers`) and their text: what ``format_trailers`` writes. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from ownit.core.claims import DEFAULT_MAX_CHARS
from ownit.core.record import Record, set_field
from ownit.core.trailer_text import (
    AI_OWNED,
    AI_PURPOSE,
    AI_UNOWNED,
    ASSISTED_BY,
    EXACT,
    EXACT_MARKER,
    FINGERPRINT_VALUE,
    MAX_PURPOSE,
    OWNED_BY,
    encode_path,
    encode_token,
    one_line,
    rationale_line,
)

_T = TypeVar("_T")


# --------------------------------------------------------------------------- values


class ClaimLine(Record):
    """An ``AI-Owned`` line (``owner_email`` set) or an ``AI-Unowned`` line (it is None).

    ``first`` and ``last`` are 1-based and inclusive, in the file as committed.
    """

    __slots__ = (
        "fingerprint",
        "first",
        "last",
        "owner_email",
        "path",
        "purpose",
        "rationale",
        "tool",
    )
    _fields = (
        "path",
        "first",
        "last",
        "fingerprint",
        "tool",
        "owner_email",
        "rationale",
        "purpose",
    )  # (repr in this order)
    _compare = ("path", "first", "last", "fingerprint", "tool", "owner_email", "rationale")
    path: str
    first: int
    last: int
    fingerprint: str
    tool: str
    owner_email: str | None
    rationale: str
    # The claim's purpose tag (an ``AI-Purpose`` line beside an ``AI-Owned`` one); not part
    # of what makes two claim lines the same.
    purpose: str

    def __init__(
        self,
        path: str,
        first: int,
        last: int,
        fingerprint: str,
        tool: str,
        owner_email: str | None = None,
        rationale: str = "",
        purpose: str = "",
    ) -> None:
        set_field(self, "path", path)
        set_field(self, "first", first)
        set_field(self, "last", last)
        set_field(self, "fingerprint", fingerprint)
        set_field(self, "tool", tool)
        set_field(self, "owner_email", owner_email)
        set_field(self, "rationale", rationale)
        set_field(self, "purpose", purpose)

    @property
    def owned(self) -> bool:
        return self.owner_email is not None

    @property
    def key(self) -> str:
        return AI_OWNED if self.owned else AI_UNOWNED

    @property
    def location(self) -> str:
        return f"{self.path}:{self.first}-{self.last}"

    def same_code(self, other: ClaimLine) -> bool:
        """Both lines speak of the same code: same path and fingerprint."""
        return self.path == other.path and self.fingerprint == other.fingerprint


# The other values are slotted records (``core/record.py``: no ``@dataclass`` code to
# generate at each hook's start); ClaimLine too, copied with changes by
# ``Record.replace``.


class Owner(Record):
    __slots__ = ("email", "name")
    _fields = ("name", "email")  # (repr in this order)
    name: str
    email: str

    def __init__(self, name: str, email: str) -> None:
        set_field(self, "name", name)
        set_field(self, "email", email)

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class PurposeLine(Record):
    """An ``AI-Purpose`` line: the purpose tag of the ``AI-Owned`` claim on the same code
    (path and fingerprint)."""

    __slots__ = ("fingerprint", "first", "last", "path", "purpose")
    _fields = ("path", "first", "last", "fingerprint", "purpose")  # (repr in this order)
    path: str
    first: int
    last: int
    fingerprint: str
    purpose: str

    def __init__(self, path: str, first: int, last: int, fingerprint: str, purpose: str) -> None:
        set_field(self, "path", path)
        set_field(self, "first", first)
        set_field(self, "last", last)
        set_field(self, "fingerprint", fingerprint)
        set_field(self, "purpose", purpose)


class LinesMarker(Record):
    """An ``AI-Lines:`` line; ownit writes only ``AI-Lines: exact``."""

    __slots__ = ("value",)
    value: str

    def __init__(self, value: str) -> None:
        set_field(self, "value", value)

    @property
    def exact(self) -> bool:
        return self.value == EXACT


class OwnitTrailers(Record):
    """ownit's part of a trailer block, in the order it is written.

    ``exact``: the claim lines say exactly which lines an AI wrote (ownit's hook worked
    them out); written as ``AI-Lines: exact`` when there is a claim line. Parsed from a
    message, it says that an ``AI-Lines: exact`` line is there.
    """

    __slots__ = ("assisted_by", "claims", "exact", "owned_by")
    _fields = ("assisted_by", "owned_by", "claims", "exact")  # (repr in this order)
    assisted_by: tuple[str, ...]
    owned_by: tuple[Owner, ...]
    claims: tuple[ClaimLine, ...]
    exact: bool

    def __init__(
        self,
        assisted_by: tuple[str, ...] = (),
        owned_by: tuple[Owner, ...] = (),
        claims: tuple[ClaimLine, ...] = (),
        exact: bool = False,
    ) -> None:
        set_field(self, "assisted_by", assisted_by)
        set_field(self, "owned_by", owned_by)
        set_field(self, "claims", claims)
        set_field(self, "exact", exact)

    def __bool__(self) -> bool:
        return bool(self.assisted_by or self.owned_by or self.claims)

    @property
    def owned(self) -> tuple[ClaimLine, ...]:
        return tuple(c for c in self.claims if c.owned)

    @property
    def unowned(self) -> tuple[ClaimLine, ...]:
        return tuple(c for c in self.claims if not c.owned)


def build(
    claims: Iterable[ClaimLine],
    owners: Iterable[Owner] = (),
    extra_tools: Iterable[str] = (),
    *,
    exact: bool = False,
) -> OwnitTrailers:
    """Trailers for these claim lines: one ``Assisted-by`` per tool they name (and per
    ``extra_tools``), one ``Owned-by`` per owner (``owners`` gives names by e-mail; an
    owner without a known name is shown by e-mail), claim lines de-duplicated; ``exact``
    as in :class:`OwnitTrailers`."""
    claims = dedupe_claims(claims)
    tools = unique_items([*(c.tool for c in claims), *extra_tools])
    names = {owner.email: owner for owner in owners}
    owned_by = unique_items(
        names.get(c.owner_email) or Owner(c.owner_email, c.owner_email)
        for c in claims
        if c.owner_email is not None
    )
    return OwnitTrailers(tuple(tools), tuple(owned_by), tuple(claims), exact)


def dedupe_claims(claims: Iterable[ClaimLine]) -> list[ClaimLine]:
    """First occurrence of each line kept; an ``AI-Unowned`` line goes when an ``AI-Owned``
    line claims the same code (same path and fingerprint); order is kept."""
    unique = unique_items(claims)
    owned = {(c.path, c.fingerprint) for c in unique if c.owned}
    return [c for c in unique if c.owned or (c.path, c.fingerprint) not in owned]


def unique_items(items: Iterable[_T]) -> list[_T]:
    """First occurrence of each item, in order (one hash per item: a commit of 500 files
    has thousands of claim lines, de-duplicated several times on the way)."""
    return list(dict.fromkeys(items))


# --------------------------------------------------------------------------- format


def format_claim(claim: ClaimLine, max_rationale: int = DEFAULT_MAX_CHARS) -> str:
    """One ``AI-Owned:`` / ``AI-Unowned:`` trailer line (without its newline)."""
    if not FINGERPRINT_VALUE.fullmatch(claim.fingerprint):
        raise ValueError(f"not a fingerprint: {claim.fingerprint!r}")
    if not 1 <= claim.first <= claim.last:
        raise ValueError(f"bad line range {claim.first}-{claim.last}")
    if not claim.path:
        raise ValueError("empty path")
    tool = encode_token(claim.tool) or "unknown"
    head = f"{encode_path(claim.path)}:{claim.first}-{claim.last} {claim.fingerprint} {tool}"
    if claim.owner_email is None:
        return f"{AI_UNOWNED}: {head}"
    email = encode_token(claim.owner_email) or "unknown"
    rationale = rationale_line(claim.rationale, max_rationale)
    tail = f" -- {rationale}" if rationale else " --"
    return f"{AI_OWNED}: {head} {email}{tail}"


def purpose_text(text: str) -> str:
    """A purpose tag as one line, at most :data:`MAX_PURPOSE` characters."""
    return rationale_line(text, MAX_PURPOSE)


def format_purpose(claim: ClaimLine) -> str | None:
    """The ``AI-Purpose:`` line of an owned claim with a purpose, else None."""
    purpose = purpose_text(claim.purpose)
    if not claim.owned or not purpose:
        return None
    head = f"{encode_path(claim.path)}:{claim.first}-{claim.last} {claim.fingerprint}"
    return f"{AI_PURPOSE}: {head} {purpose}"


def format_owner(owner: Owner) -> str:
    email = encode_token(owner.email)
    name = one_line(owner.name) or email or "unknown"
    return f"{OWNED_BY}: {name} <{email}>"


def format_assisted(tool: str) -> str:
    return f"{ASSISTED_BY}: {encode_token(tool) or 'unknown'}"


def format_trailers(trailers: OwnitTrailers, max_rationale: int = DEFAULT_MAX_CHARS) -> list[str]:
    """ownit's trailer lines in their canonical order, without newlines, no duplicates;
    the ``AI-Lines: exact`` marker last, when the set is exact and has a claim line."""
    lines = [format_assisted(tool) for tool in trailers.assisted_by]
    lines += [format_owner(owner) for owner in trailers.owned_by]
    claims: list[str] = []
    for claim in dedupe_claims(trailers.claims):
        claims.append(format_claim(claim, max_rationale))
        purpose = format_purpose(claim)
        if purpose is not None:
            claims.append(purpose)
    lines += claims
    if trailers.exact and claims:
        lines.append(EXACT_MARKER)
    return unique_items(lines)


# --------------------------------------------------------------------------- parse


Item = str | Owner | ClaimLine | LinesMarker | PurposeLine
