"""core.later_claims: which lines of an AI-assisted commit a later claim owns."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ownit.core.fingerprint import fingerprint
from ownit.core.later_claims import LaterClaim, covered_lines, take_owned_later
from ownit.core.trailers import ClaimLine

AI = ["def f(x):", "    if x < 0:", "        return 0", "    return x * 2"]


def later(lines: list[str], first: int, last: int, order: int = 1) -> LaterClaim:
    fp = fingerprint(lines[first - 1 : last])
    return LaterClaim(order, "f.py", first, last, fp, lines)


def test_the_same_code_moved_down_is_owned() -> None:
    now = ["# header", "import os", *AI]
    assert covered_lines(AI, [1, 2, 3, 4], [later(now, 3, 6)]) == {1, 2, 3, 4}


def test_a_claim_of_part_owns_only_that_part() -> None:
    assert covered_lines(AI, [1, 2, 3, 4], [later(AI, 1, 2)]) == {1, 2}


def test_lines_unchanged_inside_a_claimed_block_that_changed_elsewhere() -> None:
    """Line 4 was edited before the claim: the claim's code is not the AI commit's any
    more, but lines 1-3 are carried into it unchanged by the diff."""
    now = [*AI[:3], "    return x * 3", "extra = 1"]
    assert covered_lines(AI, [1, 2, 3, 4], [later(now, 1, 5)]) == {1, 2, 3}


def test_a_claim_of_other_code_owns_nothing() -> None:
    now = ["something = 1", "else_entirely = 2", *AI]
    assert covered_lines(AI, [1, 2, 3, 4], [later(now, 1, 2)]) == set()


@given(st.lists(st.sampled_from(["a", "b", "c", ""]), min_size=1, max_size=12), st.data())
def test_never_more_than_was_asked(ai: list[str], data: st.DataObject) -> None:
    wanted = data.draw(st.sets(st.integers(1, len(ai))))
    first = data.draw(st.integers(1, len(ai)))
    last = data.draw(st.integers(first, len(ai)))
    assert covered_lines(ai, wanted, [later(ai, first, last)]) <= wanted


def test_report_takes_only_later_claims() -> None:
    now = ["# header", *AI]
    fp = fingerprint(AI)
    claim = ClaimLine("f.py", 2, 5, fp, "copilot", "dev@example.com", "Checked by hand, fine")
    files = {("ai", "f.py"): AI, ("own", "f.py"): now}
    unclaimed = {"ai": {"f.py": [1, 2, 3, 4]}}
    # The claim comes after the AI commit: nothing left unclaimed.
    out = take_owned_later(
        ["ai", "own"], {"own": (claim,)}, unclaimed, lambda s, p: files.get((s, p))
    )
    assert out == {"ai": {}}
    # A claim before it owns nothing of it.
    out = take_owned_later(
        ["own", "ai"], {"own": (claim,)}, unclaimed, lambda s, p: files.get((s, p))
    )
    assert out == {"ai": {"f.py": [1, 2, 3, 4]}}


def test_tip_lines_follow_context_and_say_what_is_gone() -> None:
    from ownit.core.later_claims import TipLines

    old = ["a", "}", "b", "}", "gone()"]
    tip = TipLines(["new", "a", "}", "x", "b", "}"])
    assert tip.find(old, 1) == 2
    assert tip.find(old, 2) == 3  # the "}" after a, not the one after b
    assert tip.find(old, 4) == 6
    assert tip.find(old, 5) is None and not tip.has("gone()")
    assert tip.find(old, 9) is None


def test_names_after_follows_a_file_through_its_renames() -> None:
    from ownit.core.later_claims import names_after, rename_steps

    order = ["a", "b", "c", "d"]
    renames = {"b": [("x.py", "y.py"), ("p.py", "q.py")], "d": [("y.py", "z.py")]}
    steps = rename_steps(order, renames)
    assert steps == [(1, renames["b"]), (3, renames["d"])]
    assert names_after("x.py", 0, steps) == [("x.py", 0), ("y.py", 1), ("z.py", 3)]
    # Renames at or before the commit do not apply to its names.
    assert names_after("y.py", 1, steps) == [("y.py", 1), ("z.py", 3)]
    assert names_after("other.py", 0, steps) == [("other.py", 0)]
