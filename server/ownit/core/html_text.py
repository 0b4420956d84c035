"""Repository data made safe to show in HTML (and in SVG inside it). Pure.

Paths, e-mails, tools, rationales and subjects come from commits anyone can write. In a
page, ``<``, ``&`` and quotes would start markup; a bidirectional control (U+202E …)
would reorder what a reader sees; control characters, lone surrogates and the Unicode
line separators are not text a browser or an XML parser shows faithfully. :func:`visible`
shows each of those as an escape (``\\x1b``, ``\\u202e``); :func:`esc` does that and then
escapes the markup characters, for text content and quoted attribute values alike.
"""

from __future__ import annotations

import html

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = frozenset("\u2028\u2029")
_ELLIPSIS = "…"


def _unsafe(char: str) -> bool:
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or code in (0xFFFE, 0xFFFF)  # noncharacters XML refuses
        or char in _BIDI
        or char in _SEPARATORS
    )


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every character that could hide, reorder or break what is shown as
    an escape; everything else as it is."""
    if text.isprintable():
        return text  # the common case, checked in C (every unsafe character fails it)
    return "".join(_escape(c) if _unsafe(c) else c for c in text)


def shorten(text: str, width: int) -> str:
    """``text`` (already :func:`visible`) cut in the middle to ``width`` characters, so a
    long path keeps its start and its file name."""
    if len(text) <= width:
        return text
    if width <= 1:
        return _ELLIPSIS[:width]
    head = (width - 1) // 2  # the end gets the odd character: it holds the file name
    tail = width - 1 - head
    return text[:head] + _ELLIPSIS + text[len(text) - tail :]


def esc(text: str, width: int | None = None) -> str:
    """``text`` ready for HTML or SVG text or a quoted attribute value; ``width``: cut in
    the middle to that many characters first (:func:`shorten`)."""
    shown = visible(text)
    if width is not None:
        shown = shorten(shown, width)
    return html.escape(shown, quote=True)
