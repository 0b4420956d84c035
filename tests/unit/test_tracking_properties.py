"""Region tracking is exact under any sequence of edits, checked against a reference model.

The reference model is deliberately naive and shares no code with ``ownit``: the document
is a flat list of characters, each tagged with the regions it belongs to. An edit replaces
a flat range of characters. The edits are expressed the way an LSP client sends them — a
line and a column in the client's position encoding (utf-8, utf-16 or utf-32 code units) —
and the two sides convert them independently: the system under test through
``ownit.lsp.convert.to_core_position``, the model by counting code units itself.

Model rules (docs/INTERNALS.md, "Region semantics"):

* deleted characters leave the region;
* inserted characters join a region only when the characters on both sides of the
  insertion point belong to it;
* a line's characters include its terminator; the region's lines are the lines holding at
  least one of its characters (lines end at ``\\r\\n``, ``\\r`` or ``\\n`` and nowhere else);
* a region is gone when none of its characters remain, or when an edit deleted at least
  one of its characters and only line-terminator characters remain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownit.core.model import Region, RegionState, Source
from ownit.core.region_index import RegionIndex, shifted
from ownit.core.text import Pos, TextBuffer
from ownit.core.tracking import Span, line_range, span_for_lines, transform
from ownit.lsp.convert import to_core_position
from ownit.session import Document, Session, Tracked

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


# --- properties ----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@SETTINGS
@given(initial=documents_with_regions(), data=st.data())
def test_regions_follow_any_edit_sequence(
    encoding: str, initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
) -> None:
    text, regions = initial
    buffer, first_spans, doc = start(text, regions)
    # A region over lines holding no character at all (the empty last line) has nothing to
    # track; the model calls it gone from the start.
    for region in range(len(regions)):
        if not doc.region_offsets(region):
            doc.gone.add(region)
    spans: list[Span | None] = [
        None if region in doc.gone else span for region, span in enumerate(first_spans)
    ]
    check(buffer, spans, doc)

    for _ in range(data.draw(st.integers(1, 8), label="edits")):
        (l1, c1), (l2, c2) = sorted(
            [client_position(data, doc, encoding), client_position(data, doc, encoding)]
        )
        new_text = data.draw(small_texts, label="new text")

        a, b = doc.offset(l1, c1, encoding), doc.offset(l2, c2, encoding)
        doc.replace(a, b, new_text, range(len(regions)))

        core_start = to_core_position(buffer, l1, c1, encoding)
        core_end = to_core_position(buffer, l2, c2, encoding)
        assert (flat(buffer, core_start), flat(buffer, core_end)) == (a, b)
        edit = buffer.replace(core_start, core_end, new_text)
        spans = [None if span is None else transform(span, edit, buffer) for span in spans]

        check(buffer, spans, doc)


@pytest.mark.parametrize("encoding", ENCODINGS)
@SETTINGS
@given(initial=documents_with_regions(), data=st.data())
def test_whole_document_replacement_removes_every_region(
    encoding: str, initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
) -> None:
    """A change that replaces the whole range of the document leaves no region behind:
    nothing of theirs survives and text inserted at the document's edges is never inside."""
    text, regions = initial
    buffer, spans, doc = start(text, regions)
    new_text = data.draw(texts, label="new text")
    lines = ref_lines(doc.text)
    end_line = len(lines) - 1
    end_character = sum(units(ch, encoding) for ch in lines[-1].content)
    edit = buffer.replace(
        to_core_position(buffer, 0, 0, encoding),
        to_core_position(buffer, end_line, end_character, encoding),
        new_text,
    )
    assert buffer.text == new_text
    for region, span in enumerate(spans):
        if doc.region_offsets(region):  # a region on the empty last line has no text
            assert transform(span, edit, buffer) is None


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


@SETTINGS
@given(initial=documents_with_regions(), data=st.data())
def test_full_sync_is_the_smallest_edit(
    initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
) -> None:
    """Full-text sync (``Session.replace_all``) moves regions as the smallest single edit
    between the old and the new text would."""
    text, regions = initial
    buffer, spans, doc = start(text, regions)
    session = Session()
    document = Document(uri="untitled:full-sync", version=1, buffer=buffer)
    session.documents[document.uri] = document
    for region, span in enumerate(spans):
        if not doc.region_offsets(region):
            doc.gone.add(region)  # on the empty last line: nothing to track
            continue
        first, end = line_range(span)
        state = RegionState(
            Region(str(region), "f", first, end, "copilot", Source.MANUAL, 0.0, "0" * 12)
        )
        document.tracked[str(region)] = Tracked(state, span)

    for version in range(2, 2 + data.draw(st.integers(1, 4), label="syncs")):
        new = data.draw(edited_texts(doc.text), label="new text")
        a, b, middle = smallest_edit(doc.text, new)
        doc.replace(a, b, middle, range(len(regions)))
        session.replace_all(document.uri, version, new)
        assert document.buffer is buffer
        tracked = [document.tracked.get(str(region)) for region in range(len(regions))]
        check(buffer, [None if t is None else t.span for t in tracked], doc)
        for t in tracked:
            if t is not None:
                assert (t.region.first_line, t.region.end_line) == line_range(t.span)


@pytest.mark.parametrize("encoding", ENCODINGS)
@SETTINGS
@given(text=texts, data=st.data())
def test_client_positions_round_trip(encoding: str, text: str, data: st.DataObject) -> None:
    """Converting a client position and the model's flat offset agree, mid-character
    positions included."""
    buffer = TextBuffer(text)
    doc = RefDoc(list(text), [set() for _ in text])
    line, character = client_position(data, doc, encoding)
    assert flat(buffer, to_core_position(buffer, line, character, encoding)) == doc.offset(
        line, character, encoding
    )


# --- a few hand-written cases the properties cover, kept readable --------------------------


def _track(text: str, first: int, end: int, *edits: tuple[Pos, Pos, str]) -> Span | None:
    buffer = TextBuffer(text)
    span: Span | None = span_for_lines(buffer, first, end)
    for a, b, new_text in edits:
        edit = buffer.replace(a, b, new_text)
        span = None if span is None else transform(span, edit, buffer)
    return span


def test_typing_just_before_a_region_stays_outside() -> None:
    span = _track("a\nAI\nb\n", 1, 2, (Pos(1, 0), Pos(1, 0), "mine "))
    assert span is not None
    assert line_range(span) == (1, 2)
    assert span.start == Pos(1, 5)


def test_new_line_typed_at_the_end_of_a_region_stays_outside() -> None:
    span = _track("a\nAI\nb\n", 1, 2, (Pos(2, 0), Pos(2, 0), "mine\n"))
    assert span is not None
    assert line_range(span) == (1, 2)


def test_lines_inserted_inside_a_region_grow_it() -> None:
    span = _track("a\nAI1\nAI2\nb\n", 1, 3, (Pos(2, 0), Pos(2, 0), "x\ny\n"))
    assert span is not None
    assert line_range(span) == (1, 5)


def test_region_whose_text_is_deleted_is_gone() -> None:
    assert _track("a\nAI\nb\n", 1, 2, (Pos(1, 0), Pos(2, 0), "")) is None
    # Deleting the content but leaving the line break: only a terminator remains.
    assert _track("a\nAI\r\nb\n", 1, 2, (Pos(1, 0), Pos(1, 2), "")) is None


def test_line_breaks_typed_inside_a_blank_region_keep_it() -> None:
    # Only line breaks remain, but nothing of the region was deleted: it stays.
    span = _track("a\n\n\nb", 1, 3, (Pos(2, 0), Pos(2, 0), "\n"))
    assert span is not None
    assert line_range(span) == (1, 4)


def test_lone_cr_joined_by_a_typed_lf() -> None:
    # Line 1 ends with a lone \r; typing \n at the start of line 2 makes it \r\n.
    span = _track("a\rAI\rb\n", 1, 2, (Pos(2, 0), Pos(2, 0), "\n"))
    assert span is not None
    assert line_range(span) == (1, 2)
    assert span.end == Pos(1, 3)  # between the \r and the \n that is not the region's


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_edit_after_astral_characters(encoding: str) -> None:
    buffer = TextBuffer("😋𝄞x\nAI\n")
    span: Span | None = span_for_lines(buffer, 1, 2)
    width = {"utf-8": 8, "utf-16": 4, "utf-32": 2}[encoding]
    pos = to_core_position(buffer, 0, width, encoding)
    assert pos == Pos(0, 2)
    edit = buffer.replace(pos, pos, "\n\n")
    assert buffer.text == "😋𝄞\n\nx\nAI\n"
    assert span is not None
    span = transform(span, edit, buffer)
    assert span is not None
    assert line_range(span) == (3, 4)


# --- the region index: bisection and lazy line moves ----------------------------------------


@dataclass
class Item:
    """A region as the index holds it (what ``session.Tracked`` is to it)."""

    key: str
    span: Span
    placed: int = 0

    def place(self, span: Span) -> None:
        self.span = span
        self.placed += 1

    def shift(self, delta: int) -> None:
        self.place(shifted(self.span, delta))


@st.composite
def documents_with_many_regions(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(
        st.lists(st.sampled_from([*PIECES, "\n", "\n", "\r\n"]), min_size=0, max_size=40).map(
            "".join
        )
    )
    lines = ref_lines(text)
    regions = []
    for _ in range(draw(st.integers(1, 8))):
        first = draw(st.integers(0, len(lines) - 1))
        end = draw(st.integers(first + 1, min(len(lines), first + draw(st.integers(1, 4)))))
        regions.append((first, end))
    return text, regions


@pytest.mark.parametrize("encoding", ENCODINGS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=documents_with_many_regions(), data=st.data())
def test_region_index_follows_any_edit_sequence(
    encoding: str, initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
) -> None:
    """The index moves only the regions an edit can affect (found by bisection) and the
    later ones lazily, yet every read gives what the reference model says; reads, look-ups
    and removals come between the edits at random, so pending moves are read in every state."""
    text, regions = initial
    buffer, first_spans, doc = start(text, regions)
    index: RegionIndex[Item] = RegionIndex()
    items = {}
    for region, span in enumerate(first_spans):
        if not doc.region_offsets(region):
            doc.gone.add(region)
            continue
        items[region] = Item(f"r{region}", span)
        index[f"r{region}"] = items[region]

    def spans() -> list[Span | None]:
        index.values()  # reading through the index applies the pending moves
        return [
            None if region not in items or f"r{region}" not in index else items[region].span
            for region in range(len(regions))
        ]

    for _ in range(data.draw(st.integers(1, 10), label="edits")):
        (l1, c1), (l2, c2) = sorted(
            [client_position(data, doc, encoding), client_position(data, doc, encoding)]
        )
        new_text = data.draw(
            st.one_of(small_texts, st.sampled_from(["\n", "\n\n", "x\n", "\r\n"])), label="new"
        )
        a, b = doc.offset(l1, c1, encoding), doc.offset(l2, c2, encoding)
        doc.replace(a, b, new_text, range(len(regions)))
        edit = buffer.replace(
            to_core_position(buffer, l1, c1, encoding),
            to_core_position(buffer, l2, c2, encoding),
            new_text,
        )
        moved = index.apply(edit, buffer)
        for gone in moved.removed:
            assert gone.key not in index
        what = data.draw(st.sampled_from(["nothing", "read", "get", "overlap", "remove"]))
        if what == "read":
            check(buffer, spans(), doc)
        elif what == "get" and items:
            region = data.draw(st.sampled_from(sorted(items)))
            item = index.get(f"r{region}")
            if item is not None:
                assert line_range(item.span) == doc.line_span(region)
        elif what == "overlap":
            line = data.draw(st.integers(0, buffer.line_count() - 1))
            found = {item.key for item in index.overlapping(line, line)}
            expected = {
                f"r{region}"
                for region in items
                if f"r{region}" in index and region not in doc.gone
                if doc.line_span(region)[0] <= line < doc.line_span(region)[1]
            }
            assert found == expected
        elif what == "remove" and len(index):
            key = data.draw(st.sampled_from(index.keys()))
            del index[key]
            region = int(key[1:])
            del items[region]
            doc.gone.add(region)
        starts = [item.span.start for item in index.values()]
        assert starts == sorted(starts)
    check(buffer, spans(), doc)


def test_region_index_moves_later_regions_lazily() -> None:
    """A new line at the top moves every region without touching one until it is read."""
    buffer = TextBuffer("".join(f"line {n}\n" for n in range(100)))
    index: RegionIndex[Item] = RegionIndex()
    for n in range(1, 100, 2):
        index[f"r{n}"] = Item(f"r{n}", span_for_lines(buffer, n, n + 1))
    for _ in range(5):
        moved = index.apply(buffer.replace(Pos(0, 0), Pos(0, 0), "\n"), buffer)
        assert moved.changed == [] and moved.shifted == 50
    assert all(item.placed == 0 for item in index._items)
    item = index["r51"]
    assert line_range(item.span) == (56, 57)
    assert all(item.placed == 1 for item in index._items)
