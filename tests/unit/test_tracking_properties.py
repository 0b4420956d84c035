"""Region tracking is exact under any sequence of edits, checked against a reference model
(tests/tracking_model.py: a flat list of characters tagged with their regions, sharing no
code with ``ownit``). Edits are given as core positions (code points; a column or line past
the end means the end, as ``TextBuffer`` clamps it): how an LSP client's positions in its
encoding become core positions is tests/unit/test_convert_positions.py's.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.tracking_model import (
    PIECES,
    SETTINGS,
    RefDoc,
    check,
    client_position,
    documents_with_regions,
    edited_texts,
    flat,
    ref_lines,
    small_texts,
    start,
    texts,
)
from tests.tracking_model import smallest_edit as reference_smallest_edit

from ownit.core.region_index import RegionIndex, shifted
from ownit.core.text import Pos, TextBuffer
from ownit.core.text_compare import smallest_edit
from ownit.core.tracking import Span, line_range, span_for_lines, transform

# Core positions count code points: the model's utf-32 units.
CODE_POINTS = "utf-32"


def core_position(data: st.DataObject, doc: RefDoc) -> Pos:
    line, character = client_position(data, doc, CODE_POINTS)
    return Pos(line, character)


# --- properties ----------------------------------------------------------------------------

# More examples than one encoding had when the edits came as client positions in three
# encodings: here they all are code-point positions.
MANY = settings(SETTINGS, max_examples=400)


@MANY
@given(initial=documents_with_regions(), data=st.data())
def test_regions_follow_any_edit_sequence(
    initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
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
        p1, p2 = sorted([core_position(data, doc), core_position(data, doc)])
        new_text = data.draw(small_texts, label="new text")

        a = doc.offset(p1.line, p1.col, CODE_POINTS)
        b = doc.offset(p2.line, p2.col, CODE_POINTS)
        doc.replace(a, b, new_text, range(len(regions)))

        assert (flat(buffer, buffer.clamp(p1)), flat(buffer, buffer.clamp(p2))) == (a, b)
        edit = buffer.replace(p1, p2, new_text)
        spans = [None if span is None else transform(span, edit, buffer) for span in spans]

        check(buffer, spans, doc)


@SETTINGS
@given(initial=documents_with_regions(), data=st.data())
def test_whole_document_replacement_removes_every_region(
    initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
) -> None:
    """A change that replaces the whole range of the document leaves no region behind:
    nothing of theirs survives and text inserted at the document's edges is never inside."""
    text, regions = initial
    buffer, spans, doc = start(text, regions)
    new_text = data.draw(texts, label="new text")
    lines = ref_lines(doc.text)
    edit = buffer.replace(Pos(0, 0), Pos(len(lines) - 1, len(lines[-1].content)), new_text)
    assert buffer.text == new_text
    for region, span in enumerate(spans):
        if doc.region_offsets(region):  # a region on the empty last line has no text
            assert transform(span, edit, buffer) is None


@SETTINGS
@given(initial=documents_with_regions(), data=st.data())
def test_full_sync_is_the_smallest_edit(
    initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
) -> None:
    """Full-text sync (``text_compare.smallest_edit``) moves regions as the smallest single
    edit between the old and the new text would."""
    text, regions = initial
    buffer, first_spans, doc = start(text, regions)
    for region in range(len(regions)):
        if not doc.region_offsets(region):
            doc.gone.add(region)  # on the empty last line: nothing to track
    spans: list[Span | None] = [
        None if region in doc.gone else span for region, span in enumerate(first_spans)
    ]
    for _ in range(data.draw(st.integers(1, 4), label="syncs")):
        new = data.draw(edited_texts(doc.text), label="new text")
        a, b, middle = reference_smallest_edit(doc.text, new)
        doc.replace(a, b, middle, range(len(regions)))
        edit = buffer.replace(*smallest_edit(buffer, new))
        assert buffer.text == new
        spans = [None if span is None else transform(span, edit, buffer) for span in spans]
        check(buffer, spans, doc)


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


@settings(MANY, max_examples=250)
@given(initial=documents_with_many_regions(), data=st.data())
def test_region_index_follows_any_edit_sequence(
    initial: tuple[str, list[tuple[int, int]]], data: st.DataObject
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
        p1, p2 = sorted([core_position(data, doc), core_position(data, doc)])
        new_text = data.draw(
            st.one_of(small_texts, st.sampled_from(["\n", "\n\n", "x\n", "\r\n"])), label="new"
        )
        a = doc.offset(p1.line, p1.col, CODE_POINTS)
        b = doc.offset(p2.line, p2.col, CODE_POINTS)
        doc.replace(a, b, new_text, range(len(regions)))
        edit = buffer.replace(p1, p2, new_text)
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
