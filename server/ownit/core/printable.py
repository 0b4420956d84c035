"""Repository data made safe to print on a terminal or in a CI log. Pure.

Paths, e-mails, tools, rationales, subjects and code come from commits anyone can write.
Printed as they are, an ESC starts a terminal control sequence (clear the line, move the
cursor, set the window title) and a newline or carriage return starts what looks like a
line of ownit's own output (``no problems found``). :func:`printable` shows each such
character as an escape instead: control characters (C0, DEL, C1), the Unicode line and
paragraph separators, the bidirectional controls that reorder what a reader sees, and the
surrogates that stand for bytes that are not UTF-8 (``\\xNN``, the byte they were). A
backslash stays as it is: the output is for people, escaping only what could deceive.
"""

from __future__ import annotations

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = frozenset("\u2028\u2029")


def _unsafe(char: str) -> bool:
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or char in _BIDI
        or char in _SEPARATORS
    )


def _escape(char: str, keep_tabs: bool) -> str:
    if keep_tabs and char == "\t":
        return char
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str, *, keep_tabs: bool = False) -> str:
    """``text`` with every character that could move the cursor, change the terminal or
    fake a line shown as an escape (``\\x1b``, ``\\n``, ``\\u202e``, …); ``keep_tabs``
    leaves tabs as they are (code shown as it is indented)."""
    if text.isprintable():
        return text  # the common case, checked in C (every unsafe character fails it)
    return "".join(_escape(c, keep_tabs) if _unsafe(c) else c for c in text)


def printable_json(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with each character
    :func:`printable` would escape written as a JSON ``\\uXXXX`` escape instead: the same
    document for any JSON reader, nothing in it that can drive a terminal. (``json.dumps``
    escapes C0 controls inside strings already, so a raw newline is the layout's own; the
    characters escaped here can only be inside strings.)"""
    if text.isprintable():
        return text
    return "".join(f"\\u{ord(c):04x}" if c != "\n" and _unsafe(c) else c for c in text)


def not_an_option(path: str) -> str:
    """``path`` as a command argument that no parser reads as an option: ``./`` before a
    relative path starting with ``-`` (``ownit claim ./-x.py:3``, never ``-x.py:3``)."""
    return "./" + path if path.startswith("-") else path
