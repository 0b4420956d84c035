"""Repository data made safe to show in HTML (and in SVG inside it). Pure.

Paths, e-mails, tools, rationales and subjects come from commits anyone can write. In a
page, ``<``, ``&`` and quotes would start markup. Control characters, bidirectional
controls (U+202E …), line separators and lone surrogates are shown as escapes first, as
everywhere else ownit prints repository data (:func:`ownit.core.printable.printable`),
and so are U+FFFE and U+FFFF, which an XML parser (the SVG) refuses.
:func:`esc` does both, for text content and quoted attribute values alike.
"""

from __future__ import annotations

import html

from ownit.core.printable import printable

_ELLIPSIS = "…"
_NONCHARACTERS = {0xFFFE: "\\ufffe", 0xFFFF: "\\uffff"}


def visible(text: str) -> str:
    """``text`` with every character that could hide, reorder or break what is shown as
    an escape (``\\x1b``, ``\\u202e``); everything else as it is."""
    return printable(text).translate(_NONCHARACTERS)


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
