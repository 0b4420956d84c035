"""The line diff ownit uses everywhere (region re-anchoring, the hooks' line maps, history
hints) and mapping lines through it. Pure, and small on purpose: a hook diffs the staged
file against its base and the store's text without loading the re-anchoring of regions
(:mod:`ownit.core.reanchor`)."""

from __future__ import annotations

from collections.abc import Sequence

Opcode = tuple[str, int, int, int, int]


def line_opcodes(old: Sequence[str], new: Sequence[str]) -> list[Opcode]:
    """Opcodes (as ``SequenceMatcher.get_opcodes`` gives them) from lines ``old`` to ``new``.

    ``SequenceMatcher`` with ``autojunk=False`` is quadratic on files with many repeated
    lines (blank lines, closing braces), so it runs only on small pieces: the common head
    and tail are equal blocks, and in between, lines that occur exactly once in each text
    and keep their order (a longest increasing run of them) are equal anchors splitting the
    rest into pieces, recursively.
    """
    ids: dict[str, int] = {}  # each distinct line is hashed once; compare small integers
    a = [ids.setdefault(line, len(ids)) for line in old]
    b = [ids.setdefault(line, len(ids)) for line in new]
    opcodes: list[Opcode] = []
    pending: list[tuple[int, int, int, int]] = [(0, len(a), 0, len(b))]
    while pending:
        a_lo, a_hi, b_lo, b_hi = pending.pop()
        head = 0
        while a_lo + head < a_hi and b_lo + head < b_hi and a[a_lo + head] == b[b_lo + head]:
            head += 1
        tail = 0
        while (
            a_lo + head < a_hi - tail
            and b_lo + head < b_hi - tail
            and a[a_hi - 1 - tail] == b[b_hi - 1 - tail]
        ):
            tail += 1
        if head:
            _add(opcodes, ("equal", a_lo, a_lo + head, b_lo, b_lo + head))
        mid = (a_lo + head, a_hi - tail, b_lo + head, b_hi - tail)
        anchors = _unique_anchors(a, b, *mid)
        # Pieces are pushed last-first so that opcodes come out in order.
        if tail:
            pending.append((a_hi - tail, a_hi, b_hi - tail, b_hi))  # all equal: head only
        if anchors:
            pieces = []
            i, j = mid[0], mid[2]
            for ai, bj in anchors:
                pieces.append((i, ai, j, bj))
                pieces.append((ai, ai + 1, bj, bj + 1))
                i, j = ai + 1, bj + 1
            pieces.append((i, mid[1], j, mid[3]))
            pending.extend(reversed(pieces))
        else:
            _matcher_opcodes(opcodes, a, b, *mid)
    return opcodes


def _add(opcodes: list[Opcode], opcode: Opcode) -> None:
    """Append, merging with the previous opcode when both are ``equal``."""
    if opcodes and opcodes[-1][0] == opcode[0] == "equal":
        _, i1, _, j1, _ = opcodes[-1]
        opcodes[-1] = ("equal", i1, opcode[2], j1, opcode[4])
    else:
        opcodes.append(opcode)


def _matcher_opcodes(
    opcodes: list[Opcode], a: list[int], b: list[int], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> None:
    if a_lo == a_hi and b_lo == b_hi:
        return
    if a_lo == a_hi:
        _add(opcodes, ("insert", a_lo, a_lo, b_lo, b_hi))
    elif b_lo == b_hi:
        _add(opcodes, ("delete", a_lo, a_hi, b_lo, b_lo))
    else:
        import difflib  # only when a text changed (not on every hook's start)

        matcher = difflib.SequenceMatcher(None, a[a_lo:a_hi], b[b_lo:b_hi], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            _add(opcodes, (tag, a_lo + i1, a_lo + i2, b_lo + j1, b_lo + j2))


def _unique_anchors(
    a: list[int], b: list[int], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` with ``a[i] == b[j]`` occurring once in each range, in an order kept
    by both (the longest such chain); empty when the ranges are small or hold none."""
    if min(a_hi - a_lo, b_hi - b_lo) < _SMALL:
        return []
    in_a: dict[int, int] = {}
    for i in range(a_lo, a_hi):
        in_a[a[i]] = -1 if a[i] in in_a else i
    in_b: dict[int, int] = {}
    for j in range(b_lo, b_hi):
        line = b[j]
        if in_a.get(line, -1) >= 0:
            in_b[line] = -1 if line in in_b else j
    pairs = sorted((in_a[line], j) for line, j in in_b.items() if j >= 0)
    return _longest_increasing(pairs)


_SMALL = 2  # lines that occur once in both texts split even small pieces (patience diff)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of pairs increasing in both members (pairs sorted by the first)."""
    tails: list[int] = []  # tails[k]: index in pairs of the smallest end of a chain of k+1
    previous: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if pairs[tails[mid]][1] < j:
                lo = mid + 1
            else:
                hi = mid
        previous[index] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(index)
        else:
            tails[lo] = index
    chain: list[tuple[int, int]] = []
    index = tails[-1] if tails else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    chain.reverse()
    return chain


def map_line(opcodes: Sequence[Opcode], line: int) -> int:
    """Where old line ``line`` went (for a deleted line: where it was)."""
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "insert" or not i1 <= line < i2:
            continue
        if tag == "equal":
            return j1 + line - i1
        return j1 + (line - i1) * (j2 - j1) // (i2 - i1)
    return opcodes[-1][4] if opcodes else 0


def map_lines(opcodes: Sequence[Opcode], first: int, end: int) -> tuple[int, int] | None:
    """The new lines that old lines ``first .. end - 1`` became, or None if all were deleted."""
    lo: int | None = None
    hi = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "insert":
            if first < i1 < end:  # inserted strictly inside the region
                new_lo, new_hi = j1, j2
            else:
                continue
        else:
            overlap_lo, overlap_hi = max(i1, first), min(i2, end)
            if overlap_lo >= overlap_hi or tag == "delete":
                continue
            if tag == "equal":
                new_lo, new_hi = j1 + overlap_lo - i1, j1 + overlap_hi - i1
            else:  # replace: the region's share of the replacement block
                old_n, new_n = i2 - i1, j2 - j1
                new_lo = j1 + (overlap_lo - i1) * new_n // old_n
                new_hi = j1 - (-(overlap_hi - i1) * new_n // old_n)  # ceiling division
        if lo is None:
            lo = new_lo
        hi = max(hi, new_hi)
    return None if lo is None else (lo, hi)
