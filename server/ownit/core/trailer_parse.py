"""Reading ownit's lines back: one trailer (:func:`parse_trailer`), a whole message's
trailer block and body (:func:`parse_message`), its comment lines, several messages as
one set. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ownit.core.trailer_block import is_blank, message_lines, scissors_at
from ownit.core.trailer_model import (
    ClaimLine,
    Item,
    LinesMarker,
    Owner,
    OwnitTrailers,
    PurposeLine,
    dedupe_claims,
    purpose_text,
    unique_items,
)
from ownit.core.trailer_text import (
    AI_LINES,
    AI_OWNED,
    AI_PURPOSE,
    ASSISTED_BY,
    BODY_LINE,
    CANONICAL_KEY,
    OWNED_BY,
    OWNED_VALUE,
    OWNER_VALUE,
    PURPOSE_VALUE,
    UNOWNED_VALUE,
    decode_path,
    decode_token,
)


def parse_trailer(key: str, value: str) -> Item | None:
    """One of ownit's trailers as a value (a tool for ``Assisted-by``), or None when the
    key is not ownit's or the value does not have ownit's grammar. Every ``AI-Lines``
    value is ownit's (the key is reserved); only ``exact`` means anything."""
    canonical = CANONICAL_KEY.get(key.strip().casefold())
    value = value.strip()
    if canonical is None or not value:
        return None
    if canonical == AI_LINES:
        return LinesMarker(value)
    if canonical == AI_PURPOSE:
        found = PURPOSE_VALUE.fullmatch(value)
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
        match = OWNER_VALUE.fullmatch(value)
        if match is None:
            return None
        return Owner(match["name"].strip(), decode_token(match["email"]))
    pattern = OWNED_VALUE if canonical == AI_OWNED else UNOWNED_VALUE
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


class Collected:
    """ownit's lines gathered from messages, in order (a slotted class, not a dataclass:
    see ``core/record.py``)."""

    __slots__ = ("claims", "exact", "owners", "purposes", "tools")

    def __init__(self, claims: list[ClaimLine] | None = None) -> None:
        self.tools: list[str] = []
        self.owners: list[Owner] = []
        self.claims: list[ClaimLine] = [] if claims is None else claims
        self.exact = False
        self.purposes: dict[tuple[str, str], str] = {}

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
            claim.replace(purpose=self.purposes.get((claim.path, claim.fingerprint), ""))
            if claim.owned and not claim.purpose
            else claim
            for claim in self.claims
        ]

    def result(self) -> OwnitTrailers:
        return OwnitTrailers(
            tuple(unique_items(self.tools)),
            tuple(unique_items(self.owners)),
            tuple(dedupe_claims(self.attached())),
            self.exact,
        )


def body_item(line: str) -> Item | None:
    match = BODY_LINE.fullmatch(line.rstrip())
    if match is None:
        return None
    return parse_trailer(match["key"], match["value"])


def parse_message(message: str, comment_char: str = "#") -> OwnitTrailers:
    """Every ownit claim a whole commit message carries: its trailer block and any line of
    its body written in ownit's form (server-side squash merges put them there, and
    ``git merge --squash`` indents them by four spaces); never the subject line. Comment
    lines and everything after the scissors line are not part of the message."""
    found = Collected()
    subject_seen = False
    for line in message_lines(message, comment_char):
        item = body_item(line) if subject_seen else None
        subject_seen = subject_seen or not is_blank(line)
        if item is not None:
            found.add(item)
    return found.result()


def with_purposes(claims: Sequence[ClaimLine], message: str) -> tuple[ClaimLine, ...]:
    """``claims`` (read from ``message``) with the purpose tags its ``AI-Purpose`` lines
    give their code; unchanged when it has none."""
    if "ai-purpose:" not in message.casefold():
        return tuple(claims)
    found = Collected(claims=list(claims))
    for line in message.split("\n")[1:]:
        item = body_item(line.lstrip())
        if isinstance(item, PurposeLine):
            found.add(item)
    return tuple(found.attached())


def gather(messages: Iterable[str], comment_char: str = "#") -> OwnitTrailers:
    """Claims of several messages (e.g. squashed commits) in one set, duplicates removed."""
    found = Collected()
    for message in messages:
        parsed = parse_message(message, comment_char)
        found.tools += parsed.assisted_by
        found.owners += parsed.owned_by
        found.claims += parsed.claims
        found.exact = found.exact or parsed.exact
    return found.result()


def combine(sets: Iterable[OwnitTrailers]) -> OwnitTrailers:
    """Several sets of ownit lines as one, duplicates removed; exact if any is."""
    found = Collected()
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
        for line in message[: scissors_at(message, comment_char)].split("\n"):
            if line.startswith(comment_char):
                lines.append(line[len(comment_char) :].removeprefix(" "))
    return "\n".join(lines)


def parse_commented(message: str, comment_char: str = "#") -> OwnitTrailers:
    """ownit's lines that the message's comment lines hold (``# AI-Owned: …``), before
    the scissors line: ``rebase -i`` comments out the messages of ``fixup`` commits."""
    found = Collected()
    if comment_char:
        for line in message[: scissors_at(message, comment_char)].split("\n"):
            if line.startswith(comment_char):
                item = body_item(line[len(comment_char) :].removeprefix(" "))
                if item is not None:
                    found.add(item)
    return found.result()
