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

This module is the trailers' API (``from ownit.core import trailers as tr``) and merges
ownit's lines into a message (:func:`merge_into_message`); its parts are their own
modules: the words and the one-line encoding (``trailer_text``), the values and their
text (``trailer_model``), reading them back (``trailer_parse``) and git's rules for a
message's comment lines and trailer block (``trailer_block``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ownit.core.claims import DEFAULT_MAX_CHARS
from ownit.core.trailer_block import (
    GIT_SPACE,
    block_entries,
    entry_key_value,
    existing_trailers,
    find_trailer_block,
    ignored_tail_start,
    is_blank,
)
from ownit.core.trailer_model import (
    ClaimLine,
    Item,
    LinesMarker,
    Owner,
    OwnitTrailers,
    PurposeLine,
    build,
    dedupe_claims,
    format_assisted,
    format_claim,
    format_owner,
    format_purpose,
    format_trailers,
    purpose_text,
    unique_items,
)
from ownit.core.trailer_parse import (
    Collected,
    body_item,
    combine,
    gather,
    parse_commented,
    parse_message,
    parse_trailer,
    uncommented,
    with_purposes,
)
from ownit.core.trailer_text import (
    AI_LINES,
    AI_OWNED,
    AI_PURPOSE,
    AI_UNOWNED,
    ASSISTED_BY,
    ELLIPSIS,
    EXACT,
    EXACT_MARKER,
    GIT_GENERATED_PREFIXES,
    GIT_LAST,
    MAX_PURPOSE,
    OWNED_BY,
    OWNIT_KEYS,
    SCISSORS,
    decode_path,
    decode_token,
    encode_path,
    encode_token,
    one_line,
    rationale_line,
)

Reanchor = Callable[[ClaimLine], "ClaimLine | None"]

NOTE_HEADER = "ownit adds these trailers when you commit:"

# The trailers' API, in one place (the modules above hold its parts).
__all__ = [
    "AI_LINES",
    "AI_OWNED",
    "AI_PURPOSE",
    "AI_UNOWNED",
    "ASSISTED_BY",
    "ELLIPSIS",
    "EXACT",
    "EXACT_MARKER",
    "GIT_GENERATED_PREFIXES",
    "MAX_PURPOSE",
    "NOTE_HEADER",
    "OWNED_BY",
    "OWNIT_KEYS",
    "SCISSORS",
    "ClaimLine",
    "Item",
    "LinesMarker",
    "Owner",
    "OwnitTrailers",
    "PurposeLine",
    "Reanchor",
    "build",
    "combine",
    "decode_path",
    "decode_token",
    "dedupe_claims",
    "encode_path",
    "encode_token",
    "existing_trailers",
    "find_trailer_block",
    "format_assisted",
    "format_claim",
    "format_owner",
    "format_purpose",
    "format_trailers",
    "gather",
    "ignored_tail_start",
    "merge_into_message",
    "one_line",
    "parse_commented",
    "parse_message",
    "parse_trailer",
    "purpose_text",
    "rationale_line",
    "uncommented",
    "with_purposes",
]


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

    found = Collected()  # in message order: the body's lines first, then the block's
    head = _take_body_lines(head, found, comment_char)
    kept_block: list[str] = []
    for entry in block_entries(block):
        pair = entry_key_value(entry, comment_char)
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
    tools = unique_items([*found.tools, *trailers.assisted_by, *(c.tool for c in claims)])
    merged = OwnitTrailers(tuple(tools), tuple(owners), tuple(claims), trailers.exact)
    ours = format_trailers(merged, max_rationale)

    # Lines git writes stay last: `git commit --amend -s` adds another sign-off unless its
    # own is last, and `cherry-pick -x` puts its line at the end.
    split = len(kept_block)
    while split > 0 and kept_block[split - 1].startswith(GIT_LAST):
        split -= 1
    lines = kept_block[:split] + ours + kept_block[split:]
    if not lines:
        head = _strip_trailing_blank(head)
        return head + ("\n" if head and tail and not tail.startswith("\n") else "") + tail
    if block.strip(GIT_SPACE):
        new_head = head if head.endswith("\n") or not head else head + "\n"
    elif not head.strip(GIT_SPACE):
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
    body = "\n" if not body.strip(GIT_SPACE) else _strip_trailing_blank(body) + "\n"
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
    stripped = text.rstrip(GIT_SPACE)
    return stripped + "\n" if stripped else ""


def _superseded(old: ClaimLine, new: _Superseding) -> bool:
    codes, places = new
    return (old.path, old.fingerprint) in codes or (old.path, old.first, old.last) in places


_Superseding = tuple[set[tuple[str, str]], set[tuple[str, int, int]]]


def _superseding(new: Sequence[ClaimLine]) -> _Superseding:
    """What new lines replace: old lines about the same code or the same place."""
    return {(n.path, n.fingerprint) for n in new}, {(n.path, n.first, n.last) for n in new}


def _take_body_lines(head: str, found: Collected, comment_char: str) -> str:
    """Move ownit's lines out of the body (squashed messages) into ``found``; a blank line
    left doubled by that goes too. The subject line is never touched."""
    out: list[str] = []
    removed = False
    subject_seen = False
    for line in head.split("\n"):
        is_comment = bool(comment_char) and line.startswith(comment_char)
        item = body_item(line) if subject_seen and not is_comment else None
        if item is not None:
            found.add(item)
            removed = True
            continue
        if not is_comment and not is_blank(line):
            subject_seen = True
            removed = False
        elif removed and is_blank(line) and (not out or is_blank(out[-1])):
            continue
        out.append(line)
    return "\n".join(out)
