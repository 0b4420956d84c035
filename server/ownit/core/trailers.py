"""Commit trailers (docs/trailers.md): format, parse and merge ownit's claim lines. Pure.

What ownit writes, one trailer per line, after every other trailer of the message::

    Assisted-by: claude-code:claude-sonnet-5
    Owned-by: Dev Name <dev@example.com>
    AI-Owned: src/auth/token.py:41-58 3f9a1c2b7d4e copilot dev@example.com -- Uses hmac…
    AI-Unowned: src/util/retry.py:10-22 9b8c7d6e5f4a claude-code
    AI-Lines: exact

``AI-Lines: exact`` is the marker of a trailer set ownit's hook worked out itself: its
``AI-Owned`` / ``AI-Unowned`` lines say exactly which lines of the commit an AI wrote, and
its ``Assisted-by`` lines are not a commit-level attribution (``core/attribution.py``).
It is written once, after ownit's claim lines, only when there is at least one and the
caller says the set is exact (:attr:`OwnitTrailers.exact`); an ``AI-Lines:`` line already
in the message, whatever its value, is ownit's and goes like its other old lines, so a
typed one never survives a hook that did not work the set out.

Safety rule: nothing a person or a tool typed can add, end or forge a trailer. Every field
is made one line before it is written: paths, tool names and e-mail addresses are
*tokens* (no whitespace, no control or non-ASCII character: those are percent-encoded as
the UTF-8 bytes they are, and decoded again on reading); names and rationales are
normalized text (control and format characters removed, every kind of whitespace and line
separator collapsed into one space). So every value is one line without leading or
trailing blanks, and ``git interpret-trailers --parse`` returns exactly what was meant.

The trailer block is found the way git finds it in a commit message (``trailer.c`` with
``--no-divider``, which is what ``git commit`` uses): the last paragraph before the
trailing comment lines and the scissors line, if it is all trailers, or if at least a
quarter of it is trailers and one of them is one that git itself writes
(``Signed-off-by:``, ``(cherry picked from commit``). The subject paragraph never is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from ownit.core.claims import DEFAULT_MAX_CHARS, normalize_rationale

_T = TypeVar("_T")

ASSISTED_BY = "Assisted-by"
OWNED_BY = "Owned-by"
AI_OWNED = "AI-Owned"
AI_UNOWNED = "AI-Unowned"
AI_LINES = "AI-Lines"
AI_PURPOSE = "AI-Purpose"
EXACT = "exact"
EXACT_MARKER = f"{AI_LINES}: {EXACT}"
OWNIT_KEYS = (ASSISTED_BY, OWNED_BY, AI_OWNED, AI_UNOWNED, AI_LINES, AI_PURPOSE)
MAX_PURPOSE = 60
_CANONICAL_KEY = {key.casefold(): key for key in OWNIT_KEYS}

SCISSORS = "------------------------ >8 ------------------------"
GIT_GENERATED_PREFIXES = ("Signed-off-by: ", "(cherry picked from commit ")
_GIT_LAST = ("Signed-off-by:", "(cherry picked from commit ")
ELLIPSIS = "…"

_FINGERPRINT = re.compile(r"[0-9a-f]{12}")
_OWNED_VALUE = re.compile(
    r"(?P<path>\S+):(?P<first>[0-9]+)-(?P<last>[0-9]+) (?P<fp>[0-9a-f]{12})"
    r" (?P<tool>\S+) (?P<email>\S+) --(?: (?P<rationale>.*))?"
)
_UNOWNED_VALUE = re.compile(
    r"(?P<path>\S+):(?P<first>[0-9]+)-(?P<last>[0-9]+) (?P<fp>[0-9a-f]{12}) (?P<tool>\S+)"
)
_PURPOSE_VALUE = re.compile(
    r"(?P<path>\S+):(?P<first>[0-9]+)-(?P<last>[0-9]+) (?P<fp>[0-9a-f]{12}) (?P<purpose>\S.*)"
)
_OWNER_VALUE = re.compile(r"(?P<name>.*?) ?<(?P<email>[^<>\s]*)>")
# A line of a message body that is one of ownit's lines, written exactly as ownit writes it,
# or indented by four spaces (`git merge --squash` indents each squashed commit's message).
_BODY_LINE = re.compile(r"(?:    )?(?P<key>[A-Za-z-]+): (?P<value>\S.*)")
_PERCENT_ESCAPE = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


# --------------------------------------------------------------------------- encoding


def _encode(text: str, also: str) -> str:
    out: list[str] = []
    for char in text:
        code = ord(char)
        if 0x21 <= code <= 0x7E and char != "%" and char not in also:
            out.append(char)
        else:
            data = char.encode("utf-8", "surrogateescape")
            out.append("".join(f"%{byte:02X}" for byte in data))
    return "".join(out)


def _decode(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        data = bytes(int(match.group(0)[i + 1 : i + 3], 16) for i in range(0, len(match[0]), 3))
        return data.decode("utf-8", "surrogateescape")

    return _PERCENT_ESCAPE.sub(replace, text)


def encode_path(path: str) -> str:
    """A repo-relative path as a trailer token: space, ``%``, control characters and
    non-ASCII characters become ``%XX`` of their UTF-8 bytes (undecodable bytes that
    ``os.fsdecode`` turned into surrogates go back to the byte they were)."""
    return _encode(path, "")


def decode_path(token: str) -> str:
    """The inverse of :func:`encode_path`; a ``%`` not followed by two hex digits stays."""
    return _decode(token)


def encode_token(text: str) -> str:
    """A tool name or e-mail address as a token: like a path, with ``<`` and ``>`` encoded
    too so a token can never close the ``<email>`` of an ``Owned-by`` trailer."""
    return _encode(text, "<>")


decode_token = _decode


def one_line(text: str) -> str:
    """Free text (a name) as one line: normalized, angle brackets removed."""
    return normalize_rationale(text.replace("<", " ").replace(">", " "))


def rationale_line(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The rationale as one line, cut at ``max_chars`` (ending in ``…`` when cut)."""
    line = normalize_rationale(text)
    if max_chars < 1:
        return ""
    if len(line) > max_chars:
        line = line[: max_chars - 1].rstrip() + ELLIPSIS
    return line


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """An ``AI-Owned`` line (``owner_email`` set) or an ``AI-Unowned`` line (it is None).

    ``first`` and ``last`` are 1-based and inclusive, in the file as committed.
    """

    path: str
    first: int
    last: int
    fingerprint: str
    tool: str
    owner_email: str | None = None
    rationale: str = ""
    # The claim's purpose tag (an ``AI-Purpose`` line beside an ``AI-Owned`` one); not part
    # of what makes two claim lines the same.
    purpose: str = field(default="", compare=False)

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


@dataclass(frozen=True, slots=True)
class Owner:
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True, slots=True)
class PurposeLine:
    """An ``AI-Purpose`` line: the purpose tag of the ``AI-Owned`` claim on the same code
    (path and fingerprint)."""

    path: str
    first: int
    last: int
    fingerprint: str
    purpose: str


@dataclass(frozen=True, slots=True)
class LinesMarker:
    """An ``AI-Lines:`` line; ownit writes only ``AI-Lines: exact``."""

    value: str

    @property
    def exact(self) -> bool:
        return self.value == EXACT


@dataclass(frozen=True, slots=True)
class OwnitTrailers:
    """ownit's part of a trailer block, in the order it is written.

    ``exact``: the claim lines say exactly which lines an AI wrote (ownit's hook worked
    them out); written as ``AI-Lines: exact`` when there is a claim line. Parsed from a
    message, it says that an ``AI-Lines: exact`` line is there.
    """

    assisted_by: tuple[str, ...] = ()
    owned_by: tuple[Owner, ...] = ()
    claims: tuple[ClaimLine, ...] = ()
    exact: bool = False

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
    tools = _unique([*(c.tool for c in claims), *extra_tools])
    names = {owner.email: owner for owner in owners}
    owned_by = _unique(
        names.get(c.owner_email) or Owner(c.owner_email, c.owner_email)
        for c in claims
        if c.owner_email is not None
    )
    return OwnitTrailers(tuple(tools), tuple(owned_by), tuple(claims), exact)


def dedupe_claims(claims: Iterable[ClaimLine]) -> list[ClaimLine]:
    """First occurrence of each line kept; an ``AI-Unowned`` line goes when an ``AI-Owned``
    line claims the same code (same path and fingerprint); order is kept."""
    unique = _unique(claims)
    owned = {(c.path, c.fingerprint) for c in unique if c.owned}
    return [c for c in unique if c.owned or (c.path, c.fingerprint) not in owned]


def _unique(items: Iterable[_T]) -> list[_T]:
    seen: set[_T] = set()
    out: list[_T] = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


# --------------------------------------------------------------------------- format


def format_claim(claim: ClaimLine, max_rationale: int = DEFAULT_MAX_CHARS) -> str:
    """One ``AI-Owned:`` / ``AI-Unowned:`` trailer line (without its newline)."""
    if not _FINGERPRINT.fullmatch(claim.fingerprint):
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
    return _unique(lines)


# --------------------------------------------------------------------------- parse


Item = str | Owner | ClaimLine | LinesMarker | PurposeLine


def parse_trailer(key: str, value: str) -> Item | None:
    """One of ownit's trailers as a value (a tool for ``Assisted-by``), or None when the
    key is not ownit's or the value does not have ownit's grammar. Every ``AI-Lines``
    value is ownit's (the key is reserved); only ``exact`` means anything."""
    canonical = _CANONICAL_KEY.get(key.strip().casefold())
    value = value.strip()
    if canonical is None or not value:
        return None
    if canonical == AI_LINES:
        return LinesMarker(value)
    if canonical == AI_PURPOSE:
        found = _PURPOSE_VALUE.fullmatch(value)
        if found is None or not 1 <= int(found["first"]) <= int(found["last"]):
            return None
        return PurposeLine(
            decode_path(found["path"]),
            int(found["first"]),
            int(found["last"]),
            found["fp"],
            purpose_text(found["purpose"]),
        )
    if canonical == ASSISTED_BY:
        # A person's free-form "Assisted-by: GitHub Copilot" is not ownit's: left as is.
        return decode_token(value) if not any(c.isspace() for c in value) else None
    if canonical == OWNED_BY:
        match = _OWNER_VALUE.fullmatch(value)
        if match is None:
            return None
        return Owner(match["name"].strip(), decode_token(match["email"]))
    pattern = _OWNED_VALUE if canonical == AI_OWNED else _UNOWNED_VALUE
    match = pattern.fullmatch(value)
    if match is None:
        return None
    first, last = int(match["first"]), int(match["last"])
    if not 1 <= first <= last:
        return None
    owned = canonical == AI_OWNED
    return ClaimLine(
        path=decode_path(match["path"]),
        first=first,
        last=last,
        fingerprint=match["fp"],
        tool=decode_token(match["tool"]),
        owner_email=decode_token(match["email"]) if owned else None,
        rationale=(match["rationale"] or "") if owned else "",
    )


@dataclass(slots=True)
class _Collected:
    tools: list[str] = field(default_factory=list)
    owners: list[Owner] = field(default_factory=list)
    claims: list[ClaimLine] = field(default_factory=list)
    exact: bool = False
    purposes: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        if isinstance(item, ClaimLine):
            self.claims.append(item)
        elif isinstance(item, PurposeLine):
            self.purposes[(item.path, item.fingerprint)] = item.purpose
        elif isinstance(item, Owner):
            self.owners.append(item)
        elif isinstance(item, LinesMarker):
            self.exact = self.exact or item.exact
        else:
            self.tools.append(item)

    def attached(self) -> list[ClaimLine]:
        """The claims, each owned one with the purpose an ``AI-Purpose`` line gives its
        code (path and fingerprint)."""
        if not self.purposes:
            return self.claims
        return [
            replace(claim, purpose=self.purposes.get((claim.path, claim.fingerprint), ""))
            if claim.owned and not claim.purpose
            else claim
            for claim in self.claims
        ]

    def result(self) -> OwnitTrailers:
        return OwnitTrailers(
            tuple(_unique(self.tools)),
            tuple(_unique(self.owners)),
            tuple(dedupe_claims(self.attached())),
            self.exact,
        )


def _body_item(line: str) -> Item | None:
    match = _BODY_LINE.fullmatch(line.rstrip())
    if match is None:
        return None
    return parse_trailer(match["key"], match["value"])


def parse_message(message: str, comment_char: str = "#") -> OwnitTrailers:
    """Every ownit claim a whole commit message carries: its trailer block and any line of
    its body written in ownit's form (server-side squash merges put them there, and
    ``git merge --squash`` indents them by four spaces); never the subject line. Comment
    lines and everything after the scissors line are not part of the message."""
    found = _Collected()
    subject_seen = False
    for line in _message_lines(message, comment_char):
        item = _body_item(line) if subject_seen else None
        subject_seen = subject_seen or not _is_blank(line)
        if item is not None:
            found.add(item)
    return found.result()


def with_purposes(claims: Sequence[ClaimLine], message: str) -> tuple[ClaimLine, ...]:
    """``claims`` (read from ``message``) with the purpose tags its ``AI-Purpose`` lines
    give their code; unchanged when it has none."""
    if "ai-purpose:" not in message.casefold():
        return tuple(claims)
    found = _Collected(claims=list(claims))
    for line in message.split("\n")[1:]:
        item = _body_item(line.lstrip())
        if isinstance(item, PurposeLine):
            found.add(item)
    return tuple(found.attached())


def gather(messages: Iterable[str], comment_char: str = "#") -> OwnitTrailers:
    """Claims of several messages (e.g. squashed commits) in one set, duplicates removed."""
    found = _Collected()
    for message in messages:
        parsed = parse_message(message, comment_char)
        found.tools += parsed.assisted_by
        found.owners += parsed.owned_by
        found.claims += parsed.claims
        found.exact = found.exact or parsed.exact
    return found.result()


def combine(sets: Iterable[OwnitTrailers]) -> OwnitTrailers:
    """Several sets of ownit lines as one, duplicates removed; exact if any is."""
    found = _Collected()
    for one in sets:
        found.tools += one.assisted_by
        found.owners += one.owned_by
        found.claims += one.claims
        found.exact = found.exact or one.exact
    return found.result()


def uncommented(message: str, comment_char: str = "#") -> str:
    """The message's comment lines (before the scissors line), uncommented: a subject
    line first, so that what follows reads as a message body."""
    lines = ["(commented out)"]
    if comment_char:
        for line in message[: _scissors_at(message, comment_char)].split("\n"):
            if line.startswith(comment_char):
                lines.append(line[len(comment_char) :].removeprefix(" "))
    return "\n".join(lines)


def parse_commented(message: str, comment_char: str = "#") -> OwnitTrailers:
    """ownit's lines that the message's comment lines hold (``# AI-Owned: …``), before
    the scissors line: ``rebase -i`` comments out the messages of ``fixup`` commits."""
    found = _Collected()
    if comment_char:
        for line in message[: _scissors_at(message, comment_char)].split("\n"):
            if line.startswith(comment_char):
                item = _body_item(line[len(comment_char) :].removeprefix(" "))
                if item is not None:
                    found.add(item)
    return found.result()


def _message_lines(message: str, comment_char: str) -> list[str]:
    text = message[: _scissors_at(message, comment_char)]
    return [
        line for line in text.split("\n") if not (comment_char and line.startswith(comment_char))
    ]


# --------------------------------------------------------------------------- trailer block


def _scissors_at(message: str, comment_char: str) -> int:
    """Where the scissors line starts (everything from it on is dropped), or len."""
    if not comment_char:
        return len(message)
    line = f"{comment_char} {SCISSORS}\n"
    if message.startswith(line):
        return 0
    at = message.find("\n" + line)
    return len(message) if at < 0 else at + 1


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl + 1
        out.append((pos, text[pos:end]))
        pos = end
    return out


_GIT_SPACE = " \t\n\r"  # git's isspace(): not \f, \v or any non-ASCII space


def _is_blank(line: str) -> bool:
    return not line.strip(_GIT_SPACE)


def ignored_tail_start(message: str, comment_char: str = "#") -> int:
    """Start of what git ignores at the end of a message: the trailing run of comment and
    blank lines (and old-style ``Conflicts:`` blocks) before the scissors line, the
    scissors line and all after it."""
    cutoff = _scissors_at(message, comment_char)
    boc: int | None = None
    in_conflicts = False
    for start, line in _lines_with_offsets(message[:cutoff]):
        if (comment_char and line.startswith(comment_char)) or line.startswith("\n"):
            if boc is None:
                boc = start
        elif line.startswith("Conflicts:\n"):
            in_conflicts = True
            if boc is None:
                boc = start
        elif in_conflicts and line.startswith("\t"):
            pass
        elif boc is not None:
            boc = None
            in_conflicts = False
    return cutoff if boc is None else boc


def _separator_at(line: str) -> int:
    """Index of the ``:`` separating a trailer's key from its value, or -1 (git's rules)."""
    whitespace_found = False
    for i, char in enumerate(line):
        if char == ":":
            return i
        if not whitespace_found and ((char.isascii() and char.isalnum()) or char == "-"):
            continue
        if i > 0 and char in " \t":
            whitespace_found = True
            continue
        break
    return -1


def find_trailer_block(message: str, comment_char: str = "#") -> tuple[int, int]:
    """``(start, end)`` of the message's trailer block; ``start == end`` (the end of the
    message proper) when it has none."""
    end = ignored_tail_start(message, comment_char)
    body = message[:end]
    lines = _lines_with_offsets(body)
    # The first paragraph is the title and cannot hold trailers.
    end_of_title = len(body)
    for start, line in lines:
        if comment_char and line.startswith(comment_char):
            continue
        if _is_blank(line):
            end_of_title = start
            break
    only_spaces = True
    recognized = False
    trailer_lines = non_trailer_lines = continuation_lines = 0
    for start, line in reversed(lines):
        if start < end_of_title:
            break
        if comment_char and line.startswith(comment_char):
            non_trailer_lines += continuation_lines
            continuation_lines = 0
            continue
        if _is_blank(line):
            if only_spaces:
                continue
            non_trailer_lines += continuation_lines
            after = start + len(line)
            if recognized and trailer_lines * 3 >= non_trailer_lines:
                return after, end
            if trailer_lines and not non_trailer_lines:
                return after, end
            return end, end
        only_spaces = False
        if line.startswith(GIT_GENERATED_PREFIXES):
            trailer_lines += 1
            continuation_lines = 0
            recognized = True
            continue
        if _separator_at(line) >= 1 and line[0] not in _GIT_SPACE:
            trailer_lines += 1
            continuation_lines = 0
        elif line[0] in _GIT_SPACE:
            continuation_lines += 1
        else:
            non_trailer_lines += 1 + continuation_lines
            continuation_lines = 0
    return end, end


def _block_entries(block: str) -> list[str]:
    """The block's lines, each trailer with its continuation lines as one entry."""
    entries: list[str] = []
    for line in block.split("\n"):
        if _is_blank(line):
            continue
        if entries and line[0] in _GIT_SPACE:
            entries[-1] += "\n" + line
        else:
            entries.append(line)
    return entries


def _entry_key_value(entry: str, comment_char: str) -> tuple[str, str] | None:
    if comment_char and entry.startswith(comment_char):
        return None
    sep = _separator_at(entry)
    if sep < 1:
        return None
    value = " ".join(part.strip(_GIT_SPACE) for part in entry[sep + 1 :].split("\n"))
    return entry[:sep].strip(_GIT_SPACE), value.strip(_GIT_SPACE)


def existing_trailers(message: str, comment_char: str = "#") -> list[tuple[str, str]]:
    """``(key, value)`` of every trailer in the message's trailer block, unfolded."""
    start, end = find_trailer_block(message, comment_char)
    pairs = (_entry_key_value(e, comment_char) for e in _block_entries(message[start:end]))
    return [pair for pair in pairs if pair is not None]


Reanchor = Callable[[ClaimLine], "ClaimLine | None"]

NOTE_HEADER = "ownit adds these trailers when you commit:"


def merge_into_message(
    message: str,
    trailers: OwnitTrailers,
    *,
    comment_char: str = "#",
    max_rationale: int = DEFAULT_MAX_CHARS,
    reanchor: Reanchor | None = None,
    as_comment: bool = False,
    gathered: OwnitTrailers | None = None,
) -> str:
    """The message with ownit's trailers in its trailer block.

    Other trailers (``Co-authored-by``, …) and other lines of the block stay where they
    are; ownit's lines go after them but before the block's final ``Signed-off-by`` lines
    (so that ``git commit --amend -s`` still sees its sign-off last and adds no other).
    ownit's lines already in the message — in its trailer block or,
    after a squash, in its body — are gathered into the block together with ``trailers``:
    an old claim line about the same code (path and fingerprint) or the same place (path
    and lines) as a new one is replaced by it; every other old claim line goes through
    ``reanchor`` (which returns it moved to where its code is now, or None to drop it)
    when one is given. ``Owned-by`` lines stay only for owners that still own a line.
    Old ``AI-Lines:`` lines go; the one marker is written when ``trailers.exact`` says so
    (the caller decides whether an old marker still holds) and a claim line is left.
    Running it again with the same arguments gives the same message. Comment lines and the
    scissors line stay after the block.

    With ``as_comment`` (an empty message about to be edited) nothing is added to the
    message: the lines are shown as comment lines after it, so that leaving the message
    empty still aborts the commit (the ``commit-msg`` hook adds them for real).

    ``gathered`` are old lines from elsewhere (the messages of ``fixup`` commits, which
    ``rebase -i`` drops), treated like the message's own old lines.
    """
    tail_at = ignored_tail_start(message, comment_char)
    if as_comment and comment_char:
        return _with_note(message, tail_at, trailers, comment_char, max_rationale)
    start, end = find_trailer_block(message, comment_char)
    head, block, tail = message[:start], message[start:end], message[tail_at:]

    found = _Collected()  # in message order: the body's lines first, then the block's
    head = _take_body_lines(head, found, comment_char)
    kept_block: list[str] = []
    for entry in _block_entries(block):
        pair = _entry_key_value(entry, comment_char)
        item = parse_trailer(*pair) if pair is not None else None
        if item is None:
            kept_block.append(entry)
        else:
            found.add(item)
    if gathered is not None:
        found.tools += gathered.assisted_by
        found.owners += gathered.owned_by
        found.claims += gathered.claims
    found.claims = found.attached()

    new_claims = dedupe_claims(trailers.claims)
    superseding = _superseding(new_claims)
    old_claims: list[ClaimLine] = []
    for claim in found.claims:
        if _superseded(claim, superseding):
            continue
        moved = reanchor(claim) if reanchor is not None else claim
        if moved is not None and not _superseded(moved, superseding):
            old_claims.append(moved)
    claims = dedupe_claims([*old_claims, *new_claims])
    emails = {c.owner_email for c in claims if c.owner_email is not None}
    owners = _unique_by_email(
        [
            *(o for o in found.owners if o.email in emails),
            *(o for o in trailers.owned_by),
            *(Owner(e, e) for c in claims if (e := c.owner_email) is not None),
        ]
    )
    tools = _unique([*found.tools, *trailers.assisted_by, *(c.tool for c in claims)])
    merged = OwnitTrailers(tuple(tools), tuple(owners), tuple(claims), trailers.exact)
    ours = format_trailers(merged, max_rationale)

    # Lines git writes stay last: `git commit --amend -s` adds another sign-off unless its
    # own is last, and `cherry-pick -x` puts its line at the end.
    split = len(kept_block)
    while split > 0 and kept_block[split - 1].startswith(_GIT_LAST):
        split -= 1
    lines = kept_block[:split] + ours + kept_block[split:]
    if not lines:
        head = _strip_trailing_blank(head)
        return head + ("\n" if head and tail and not tail.startswith("\n") else "") + tail
    if block.strip(_GIT_SPACE):
        new_head = head if head.endswith("\n") or not head else head + "\n"
    elif not head.strip(_GIT_SPACE):
        new_head = "\n"  # an empty message: line 1 stays free for the subject
    else:
        new_head = _strip_trailing_blank(head) + "\n"
    sep = "" if not tail or tail.startswith("\n") else "\n"
    return new_head + "\n".join(lines) + "\n" + sep + tail


def _with_note(
    message: str, tail_at: int, trailers: OwnitTrailers, comment_char: str, max_rationale: int
) -> str:
    body, tail = message[:tail_at], _drop_note(message[tail_at:], comment_char)
    ours = format_trailers(trailers, max_rationale)
    if not ours:
        return body + tail
    note = [f"{comment_char} {NOTE_HEADER}", *(f"{comment_char}   {line}" for line in ours)]
    body = "\n" if not body.strip(_GIT_SPACE) else _strip_trailing_blank(body) + "\n"
    sep = "" if not tail or tail.startswith("\n") else "\n"
    return body + "\n".join(note) + "\n" + sep + tail


def _drop_note(tail: str, comment_char: str) -> str:
    """``tail`` without a note an earlier run left (and the blank line before it)."""
    header = f"{comment_char} {NOTE_HEADER}\n"
    at = tail.find(header)
    if at < 0:
        return tail
    end = at + len(header)
    while tail.startswith(f"{comment_char}   ", end):
        nl = tail.find("\n", end)
        end = len(tail) if nl < 0 else nl + 1
    before = tail[:at]
    if before.endswith("\n\n") or before == "\n":
        before = before[:-1]
    return before + tail[end:]


def _unique_by_email(owners: Iterable[Owner]) -> list[Owner]:
    seen: set[str] = set()
    out: list[Owner] = []
    for owner in owners:
        if owner.email not in seen:
            seen.add(owner.email)
            out.append(owner)
    return out


def _strip_trailing_blank(text: str) -> str:
    stripped = text.rstrip(_GIT_SPACE)
    return stripped + "\n" if stripped else ""


def _superseded(old: ClaimLine, new: _Superseding) -> bool:
    codes, places = new
    return (old.path, old.fingerprint) in codes or (old.path, old.first, old.last) in places


_Superseding = tuple[set[tuple[str, str]], set[tuple[str, int, int]]]


def _superseding(new: Sequence[ClaimLine]) -> _Superseding:
    """What new lines replace: old lines about the same code or the same place."""
    return {(n.path, n.fingerprint) for n in new}, {(n.path, n.first, n.last) for n in new}


def _take_body_lines(head: str, found: _Collected, comment_char: str) -> str:
    """Move ownit's lines out of the body (squashed messages) into ``found``; a blank line
    left doubled by that goes too. The subject line is never touched."""
    out: list[str] = []
    removed = False
    subject_seen = False
    for line in head.split("\n"):
        is_comment = bool(comment_char) and line.startswith(comment_char)
        item = _body_item(line) if subject_seen and not is_comment else None
        if item is not None:
            found.add(item)
            removed = True
            continue
        if not is_comment and not _is_blank(line):
            subject_seen = True
            removed = False
        elif removed and _is_blank(line) and (not out or _is_blank(out[-1])):
            continue
        out.append(line)
    return "\n".join(out)
