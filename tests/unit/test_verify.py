"""The pure verifier (core/verify.py) on commits, blobs and added lines given directly: no
git. Each test is one check of `ownit verify` (docs/ci.md lists the problem codes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tests.support import Commit

from ownit.core.fingerprint import fingerprint
from ownit.core.policy import Policy, default_policy, load_policy
from ownit.core.verify import Verifier
from ownit.core.verify_findings import ERROR, INFO, Finding
from ownit.core.verify_prepare import prepare

A, B, C = "a" * 40, "b" * 40, "c" * 40
DEV, EVE = "dev@example.com", "eve@example.com"
CODE = ["def f():", "    return 1", ""]
FP = fingerprint(CODE[:2])
WHY = "Checked each line by hand, tests cover it"


def owned(path: str = "a.py", lines: str = "1-2", fp: str = FP, who: str = DEV) -> str:
    return f"Add\n\nAI-Owned: {path}:{lines} {fp} copilot {who} -- {WHY}\nAI-Lines: exact\n"


def unowned(path: str = "a.py", lines: str = "1-2", fp: str = FP) -> str:
    return f"Add\n\nAI-Unowned: {path}:{lines} {fp} claude-code\nAI-Lines: exact\n"


def verify(
    commits: Sequence[Commit],
    blobs: Mapping[tuple[str, str], list[str]],
    *,
    tip: str | None = None,
    policy: Policy | None = None,
    added: Mapping[str, Mapping[str, Sequence[int]]] | None = None,
    published: frozenset[str] = frozenset(),
) -> list[Finding]:
    policy = policy or default_policy()
    verifier = Verifier(
        policy,
        blobs=lambda sha, path: blobs.get((sha, path)),
        tip=tip if tip is not None else commits[-1].sha,
        published=published,
    )
    return verifier.run(commits, prepare(commits, policy), added or {})


def kinds(findings: Sequence[Finding]) -> list[tuple[str, str, str]]:
    return [(f.kind, f.severity, f.location) for f in findings]


def test_a_valid_claim_of_the_committed_code_finds_nothing() -> None:
    assert verify([Commit(A, owned())], {(A, "a.py"): CODE}) == []


def test_a_claim_whose_code_differs_is_a_mismatch_with_a_claim_command_at_the_tip() -> None:
    found = verify([Commit(A, owned(fp="0" * 12))], {(A, "a.py"): CODE})
    assert kinds(found) == [("claim-mismatch", ERROR, "a.py:1-2")]
    assert found[0].fix.startswith("ownit claim a.py:1 -m")
    assert "remove the bad line" in found[0].fix  # not published: it can still go


def test_code_that_moved_in_its_commit_holds_and_says_where() -> None:
    blob = ["# header", *CODE]
    assert kinds(verify([Commit(A, owned())], {(A, "a.py"): blob})) == [
        ("claim-moved", INFO, "a.py:2-3")
    ]


def test_a_claim_of_a_missing_path_owns_nothing_and_a_published_one_gets_no_rewrite() -> None:
    commits = [Commit(A, owned(path="gone.py"))]
    found = verify(commits, {})
    assert kinds(found) == [("claim-path-missing", ERROR, "gone.py:1-2")]
    assert "git rebase -i" in found[0].fix
    published = verify(commits, {}, published=frozenset({A}))
    assert published[0].fix == ""
    assert "the commit is published" in published[0].message


def test_an_owner_who_did_not_commit_it_is_refused() -> None:
    found = verify([Commit(A, owned(who=EVE))], {(A, "a.py"): CODE})
    assert [(f.kind, f.severity) for f in found] == [("owner-not-committer", ERROR)]
    assert f"run by {EVE}" in found[0].fix


def test_code_committed_unowned_is_reported_at_the_tip_until_a_later_claim_owns_it() -> None:
    blobs = {(A, "a.py"): CODE, (B, "a.py"): CODE}
    first = Commit(A, unowned())
    assert kinds(verify([first, Commit(B, "Edit\n")], blobs)) == [
        ("unowned-at-tip", ERROR, "a.py:1-2")
    ]
    assert verify([first, Commit(B, owned())], blobs) == []
    # Gone from the tip: nothing left to own.
    assert verify([first, Commit(B, "Edit\n")], {(A, "a.py"): CODE}) == []


def test_commit_level_ai_lines_no_claim_covers_are_reported_with_their_ranges() -> None:
    message = "Add\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    lines = ["a = 1", "", "b = 2", "c = 3"]
    found = verify([Commit(A, message)], {(A, "b.py"): lines}, added={A: {"b.py": [1, 2, 3, 4]}})
    assert kinds(found) == [("ai-commit-unclaimed", ERROR, "b.py:1")]
    assert "adds 3 lines to b.py (1, 3-4)" in found[0].message  # the blank line is not asked
    assert found[0].fix.startswith('ownit claim b.py:1 -m "<why this code is right>" --commit')
    assert "git commit --amend" in found[0].fix  # the tip, not pushed: it can be amended


def test_ai_in_a_forbidden_path_is_reported_owned_or_not() -> None:
    policy = load_policy("version: 1\nrules:\n  - paths: ['secret/**']\n    ai: forbidden\n")
    found = verify(
        [Commit(A, owned(path="secret/k.py"))], {(A, "secret/k.py"): CODE}, policy=policy
    )
    assert [f.kind for f in found] == ["ai-forbidden"]


def test_tip_line_carries_a_line_to_the_tip() -> None:
    verifier = Verifier(
        default_policy(),
        blobs=lambda sha, path: {A: CODE, B: ["# new", *CODE]}.get(sha),
        tip=B,
    )
    assert verifier.tip_line(A, "a.py", 2) == 3
    assert verifier.tip_line(B, "a.py", 2) == 2
