"""A reference model of region tracking for the property tests, deliberately naive and
sharing no code with ``ownit``: the document is a flat list of characters, each tagged with
the regions it belongs to. An edit replaces a flat range of characters. Positions are
counted in code units of an LSP position encoding (utf-8, utf-16 or utf-32; utf-32 units are
the code points core positions count) by the model itself.

Model rules (docs/INTERNALS.md, "Region semantics"):

* deleted characters leave the region;
* inserted characters join a region only when the characters on both sides of the
  insertion point belong to it;
* a line's characters include its terminator; the region's lines are the lines holding at
  least one of its characters (lines end at ``\\r\\n``, ``\\r`` or ``\\n`` and nowhere else);
* a region is gone when none of its characters remain, or when an edit deleted at least
  one of its characters and only line-terminator characters remain.

Used by tests/unit/test_tracking_properties.py (core tracking), test_convert_positions.py
(client positions) and tests/integration/test_session_full_sync.py (the session).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ownit.core.text import Pos, TextBuffer
from ownit.core.tracking import Span, line_range, span_for_lines

ENCODINGS = ["utf-8", "utf-16", "utf-32"]

# Pieces documents and inserted text are made of: ASCII, multi-byte characters, characters
# outside the BMP (two UTF-16 units, four UTF-8 bytes), every LSP line break, and
# characters that str.splitlines() treats as line breaks but LSP does not.
PIECES = [
    "a",
    "b",
    "x",
    " ",
    "\t",
    "é",
    "€",
    "😋",
    "𝄞",
    "\u2028",
    "\x85",
    "\x0b",
    "\x0c",
    "\n",
    "\n",
    "\r\n",
    "\r\n",
    "\r",
]

# Mostly line breaks: blank-line regions, CR/LF merging, regions left with only terminators.
BREAKY_PIECES = ["\n", "\r", "\r\n", "a", "😋"]

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=30),
    st.lists(st.sampled_from(BREAKY_PIECES), max_size=12),
).map("".join)
small_texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=6),
    st.lists(st.sampled_from(BREAKY_PIECES), max_size=3),
).map("".join)

SETTINGS = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# --- the reference model -------------------------------------------------------------------


def units(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8"))
    if encoding == "utf-16":
        return len(ch.encode("utf-16-le")) // 2
    return 1


@dataclass
class RefLine:
    start: int  # flat offset of its first character
    content: str  # without terminator
    terminator: str


def ref_lines(text: str) -> list[RefLine]:
    """Split on \\r\\n, \\r and \\n, character by character."""
    lines: list[RefLine] = []
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\n" or ch == "\r":
            width = 2 if ch == "\r" and i + 1 < len(text) and text[i + 1] == "\n" else 1
            lines.append(RefLine(start, text[start:i], text[i : i + width]))
            i += width
            start = i
        else:
            i += 1
    lines.append(RefLine(start, text[start:], ""))
    return lines


@dataclass
class RefDoc:
    chars: list[str]
    members: list[set[int]]  # regions each character belongs to
    gone: set[int] = field(default_factory=set)

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def offset(self, line: int, character: int, encoding: str) -> int:
        """Flat offset of a client position, clamped the LSP way."""
        lines = ref_lines(self.text)
        if line >= len(lines):
            return len(self.chars)
        info = lines[line]
        used = 0
        for index, ch in enumerate(info.content):
            used += units(ch, encoding)
            if used > character:  # the column is before or inside this character
                return info.start + index
        return info.start + len(info.content)

    def mark_lines(self, region: int, first: int, end: int) -> None:
        for info in ref_lines(self.text)[first:end]:
            for offset in range(info.start, info.start + len(info.content + info.terminator)):
                self.members[offset].add(region)

    def region_offsets(self, region: int) -> list[int]:
        return [i for i, regions in enumerate(self.members) if region in regions]

    def replace(self, a: int, b: int, new_text: str, regions: Sequence[int]) -> None:
        a, b = min(a, b), max(a, b)
        joins = {
            r
            for r in regions
            if a > 0 and r in self.members[a - 1] and b < len(self.chars) and r in self.members[b]
        }
        deleted = set().union(*self.members[a:b])
        self.chars[a:b] = list(new_text)
        self.members[a:b] = [set(joins) for _ in new_text]
        for r in regions:
            if r in self.gone:
                continue
            left = self.region_offsets(r)
            if not left or (r in deleted and all(self.chars[i] in "\r\n" for i in left)):
                self.gone.add(r)
                for regions_of_char in self.members:
                    regions_of_char.discard(r)

    def line_span(self, region: int) -> tuple[int, int]:
        """Half-open range of the lines holding the region's characters."""
        holding = [
            index
            for index, info in enumerate(ref_lines(self.text))
            if any(
                region in self.members[offset]
                for offset in range(info.start, info.start + len(info.content + info.terminator))
            )
        ]
        assert holding == list(range(holding[0], holding[-1] + 1)), "region not contiguous"
        return holding[0], holding[-1] + 1


# --- helpers for the system under test -----------------------------------------------------


def flat(buffer: TextBuffer, pos: Pos) -> int:
    return sum(len(line) for line in buffer.lines[: pos.line]) + pos.col


def client_position(data: st.DataObject, doc: RefDoc, encoding: str) -> tuple[int, int]:
    """A position as a client could send it: sometimes past the end of a line or document,
    sometimes (in utf-8/utf-16) in the middle of a character."""
    lines = ref_lines(doc.text)
    line = data.draw(st.integers(0, len(lines)), label="line")
    width = sum(units(ch, encoding) for ch in lines[line].content) if line < len(lines) else 0
    character = data.draw(
        st.one_of(st.integers(0, width + 1), st.just(width), st.just(0)), label="character"
    )
    return line, character


def check(buffer: TextBuffer, spans: Sequence[Span | None], doc: RefDoc) -> None:
    assert buffer.text == doc.text
    assert [line.content + line.terminator for line in ref_lines(doc.text)] == buffer.lines
    for region, span in enumerate(spans):
        if region in doc.gone:
            assert span is None, f"region {region} should be gone, tracked as {span}"
            continue
        assert span is not None, f"region {region} was dropped but still has text"
        offsets = doc.region_offsets(region)
        assert (flat(buffer, span.start), flat(buffer, span.end)) == (
            offsets[0],
            offsets[-1] + 1,
        ), f"region {region}: span {span}"
        assert line_range(span) == doc.line_span(region)


@st.composite
def documents_with_regions(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(texts)
    lines = ref_lines(text)
    count = draw(st.integers(1, 3))
    regions = []
    for _ in range(count):
        first = draw(st.integers(0, len(lines) - 1))
        end = draw(st.integers(first + 1, len(lines)))
        regions.append((first, end))
    return text, regions


def start(text: str, regions: Sequence[tuple[int, int]]) -> tuple[TextBuffer, list[Span], RefDoc]:
    buffer = TextBuffer(text)
    doc = RefDoc(list(text), [set() for _ in text])
    spans = []
    for region, (first, end) in enumerate(regions):
        spans.append(span_for_lines(buffer, first, end))
        doc.mark_lines(region, first, end)
    return buffer, spans, doc


def smallest_edit(old: str, new: str) -> tuple[int, int, str]:
    """Full sync as one edit: the text between the common head and tail, widened so that it
    never starts or ends between the \r and the \n of a line break of the old text."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    if 0 < head < len(old) and old[head - 1] == "\r" and old[head] == "\n":
        head -= 1
    if 0 < len(old) - tail < len(old) and old[-1 - tail] == "\r" and old[-tail] == "\n":
        tail -= 1
    return head, len(old) - tail, new[head : len(new) - tail]


@st.composite
def edited_texts(draw: st.DrawFn, old: str) -> str:
    """Either unrelated text or ``old`` changed in a few places, as an editor would send it
    whole after some typing."""
    if draw(st.booleans()):
        return draw(texts)
    new = old
    for _ in range(draw(st.integers(1, 3))):
        a = draw(st.integers(0, len(new)))
        b = draw(st.integers(a, min(len(new), a + 4)))
        new = new[:a] + draw(small_texts) + new[b:]
    return new
