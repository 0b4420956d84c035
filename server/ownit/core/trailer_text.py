"""The words of ownit's trailers (keys, markers, value grammars) and how a value is made one
safe line: paths, tools and e-mails as percent-encoded tokens, names and rationales as
normalized text (docs/trailers.md). Pure."""

from __future__ import annotations

import re

from ownit.core.claims import DEFAULT_MAX_CHARS, normalize_rationale

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
CANONICAL_KEY = {key.casefold(): key for key in OWNIT_KEYS}

SCISSORS = "------------------------ >8 ------------------------"
GIT_GENERATED_PREFIXES = ("Signed-off-by: ", "(cherry picked from commit ")
GIT_LAST = ("Signed-off-by:", "(cherry picked from commit ")
ELLIPSIS = "…"

FINGERPRINT_VALUE = re.compile(r"[0-9a-f]{12}")
OWNED_VALUE = re.compile(
    r"(?P<path>\S+):(?P<first>[0-9]+)-(?P<last>[0-9]+) (?P<fp>[0-9a-f]{12})"
    r" (?P<tool>\S+) (?P<email>\S+) --(?: (?P<rationale>.*))?"
)
UNOWNED_VALUE = re.compile(
    r"(?P<path>\S+):(?P<first>[0-9]+)-(?P<last>[0-9]+) (?P<fp>[0-9a-f]{12}) (?P<tool>\S+)"
)
PURPOSE_VALUE = re.compile(
    r"(?P<path>\S+):(?P<first>[0-9]+)-(?P<last>[0-9]+) (?P<fp>[0-9a-f]{12}) (?P<purpose>\S.*)"
)
OWNER_VALUE = re.compile(r"(?P<name>.*?) ?<(?P<email>[^<>\s]*)>")
# A line of a message body that is one of ownit's lines, written exactly as ownit writes it,
# or indented by four spaces (`git merge --squash` indents each squashed commit's message).
BODY_LINE = re.compile(r"(?:    )?(?P<key>[A-Za-z-]+): (?P<value>\S.*)")
_PERCENT_ESCAPE = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


# --------------------------------------------------------------------------- encoding


def _encode(text: str, also: str) -> str:
    plain = text.isascii() and text.isprintable() and " " not in text and "%" not in text
    if plain and not any(char in text for char in also):
        return text  # every character is in 0x21..0x7E and none is escaped: its own token
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
    if "%" not in text:
        return text  # nothing escaped (most paths, tools and e-mails)

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
