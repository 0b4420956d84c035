"""Re-anchoring regions after their file changed while closed (core/reanchor.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownit.core.fingerprint import fingerprint
from ownit.core.line_diff import line_opcodes, map_line, map_lines
from ownit.core.reanchor import (
    Anchor,
    Reanchored,
    _reanchor,
    reanchor,
)
from ownit.core.text import split_lines


def lines_of(text: str) -> list[str]:
    """Lines the way the tests build their texts: '\\n'-separated."""
    return text.split("\n")


def anchor(text: str, first: int, end: int, region_id: str = "r") -> Anchor:
    return Anchor(region_id, first, end, fingerprint(lines_of(text)[first:end]))


def one(basis: str | None, new: str, a: Anchor) -> Reanchored | None:
    found, lost = reanchor(basis, new, [a])
    assert len(found) + len(lost) == 1
    if lost:
        assert lost == [a.region_id]
        return None
    assert found[0].region_id == a.region_id
    return found[0]


def numbered(count: int, prefix: str = "line") -> list[str]:
    return [f"{prefix} {i}" for i in range(count)]


BASIS = "\n".join(
    [
        "import os",  # 0
        "",  # 1
        "def helper():",  # 2  region 2..5
        "    x = compute()",  # 3
        "    return x + 1",  # 4
        "",  # 5
        "def main():",  # 6
        "    helper()",  # 7
        "",  # 8
    ]
)
REGION = anchor(BASIS, 2, 5)


# --- unchanged ---------------------------------------------------------------------------


def test_same_text_is_unchanged() -> None:
    assert one(BASIS, BASIS, REGION) == Reanchored("r", 2, 5, "unchanged")


def test_no_basis_same_place_is_unchanged() -> None:
    assert one(None, BASIS, REGION) == Reanchored("r", 2, 5, "unchanged")


@pytest.mark.parametrize("basis_known", [True, False])
def test_crlf_instead_of_lf_everywhere_is_unchanged(basis_known: bool) -> None:
    crlf = BASIS.replace("\n", "\r\n")
    assert one(BASIS if basis_known else None, crlf, REGION) == Reanchored("r", 2, 5, "unchanged")
    # ... and back: a region recorded on a CRLF file.
    crlf_region = Anchor("r", 2, 5, fingerprint(crlf.split("\n")[2:5]))
    assert crlf_region.fingerprint == REGION.fingerprint
    assert one(crlf if basis_known else None, BASIS, crlf_region) == Reanchored(
        "r", 2, 5, "unchanged"
    )


def test_trailing_whitespace_changes_are_invisible() -> None:
    new = BASIS.replace("compute()", "compute()   \t")
    assert one(BASIS, new, REGION) == Reanchored("r", 2, 5, "unchanged")


def test_lines_edited_elsewhere_leave_the_region_unchanged() -> None:
    new = BASIS.replace("import os", "import sys").replace("    helper()", "    helper(2)")
    assert one(BASIS, new, REGION) == Reanchored("r", 2, 5, "unchanged")


# --- moved (fingerprint) -------------------------------------------------------------------


def test_lines_inserted_above_move_it_down() -> None:
    new = "#!/usr/bin/env python\n# comment\n" + BASIS
    assert one(BASIS, new, REGION) == Reanchored("r", 4, 7, "fingerprint")
    assert one(None, new, REGION) == Reanchored("r", 4, 7, "fingerprint")


def test_lines_deleted_above_move_it_up() -> None:
    new = BASIS.replace("import os\n\n", "")
    assert one(BASIS, new, REGION) == Reanchored("r", 0, 3, "fingerprint")


def test_block_moved_below_other_code() -> None:
    lines = lines_of(BASIS)
    moved = lines[:2] + lines[6:8] + [""] + lines[2:5] + lines[8:]
    new = "\n".join(moved)
    assert one(BASIS, new, REGION) == Reanchored("r", 5, 8, "fingerprint")
    assert one(None, new, REGION) == Reanchored("r", 5, 8, "fingerprint")


def test_edits_right_around_it_do_not_matter() -> None:
    lines = lines_of(BASIS)
    new = "\n".join([*lines[:1], "# added", "@decorator", *lines[2:5], "# after", *lines[5:]])
    assert one(BASIS, new, REGION) == Reanchored("r", 3, 6, "fingerprint")


def test_file_of_unicode_lines() -> None:
    basis = "α\n😋 = '𝄞'\n\u2028 sep\nz"
    a = anchor(basis, 1, 3)
    new = "new\n" + basis
    assert one(basis, new, a) == Reanchored("r", 2, 4, "fingerprint")
    assert one(None, new, a) == Reanchored("r", 2, 4, "fingerprint")


# --- duplicates: nearest wins, ties go to the earliest -------------------------------------


def test_duplicate_block_nearest_to_where_the_diff_puts_it() -> None:
    block = ["def twin():", "    return 42"]
    basis = [*numbered(10, "a"), *block, *numbered(10, "b"), *block, *numbered(10, "c")]
    second = Anchor("r", 22, 24, fingerprint(block))
    first = Anchor("q", 10, 12, fingerprint(block))
    new = ["header", *basis]
    found, lost = reanchor("\n".join(basis), "\n".join(new), [first, second])
    assert lost == []
    assert found == [
        Reanchored("q", 11, 13, "fingerprint"),
        Reanchored("r", 23, 25, "fingerprint"),
    ]


def test_coincidental_match_in_place_loses_to_where_the_diff_puts_it() -> None:
    # A one-line region "}" : after three lines are inserted above, another "}" sits at its
    # old line number, but the diff knows the region moved down by three.
    basis = ["fn a() {", "  one();", "}", "fn b() {", "  two();", "}", "fn c() {", "}"]
    region = Anchor("r", 5, 6, fingerprint(["}"]))
    new = ["fn z() {", "  zero();", "}", *basis]
    assert new[5] == "}"
    assert one("\n".join(basis), "\n".join(new), region) == Reanchored("r", 8, 9, "fingerprint")


def test_without_basis_nearest_to_the_old_place_wins() -> None:
    block = ["dup()"]
    region = Anchor("r", 5, 6, fingerprint(block))  # once line 5 of a text we no longer have
    new = [*numbered(3), *block, *numbered(3, "m"), *block, *numbered(20, "x")]
    # Copies at 3 and 7; the old place is 5: equally near, the earlier wins.
    assert one(None, "\n".join(new), region) == Reanchored("r", 3, 4, "fingerprint")
    new = [*numbered(4), *block, *numbered(3, "m"), *block, *numbered(20, "x")]
    # Copies at 4 and 8: 4 is nearer.
    assert one(None, "\n".join(new), region) == Reanchored("r", 4, 5, "fingerprint")


def test_block_copied_elsewhere_keeps_the_original() -> None:
    lines = lines_of(BASIS)
    new = "\n".join([*lines, *lines[2:5]])
    assert one(BASIS, new, REGION) == Reanchored("r", 2, 5, "unchanged")
    new = "\n".join([*lines[2:5], "", *lines])
    assert one(BASIS, new, REGION) == Reanchored("r", 6, 9, "fingerprint")


# --- changed (diff) ----------------------------------------------------------------------


def test_edit_inside_keeps_the_region_with_new_content() -> None:
    new = BASIS.replace("x = compute()", "x = compute(fast=True)")
    assert one(BASIS, new, REGION) == Reanchored("r", 2, 5, "diff")


def test_edit_inside_and_lines_inserted_above() -> None:
    new = "# one\n# two\n" + BASIS.replace("return x + 1", "return x + 2")
    assert one(BASIS, new, REGION) == Reanchored("r", 4, 7, "diff")


def test_lines_inserted_inside_grow_it() -> None:
    lines = lines_of(BASIS)
    new = "\n".join([*lines[:4], "    y = 2", "    z = 3", *lines[4:]])
    assert one(BASIS, new, REGION) == Reanchored("r", 2, 7, "diff")


def test_lines_inserted_at_its_edges_stay_outside() -> None:
    lines = lines_of(BASIS)
    new = "\n".join([*lines[:2], "# mine", *lines[2:4], "    changed", *lines[5:]])
    # The region's first two lines are intact, its last line was replaced.
    assert one(BASIS, new, REGION) == Reanchored("r", 3, 6, "diff")
    new = "\n".join([*lines[:3], "    changed", *lines[4:5], "# mine", *lines[5:]])
    assert one(BASIS, new, REGION) == Reanchored("r", 2, 5, "diff")


def test_part_deleted_shrinks_it() -> None:
    lines = lines_of(BASIS)
    new = "\n".join([*lines[:3], *lines[4:]])
    assert one(BASIS, new, REGION) == Reanchored("r", 2, 4, "diff")


def test_all_of_its_lines_deleted_is_lost() -> None:
    lines = lines_of(BASIS)
    new = "\n".join([*lines[:2], *lines[5:]])
    assert one(BASIS, new, REGION) is None


def test_only_blank_lines_left_is_lost() -> None:
    lines = lines_of(BASIS)
    new = "\n".join([*lines[:2], "", "   ", *lines[5:]])
    assert one(BASIS, new, REGION) is None


def test_blank_region_with_a_line_inserted_inside_stays() -> None:
    basis = "a\n\n\nb"
    region = anchor(basis, 1, 3)
    new = "a\n\nx\n\nb"
    assert one(basis, new, region) == Reanchored("r", 1, 4, "diff")


def test_changed_without_basis_is_lost() -> None:
    new = BASIS.replace("x = compute()", "x = compute(fast=True)")
    assert one(None, new, REGION) is None


def test_region_rewritten_whole_maps_to_the_rewrite() -> None:
    lines = lines_of(BASIS)
    new = "\n".join([*lines[:2], "def helper():", "    return 1", *lines[5:]])
    # "def helper():" is equal; the other two lines became one.
    assert one(BASIS, new, REGION) == Reanchored("r", 2, 4, "diff")


def test_replace_block_partly_in_the_region_maps_its_share() -> None:
    basis = [*numbered(10), "AI 1", "AI 2", "x 1", "x 2", *numbered(10, "tail")]
    region = Anchor("r", 10, 12, fingerprint(["AI 1", "AI 2"]))
    # The last region line and the two after it were rewritten as six lines.
    new = [*numbered(10), "AI 1", "n1", "n2", "n3", "n4", "n5", "n6", *numbered(10, "tail")]
    # Old lines 11..13 (3 lines) became new 11..17 (6 lines); line 11 is 1/3 of it: 11..13.
    assert one("\n".join(basis), "\n".join(new), region) == Reanchored("r", 10, 13, "diff")


# --- degenerate input --------------------------------------------------------------------


def test_empty_new_file_loses_everything() -> None:
    assert one(BASIS, "", REGION) is None
    assert one(None, "", REGION) is None


def test_empty_basis() -> None:
    # The basis does not hold the anchor's lines, so it cannot say where they went.
    region = Anchor("r", 0, 1, fingerprint(["gone"]))
    assert one("", "something\nnew", region) is None
    assert one("", "something\ngone", region) == Reanchored("r", 1, 2, "fingerprint")


def test_basis_not_holding_the_anchor_is_not_diffed() -> None:
    region = Anchor("r", 1, 2, fingerprint(["b"]))
    assert one("a\nB\nc", "a\nB!\nc", region) is None
    assert one("a\nb\nc", "a\nB!\nc", region) == Reanchored("r", 1, 2, "diff")


def test_everything_empty() -> None:
    region = Anchor("r", 0, 1, fingerprint([""]))
    assert one("", "", region) == Reanchored("r", 0, 1, "unchanged")


@pytest.mark.parametrize(("first", "end"), [(3, 3), (4, 2), (-1, 2)])
def test_malformed_anchor_is_lost(first: int, end: int) -> None:
    region = Anchor("r", first, end, REGION.fingerprint)
    assert one(BASIS, BASIS, region) is None


def test_anchor_past_the_end_of_the_basis() -> None:
    region = Anchor("r", 40, 43, REGION.fingerprint)
    # Its fingerprint is still found.
    assert one(BASIS, BASIS, region) == Reanchored("r", 2, 5, "fingerprint")
    assert one(BASIS, BASIS, Anchor("r", 40, 43, "0" * 12)) is None


def test_basis_disagreeing_with_the_anchor_still_searches() -> None:
    # The fingerprint says lines "b","c"; the basis (stale) has something else there.
    region = Anchor("r", 0, 2, fingerprint(["b", "c"]))
    assert one("zz\nyy\nxx", "a\nb\nc", region) == Reanchored("r", 1, 3, "fingerprint")


def test_not_a_fingerprint() -> None:
    assert one(None, BASIS, Anchor("r", 0, 1, "not hex!")) is None
    assert one(None, "x\ny", Anchor("r", 0, 1, fingerprint(["y"]).upper())) is None


def test_many_anchors_keep_their_order() -> None:
    basis = numbered(30)
    anchors = [Anchor(f"r{i}", i, i + 2, fingerprint(basis[i : i + 2])) for i in range(0, 28, 3)]
    new = ["top", *basis[:12], *basis[14:]]  # lines 12, 13 deleted
    found, lost = reanchor("\n".join(basis), "\n".join(new), anchors)
    assert lost == ["r12"]
    assert [f.region_id for f in found] == [a.region_id for a in anchors if a.region_id != "r12"]
    by_id = {f.region_id: f for f in found}
    assert by_id["r0"] == Reanchored("r0", 1, 3, "fingerprint")
    assert by_id["r9"] == Reanchored("r9", 10, 12, "fingerprint")
    assert by_id["r27"] == Reanchored("r27", 26, 28, "fingerprint")


def test_large_file() -> None:
    # 50,000 lines with many repeated lines (blank lines, braces), two regions, scattered edits.
    basis = []
    for i in range(10_000):
        basis += [f"fn f{i}() {{", f"    work({i % 97});", "    return;", "}", ""]
    text = "\n".join(basis)
    regions = [
        Anchor("moved", 25_000, 25_004, fingerprint(basis[25_000:25_004])),
        Anchor("edited", 40_000, 40_004, fingerprint(basis[40_000:40_004])),
        Anchor("brace", 45_003, 45_004, fingerprint(basis[45_003:45_004])),
    ]
    new = list(basis)
    new[40_001] = "    work(changed);"
    del new[30_000:30_010]
    new[100:100] = ["// inserted"] * 7
    found, lost = reanchor(text, "\r\n".join(new), regions)
    assert lost == []
    assert found == [
        Reanchored("moved", 25_007, 25_011, "fingerprint"),
        Reanchored("edited", 39_997, 40_001, "diff"),
        Reanchored("brace", 45_000, 45_001, "fingerprint"),
    ]
    found, lost = reanchor(None, "\n".join(new), regions)
    assert lost == ["edited"]
    assert [f.region_id for f in found] == ["moved", "brace"]


# --- the line diff -----------------------------------------------------------------------


def test_map_line_and_lines() -> None:
    opcodes = line_opcodes(["a", "b", "c", "d"], ["a", "x", "y", "c", "d", "e"])
    assert opcodes == [
        ("equal", 0, 1, 0, 1),
        ("replace", 1, 2, 1, 3),
        ("equal", 2, 4, 3, 5),
        ("insert", 4, 4, 5, 6),
    ]
    assert [map_line(opcodes, i) for i in range(5)] == [0, 1, 3, 4, 6]
    assert map_lines(opcodes, 1, 2) == (1, 3)
    assert map_lines(opcodes, 0, 4) == (0, 5)
    assert map_lines(line_opcodes(["a", "b"], ["a"]), 1, 2) is None


def apply(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """Rebuild ``new`` from ``old`` by the opcodes, checking that they are a valid diff."""
    out: list[str] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in line_opcodes(old, new):
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert list(old[i1:i2]) == list(new[j1:j2])
            out += old[i1:i2]
        else:
            assert tag in ("replace", "insert", "delete")
            assert (i1 == i2) == (tag == "insert")
            assert (j1 == j2) == (tag == "delete")
            out += new[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(old), len(new))
    return out


line_lists = st.lists(st.sampled_from(["", "}", "a", "b", "c", "d", "x"]), max_size=200)


@settings(max_examples=150, deadline=None)
@given(old=line_lists, data=st.data())
def test_line_opcodes_are_a_valid_diff(old: list[str], data: st.DataObject) -> None:
    new = list(old)
    for _ in range(data.draw(st.integers(0, 6))):
        at = data.draw(st.integers(0, len(new)))
        if data.draw(st.booleans()):
            new[at:at] = data.draw(st.lists(st.sampled_from(["", "}", "u", "v", "a"]), max_size=9))
        else:
            del new[at : at + data.draw(st.integers(1, 9))]
    # Many unique lines too, so that the unique-line anchors split the work.
    unique = [f"{line} {i}" if i % 3 else line for i, line in enumerate(old)]
    assert apply(old, new) == new
    assert apply(unique, new) == new
    assert apply(unique, [*unique[::2], *unique[1::2]]) == [*unique[::2], *unique[1::2]]


# --- properties: unchanged regions are found at their exact new place ----------------------

FILLER = ["", "", "}", "    pass", "else:", "    return x", "x = 1", "   ", "\t# note"]
EOLS = ["\n", "\r\n"]


@st.composite
def edited_around(
    draw: st.DrawFn, region: list[str], copies: int
) -> tuple[str, str, int, int, list[int]]:
    """A basis holding ``region`` (and ``copies`` copies elsewhere), and a new text made of it
    by random insertions and deletions of filler lines that never touch the region or its
    copies (nor the context lines around each). Returns (basis, new, old first, new first,
    new places of the copies)."""
    blocks: list[list[str]] = [draw(st.lists(st.sampled_from(FILLER), max_size=15))]
    for k in range(copies + 1):
        blocks.append([f"# context {k} above", *region, f"# context {k} below"])
        blocks.append(draw(st.lists(st.sampled_from(FILLER), max_size=15)))
    target = draw(st.integers(0, copies))  # which of the identical blocks is the region

    edited: list[list[str]] = []
    for index, block in enumerate(blocks):
        if index % 2:  # protected: region or copy with its context
            edited.append(block)
            continue
        block = list(block)
        for _ in range(draw(st.integers(0, 4))):
            at = draw(st.integers(0, len(block)))
            if draw(st.booleans()):
                block[at:at] = draw(st.lists(st.sampled_from(FILLER), min_size=1, max_size=6))
            else:
                del block[at : at + draw(st.integers(1, 4))]
        edited.append(block)

    def starts(parts: list[list[str]]) -> list[int]:
        places, line = [], 0
        for index, part in enumerate(parts):
            if index % 2:
                places.append(line + 1)
            line += len(part)
        return places

    old_places, new_places = starts(blocks), starts(edited)
    basis_eol, new_eol = draw(st.sampled_from(EOLS)), draw(st.sampled_from(EOLS))
    basis = basis_eol.join(line for part in blocks for line in part)
    new = new_eol.join(line for part in edited for line in part)
    others = [p for k, p in enumerate(new_places) if k != target]
    return basis, new, old_places[target], new_places[target], others


region_lines = st.lists(
    st.sampled_from([*FILLER, "def ai():", "    return 'é😋𝄞'", "value = compute()  "]),
    min_size=1,
    max_size=5,
).filter(lambda lines: any(line.strip() for line in lines))


def test_blank_lines_do_not_outweigh_the_lines_around_a_region() -> None:
    """Three blank lines moved from the top to the bottom, and a second ``}`` appended: the
    region ``}`` kept its context lines, so it is the first ``}``, not the nearer copy."""
    basis = "\n\n\n# context above\n}\n# context below"
    new = "# context above\n}\n# context below\n}\n\n\n"
    found = one(basis, new, Anchor("r", 4, 5, fingerprint(["}"])))
    assert found is not None
    assert (found.first_line, found.end_line, found.how) == (1, 2, "fingerprint")


@settings(max_examples=150, deadline=None)
@given(region=region_lines, data=st.data())
def test_unchanged_region_is_found_at_its_new_place(region: list[str], data: st.DataObject) -> None:
    basis, new, old_first, new_first, _ = data.draw(edited_around(region, copies=0))
    a = Anchor("r", old_first, old_first + len(region), fingerprint(region))
    found = one(basis, new, a)
    assert found is not None
    assert (found.first_line, found.end_line) == (new_first, new_first + len(region))
    assert found.how == ("unchanged" if new_first == old_first else "fingerprint")


@settings(max_examples=150, deadline=None)
@given(region=region_lines, copies=st.integers(1, 3), data=st.data())
def test_unchanged_region_with_identical_copies_is_found_at_its_own_new_place(
    region: list[str], copies: int, data: st.DataObject
) -> None:
    basis, new, old_first, new_first, others = data.draw(edited_around(region, copies))
    a = Anchor("r", old_first, old_first + len(region), fingerprint(region))
    found = one(basis, new, a)
    assert found is not None
    assert found.first_line == new_first, f"copies at {others}"
    assert found.end_line == new_first + len(region)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.sampled_from(["a", "b", "", "  ", "x y", "é😋", "a\t"]), max_size=12),
    terminator=st.sampled_from(["\n", "\r\n"]),
    spans=st.lists(st.tuples(st.integers(-1, 13), st.integers(0, 4), st.booleans()), max_size=6),
)
def test_unchanged_text_shortcut_says_what_the_finder_says(
    lines: list[str], terminator: str, spans: list[tuple[int, int, bool]]
) -> None:
    """A file opened as it was left takes a shortcut for anchors whose fingerprint is at
    their lines; every answer (found, how, lost, order) is the full finder's."""
    text = terminator.join(lines)
    anchors = []
    for index, (first, size, right) in enumerate(spans):
        end = first + size
        fp = fingerprint(lines[max(first, 0) : max(end, 0)]) if right else "0" * 12
        anchors.append(Anchor(f"r{index}", first, end, fp))
    assert reanchor(text, text, anchors) == _reanchor(text, text, anchors)
    assert reanchor(text, text, anchors, split_lines(text)) == _reanchor(text, text, anchors)


def test_group_by_basis_puts_each_text_once_and_unrecorded_regions_apart() -> None:
    from ownit.core.model import Region, RegionState, Source
    from ownit.core.reanchor import group_by_basis

    def state(region_id: str) -> RegionState:
        region = Region(
            id=region_id,
            path="a.py",
            first_line=0,
            end_line=1,
            tool="copilot",
            source=Source.INLINE_COMPLETION,
            created_at=0.0,
            fingerprint="f",
            confidence=0.9,
        )
        return RegionState(region=region, claim=None, dismissal=None, history=())

    states = [state("a"), state("b"), state("c"), state("d")]
    basis_of = {"a": "h1", "b": "h2", "c": "h1", "d": "gone"}
    groups = group_by_basis(states, basis_of, {"h1": "one\n", "h2": "two\n"})
    assert [(g.basis, [s.region.id for s in g.states]) for g in groups] == [
        ("one\n", ["a", "c"]),
        ("two\n", ["b"]),
        (None, ["d"]),  # its text is no longer stored: found by fingerprint alone
    ]
    assert group_by_basis([state("e")], {}, {}) == [(None, [state("e")])]
