"""core/report: the aggregation of `ownit report`, on hand-made commits and claims."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tests.support import Commit

from ownit.core import report, report_render
from ownit.core import trailers as tr
from ownit.core.unowned_at_tip import UnownedAtTip
from ownit.core.verify_prepare import Prepared

A, B, C, D = "a" * 40, "b" * 40, "c" * 40, "d" * 40
DEV, OPS = "dev@example.com", "ops@example.com"


def owned(path: str, first: int, last: int, fp: str, who: str = DEV) -> tr.ClaimLine:
    return tr.ClaimLine(path, first, last, fp, "copilot", who, "Checked by hand")


def unowned(path: str, first: int, last: int, fp: str) -> tr.ClaimLine:
    return tr.ClaimLine(path, first, last, fp, "claude-code")


def test_counts_lines_owners_paths_and_tools() -> None:
    commits = [Commit(A), Commit(B), Commit(C), Commit(D)]
    prepared = Prepared(
        claims={
            A: (owned("src/a.py", 1, 4, "f" * 12), unowned("src/b.py", 1, 3, "e" * 12)),
            B: (owned("src/a.py", 10, 11, "9" * 12, OPS),),
        },
        ai={A: "Assisted-by", C: "Co-authored-by: Claude"},
        ai_tools={A: "", C: "claude-code"},
    )
    result = report.build(commits, prepared, {C: {"src/c.py": [1, 2, 3, 4, 5]}})
    assert (result.commits, result.ai_commits, result.commits_with_claims) == (4, 2, 2)
    assert result.ai_commits_without_claims == 1
    assert (result.lines.owned, result.lines.unowned, result.lines.unclaimed) == (6, 3, 5)
    assert result.lines.total == 14
    owners = {o.owner: (o.regions, o.lines, len(o.paths)) for o in result.owners}
    assert owners == {DEV: (1, 4, 1), OPS: (1, 2, 1)}
    paths = {p.path: p for p in result.paths}
    assert [p.path for p in result.paths] == ["src/a.py", "src/c.py", "src/b.py"]
    assert paths["src/a.py"].lines.owned_share == 1.0
    assert paths["src/a.py"].owners == {DEV, OPS}
    assert paths["src/c.py"].lines.unclaimed == 5 and paths["src/c.py"].lines.owned_share == 0
    tools = {t.tool: (t.commits, t.lines.total) for t in result.tools}
    assert tools == {"copilot": (2, 6), "claude-code": (2, 8)}
    data = result.to_json()
    assert data["lines"] == {
        "owned": 6,
        "unowned": 3,
        "unclaimed": 5,
        "invalid": 0,
        "total": 14,
        "ownedShare": round(6 / 14, 4),
    }
    assert data["empty"] is False
    assert {r["status"] for r in data["regions"]} == {"owned", "unowned"}  # type: ignore[union-attr]


def test_invalid_claims_own_nothing_and_count_in_their_own_column() -> None:
    from ownit.core.claim_validity import ClaimJudgement, ClaimProblem, Problem, judge_claim

    forged = owned("u.py", 3, 4, "deadbeef0000", "eve@example.com")
    unowned_code = unowned("v.py", 1, 2, "1" * 12)
    forged_owner = owned("v.py", 1, 2, "1" * 12, "eve@example.com")  # "owns" v.py's code
    commits = [Commit(A), Commit(B)]
    prepared = Prepared(claims={A: (forged, unowned_code), B: (forged_owner,)})
    lines = {"u.py": ["a", "b", "x = 30", "y = 40"]}

    def judged(claim: tr.ClaimLine) -> ClaimJudgement:
        return judge_claim(
            claim,
            lines.get(claim.path),
            author_email=DEV,
            committer_email=DEV,
            rule=None,
        )

    invalid = {(A, forged): judged(forged)}
    invalid[(B, forged_owner)] = ClaimJudgement(
        forged_owner, (ClaimProblem(Problem.OWNER_NOT_COMMITTER, "not theirs"),)
    )
    result = report.build(commits, prepared, {}, invalid=invalid)
    assert (result.lines.owned, result.lines.unowned, result.lines.invalid) == (0, 2, 2)
    assert result.owners == []
    statuses = {(c.path, c.status, c.invalid) for c in result.codes}
    assert statuses == {
        ("u.py", "invalid", "fingerprint mismatch"),
        ("v.py", "unowned", ""),  # the AI-Unowned claim speaks; the forged owner does not
    }
    text = report_render.render_text(result, "t", ["path"], 0)
    assert "with only invalid claims 2" in text


def test_code_owned_later_counts_once_as_owned() -> None:
    fp = "1" * 12
    commits = [Commit(A), Commit(B)]
    prepared = Prepared(
        claims={A: (unowned("x.py", 1, 3, fp),), B: (owned("x.py", 2, 4, fp),)},
        ai={A: "Assisted-by"},
    )
    result = report.build(commits, prepared, {})
    assert (result.lines.owned, result.lines.unowned) == (3, 0)
    assert len(result.codes) == 1 and result.codes[0].first == 2 and result.codes[0].owned
    assert report.unowned_claims(commits, prepared.claims).pending() == []


def test_unowned_again_after_owned_and_tip_listing() -> None:
    fp = "2" * 12
    commits = [Commit(A), Commit(B, message="Drop the review\n")]
    prepared = Prepared(claims={A: (owned("x.py", 1, 2, fp),), B: (unowned("x.py", 1, 2, fp),)})
    tracker = report.unowned_claims(commits, prepared.claims)
    pending = tracker.pending()
    assert [(c.sha, claim.owned) for c, claim in pending] == [(B, False)]
    tip = UnownedAtTip(commits[1], pending[0][1], 5, 6)
    result = report.build(commits, prepared, {}, [tip], tracker=tracker)
    assert (result.lines.owned, result.lines.unowned) == (0, 2)
    assert result.owners == []
    item = result.to_json()["unownedAtTip"][0]  # type: ignore[index]
    assert item["first"] == 5 and item["commit"] == B and item["subject"] == "Drop the review"


def test_tool_from_assisted_by_when_the_pattern_names_none() -> None:
    message = "Add it\n\nAssisted-by: claude-code:claude-sonnet-5\n"
    commits = [Commit(A, message=message), Commit(B)]
    prepared = Prepared(ai={A: "Assisted-by", B: "author"}, ai_tools={A: "", B: ""})
    result = report.build(commits, prepared, {A: {"y.py": 7}})
    tools = {t.tool: (t.commits, t.lines.unclaimed) for t in result.tools}
    assert tools == {"claude-code": (1, 7), "unknown": (1, 0)}


def test_empty_and_rendering() -> None:
    empty = report.build([], Prepared(), {})
    assert empty.empty and empty.to_json()["lines"]["ownedShare"] is None  # type: ignore[index]
    assert "nothing to report" in report_render.render_text(empty, "ownit report", ["path"], 10)
    commits = [Commit(A)]
    claims = {A: (owned("a|b.py", 1, 2, "3" * 12), owned("z.py", 1, 1, "4" * 12))}
    result = report.build(commits, Prepared(claims=claims), {})
    md = report_render.render_markdown(result, "ownit report", ["path", "owner"], 1)
    assert (
        "| path | AI lines | owned | unowned | unclaimed | invalid | owned share | owners |" in md
    )
    assert "`a\\|b.py`" in md and "…and 1 more path." in md
    assert f"| {DEV} | 2 | 3 | 2 |" in md
    text = report_render.render_text(result, "ownit report", ["tool"], 10)
    assert "Tools:" in text and "Paths" not in text and "copilot" in text


def test_history_has_the_counts_after_each_commit() -> None:
    fp = "1" * 12
    commits = [Commit(A, time=100), Commit(B, time=200), Commit(C, time=300), Commit(D, time=400)]
    prepared = Prepared(
        claims={
            A: (unowned("x.py", 1, 3, fp),),
            C: (owned("x.py", 2, 5, fp),),  # owned later, and now 4 lines
            D: (unowned("x.py", 2, 5, fp),),  # unowned again
        },
        ai={A: "Assisted-by", B: "Co-authored-by: Claude"},
    )
    result = report.build(commits, prepared, {B: {"y.py": 7}})
    rows = [(s.sha, s.time, s.owned, s.unowned, s.unclaimed) for s in result.history]
    assert rows == [
        (A, 100, 0, 3, 0),
        (B, 200, 0, 3, 7),
        (C, 300, 4, 0, 7),
        (D, 400, 0, 4, 7),
    ]
    last = result.history[-1].lines
    assert (last.owned, last.unowned, last.unclaimed) == (
        result.lines.owned,
        result.lines.unowned,
        result.lines.unclaimed,
    )


CLAIM_STEPS = st.lists(
    st.tuples(
        st.sampled_from(["a.py", "b.py"]),
        st.sampled_from(["1" * 12, "2" * 12]),
        st.booleans(),  # owned
        st.integers(1, 30),  # lines
        st.integers(0, 9),  # unclaimed lines the commit adds
    ),
    max_size=25,
)


@given(CLAIM_STEPS)
def test_history_always_ends_with_the_report_totals(
    steps: list[tuple[str, str, bool, int, int]],
) -> None:
    commits, claims, unclaimed = [], {}, {}
    for index, (path, fp, is_owned, size, added) in enumerate(steps):
        sha = f"{index:040x}"
        commits.append(Commit(sha, time=index))
        make = owned if is_owned else unowned
        claims[sha] = (make(path, 1, size, fp),)
        if added:
            unclaimed[sha] = {"z.py": added}
    prepared = Prepared(claims=claims, ai={sha: "Assisted-by" for sha in unclaimed})
    result = report.build(commits, prepared, unclaimed)
    assert len(result.history) == len(commits)
    if result.history:
        last = result.history[-1].lines
        assert (last.owned, last.unowned, last.unclaimed) == (
            result.lines.owned,
            result.lines.unowned,
            result.lines.unclaimed,
        )
    unclaimed_so_far = [s.unclaimed for s in result.history]
    assert unclaimed_so_far == sorted(unclaimed_so_far), "unclaimed lines only add up"


def test_renames_are_followed_and_code_counted_once() -> None:
    fp = "3" * 12
    commits = [Commit(A), Commit(B, message="Move\n"), Commit(C, message="Own it\n")]
    prepared = Prepared(
        claims={A: (unowned("old.py", 1, 3, fp),), C: (owned("new.py", 1, 3, fp),)},
    )
    moves = {B: [("old.py", "new.py")]}
    # Without the renames the two names are two pieces of code; with them, one, owned.
    assert report.unowned_claims(commits, prepared.claims).pending() != []
    tracker = report.unowned_claims(commits, prepared.claims, moves)
    assert tracker.pending() == []
    result = report.build(commits, prepared, {}, tracker=tracker, renames=moves)
    assert (result.lines.owned, result.lines.unowned) == (3, 0)
    assert [(c.path, c.current_path) for c in result.codes] == [("new.py", "new.py")]
    # Still unowned after the move: pending under the new name, the row says the new name.
    prepared = Prepared(claims={A: (unowned("old.py", 1, 3, fp),)})
    tracker = report.unowned_claims(commits, prepared.claims, moves)
    assert [claim.path for _, claim in tracker.pending()] == ["new.py"]
    result = report.build(commits, prepared, {}, tracker=tracker, renames=moves)
    assert [p.path for p in result.paths] == ["new.py"]
    assert result.to_json()["regions"][0]["renamedTo"] == "new.py"  # type: ignore[index]


def test_lines_by_evidence() -> None:
    from ownit.core.model import Evidence

    commits = [Commit(A), Commit(B), Commit(C)]
    prepared = Prepared(
        claims={A: (owned("a.py", 1, 4, "4" * 12),)},
        ai={B: "Co-authored-by: Claude", C: "Co-authored-by: Copilot"},
        ai_evidence={B: Evidence.CORROBORATED, C: Evidence.INFERRED},
    )
    result = report.build(commits, prepared, {B: {"b.py": 5}, C: {"c.py": [1, 2]}})
    assert result.evidence == {"exact": 4, "corroborated": 5, "inferred": 2}
    assert result.to_json()["linesByEvidence"] == result.evidence
    assert "evidence: exact 4 (claim lines name them), corroborated 5 and inferred 2" in (
        report_render.render_text(result, "t", ["path"], 0)
    )
    assert "| evidence: inferred (commit-level, weak) | 2 |" in report_render.render_markdown(
        result, "t", ["path"], 0
    )


def test_verifier_follows_renames_to_the_tip_and_for_second_owners() -> None:
    from ownit.core.fingerprint import fingerprint
    from ownit.core.policy import load_policy
    from ownit.core.verify import Verifier
    from ownit.core.verify_prepare import prepare

    code = ["x = 1", "y = 2", "z = 3"]
    fp = fingerprint(code)
    blobs = {(A, "old.py"): code, (B, "new.py"): code, (C, "new.py"): code}
    commits = [
        Commit(A, f"Add\n\nAI-Unowned: old.py:1-3 {fp} claude-code\nAI-Lines: exact\n"),
        Commit(B, "Move\n"),
    ]

    def run(policy_text: str, tip: str, commits: list[Commit]) -> list[tuple[str, str]]:
        policy = load_policy(policy_text)
        verifier = Verifier(
            policy,
            blobs=lambda sha, path: blobs.get((sha, path)),
            tip=tip,
            renames={B: [("old.py", "new.py")]},
        )
        found = verifier.run(commits, prepare(commits, policy), {})
        return [(f.kind, f.location) for f in found]

    assert run("version: 1\n", B, commits) == [("unowned-at-tip", "new.py:1-3")]
    # A claim under the new name owns it; a second owner is asked for there.
    claim = f"AI-Owned: new.py:1-3 {fp} claude-code {DEV} -- Checked each line by hand here"
    owned = [*commits, Commit(C, f"Own\n\n{claim}\n")]
    assert run("version: 1\n", C, owned) == []
    two = "version: 1\ndefaults:\n  second_owner: true\n"
    assert [kind for kind, _ in run(two, C, owned)] == ["owner-rule"]
    # Two owners, one before the rename and one after: the same code, so enough.
    first = f"AI-Owned: old.py:1-3 {fp} claude-code {DEV} -- Checked each line by hand here"
    second = f"AI-Owned: new.py:1-3 {fp} claude-code {OPS} -- Read it again, tests cover it"
    both = [
        Commit(A, f"Add\n\n{first}\nAI-Lines: exact\n"),
        Commit(B, "Move\n"),
        Commit(C, f"Own too\n\n{second}\n", author_email=OPS, committer_email=OPS),
    ]
    assert run(two, C, both) == []
    assert [kind for kind, _ in run(two, C, both[:2])] == ["owner-rule"]


def test_invalid_claims_follow_renames_and_count_as_exact_evidence() -> None:
    from ownit.core.claim_validity import ClaimJudgement, ClaimProblem, Problem

    fp = "5" * 12
    forged = owned("old.py", 1, 3, fp, "eve@example.com")
    commits = [Commit(A), Commit(B, message="Move\n")]
    prepared = Prepared(claims={A: (forged,)})
    moves = {B: [("old.py", "new.py")]}
    invalid = {
        (A, forged): ClaimJudgement(
            forged, (ClaimProblem(Problem.OWNER_NOT_COMMITTER, "not theirs"),)
        )
    }
    result = report.build(commits, prepared, {}, invalid=invalid, renames=moves)
    # An invalid claim owns nothing whatever its evidence; its code moved with the file.
    assert (result.lines.owned, result.lines.invalid, result.lines.total) == (0, 3, 3)
    assert [(p.path, p.lines.invalid) for p in result.paths] == [("new.py", 3)]
    region = result.to_json()["regions"][0]  # type: ignore[index]
    assert (region["status"], region["renamedTo"], region["evidence"]) == (
        "invalid",
        "new.py",
        "exact",
    )
    assert sum(result.evidence.values()) == result.lines.total
