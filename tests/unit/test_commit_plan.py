"""The pure plan of a commit (core/commit_plan.py): a region mapped onto the staged lines,
the plan's JSON and exactness, and the policy's view of it. Plain data in, no git, no
store."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ownit.core import trailers as tr
from ownit.core.commit_plan import (
    CommittedClaims,
    LineMaps,
    PathRules,
    Piece,
    Plan,
    added_lines,
    apply_policy,
    asks_signatures,
    region_pieces,
)
from ownit.core.fingerprint import fingerprint
from ownit.core.model import Claim, Region, RegionState, Source
from ownit.core.policy import default_policy, load_policy

BASIS = ["def a():", "    return 1", "", "def b():", "    return 2", "", "def c():"]


def state(first: int, end: int, *, claimed: bool = False, fp: str | None = None) -> RegionState:
    region_fp = fingerprint(BASIS[first:end])
    region = Region(
        id="r1",
        path="m.py",
        first_line=first,
        end_line=end,
        tool="copilot",
        source=Source.INLINE_COMPLETION,
        created_at=1.0,
        fingerprint=region_fp,
    )
    claim = None
    if claimed:
        claim = Claim("r1", "Dev", "dev@example.com", "Checked by hand", fp or region_fp, 2.0)
    return RegionState(region, claim)


def pieces(
    s: RegionState,
    staged: list[str],
    added: set[int],
    *,
    committed: CommittedClaims | None = None,
    worktree: list[str] | None = None,
) -> list[Piece]:
    maps: LineMaps = {}
    text = "\n".join(BASIS) + "\n"
    now = "\n".join(worktree if worktree is not None else BASIS) + "\n"
    return region_pieces(s, text, "m.py", staged, added, now, committed or set(), maps)


def test_a_region_staged_as_it_is_is_one_piece_on_the_added_lines() -> None:
    found = pieces(state(3, 5), BASIS, added={3, 4})
    assert [(p.first, p.end, p.owned, p.tool) for p in found] == [(3, 5, False, "copilot")]
    assert found[0].fingerprint == fingerprint(BASIS[3:5])
    assert found[0].worktree_line == 4 and found[0].region_lines == 2
    assert found[0].source == "inline-completion"


def test_a_region_on_no_added_line_without_a_pending_claim_is_left_out() -> None:
    assert pieces(state(3, 5), BASIS, added={0}) == []


def test_a_claim_not_yet_committed_travels_with_the_next_commit() -> None:
    found = pieces(state(3, 5, claimed=True), BASIS, added=set())
    assert [(p.first, p.end, p.owned, p.owner_email) for p in found] == [
        (3, 5, True, "dev@example.com")
    ]
    assert found[0].claim_at == 2.0 and found[0].claim_fp == fingerprint(BASIS[3:5])
    done = {("r1", fingerprint(BASIS[3:5]), 2.0)}
    assert pieces(state(3, 5, claimed=True), BASIS, added=set(), committed=done) == []


def test_a_region_partly_staged_comes_out_as_the_staged_lines_only() -> None:
    # Line 4 ("    return 2") is changed in the index: only line 3 of the region is staged.
    staged = [*BASIS[:4], "    return 20", *BASIS[5:]]
    found = pieces(state(3, 5), staged, added={3, 4})
    assert [(p.first, p.end) for p in found] == [(3, 4)]


def test_lines_inserted_above_move_the_piece() -> None:
    staged = ["import os", "", *BASIS]
    found = pieces(state(3, 5), staged, added={0, 1, 5})
    assert [(p.first, p.end) for p in found] == [(5, 7)]


def test_a_claim_whose_code_changed_outside_the_editor_is_stale() -> None:
    worktree = [*BASIS[:3], "def b2():", "    return 3", *BASIS[5:]]
    found = pieces(state(3, 5, claimed=True), BASIS, added={3, 4}, worktree=worktree)
    assert [(p.owned, p.stale) for p in found] == [(False, True)]


def test_no_basis_and_no_working_tree_gives_nothing() -> None:
    s = state(3, 5)
    assert region_pieces(s, None, "m.py", BASIS, {3}, None, set(), {}) == []


def test_the_plan_round_trips_through_its_json_and_says_when_it_is_exact() -> None:
    piece = pieces(state(3, 5, claimed=True), BASIS, added={3})[0]
    plan = Plan(base="a" * 40, amend=True, pieces=[piece], notes=["n"], inherit_exact=False)
    again = Plan.from_json(plan.to_json())
    assert again == plan
    assert plan.exact and plan.trailers().exact
    assert [c.location for c in plan.trailers().claims] == ["m.py:4-5"]
    plan.problems.append("could not read x.py")
    assert not plan.exact  # a file left out: the trailers are not the whole truth
    assert Plan(base=None, amend=False).exact is False
    assert Plan(base=None, amend=False, inherit_exact=True).exact is True


def test_apply_policy_drops_excluded_paths_and_cuts_rationales() -> None:
    policy = load_policy(
        """\
version: 1
exclude: ["gen/**"]
defaults:
  rationale:
    max_chars: 20
"""
    )
    long = "Checked by hand against the spec, twice"
    owned = Piece("r1", "src/m.py", 0, 2, "0a1b2c3d4e5f", "copilot", True, rationale=long)
    generated = Piece("r2", "gen/out.py", 0, 2, "0a1b2c3d4e5f", "copilot", False)
    plan = apply_policy(Plan(base=None, amend=False, pieces=[owned, generated]), policy)
    assert [p.path for p in plan.pieces] == ["src/m.py"]
    assert plan.pieces[0].rationale == tr.rationale_line(long, 20)
    assert len(plan.pieces[0].rationale) <= 20


def test_apply_policy_leaves_out_sources_the_rule_does_not_count() -> None:
    policy = load_policy("version: 1\ndefaults:\n  sources:\n    count: [agent-hook]\n")
    hook = Piece("r1", "m.py", 0, 2, "fp", "claude-code", False, source="agent-hook")
    typed = Piece("r2", "m.py", 4, 6, "fp", "copilot", False, source="inline-completion")
    plan = apply_policy(Plan(base=None, amend=False, pieces=[hook, typed]), policy)
    assert [p.region_id for p in plan.pieces] == ["r1"]


def test_path_rules_resolve_each_path_once_and_agree_with_the_policy() -> None:
    policy = load_policy(
        'version: 1\nrules:\n  - name: pay\n    paths: ["pay/**"]\n    commit: block\n'
    )
    rules = PathRules(policy)
    first = rules.effective("pay/x.py")
    assert rules.effective("pay/x.py") is first  # resolved once
    assert first == policy.effective("pay/x.py")
    assert rules.effective("docs/a.md").rule_name == "defaults"
    assert PathRules.of(rules) is rules
    assert rules.is_excluded("pay/x.py", None) is policy.is_excluded("pay/x.py", None)


def test_asks_signatures_follows_every_rule() -> None:
    assert not asks_signatures(default_policy())
    asking = load_policy(
        'version: 1\nrules:\n  - name: pay\n    paths: ["pay/**"]\n    signatures: require\n'
    )
    assert asks_signatures(asking)


def test_an_unchanged_file_maps_without_a_diff_as_the_diff_would() -> None:
    from ownit.core.commit_plan import _same_lines
    from ownit.core.linemap import line_map

    for old, new in (
        (["a", "b", ""], ["a", "b"]),
        (["a", "b"], ["a", "b"]),
        ([""], []),
    ):
        assert _same_lines(old, new) == line_map(old, new)
    assert _same_lines(["a", "b", "c"], ["a", "b"]) is None
    assert _same_lines(["a", "x", ""], ["a", "b"]) is None
    assert _same_lines(["a", "", ""], ["a"]) is None


def _is_subsequence(kept: list[str], old: list[str]) -> bool:
    it = iter(old)
    return all(any(line == other for other in it) for line in kept)


@given(
    st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=12),
    st.lists(st.sampled_from(["a", "b", "c", "d", ""]), max_size=12),
)
def test_added_lines_leave_what_old_has_in_order(old: list[str], new: list[str]) -> None:
    # What is not added is a subsequence of the old lines, whatever the alignment chosen.
    added = added_lines(old, new)
    assert added <= set(range(len(new)))
    assert _is_subsequence([line for i, line in enumerate(new) if i not in added], old)


def test_added_lines_outside_a_shared_head_and_tail() -> None:
    old = ["a", "b", "c", "d"]
    assert added_lines(old, ["a", "b", "x", "y", "c", "d"]) == {2, 3}
    assert added_lines(old, [*old, "e"]) == {4}
    assert added_lines(old, old) == set()
    assert added_lines([], ["a"]) == {0}
    assert added_lines(old, ["a", "d"]) == set()


@given(st.text(alphabet="ab \r\n\u2028\x0c", max_size=30))
def test_text_lines_are_the_documents_lines_without_terminators(text: str) -> None:
    from ownit.core.commit_plan import text_lines
    from ownit.core.text import split_lines, strip_terminator

    assert text_lines(text) == [strip_terminator(line) for line in split_lines(text)]
