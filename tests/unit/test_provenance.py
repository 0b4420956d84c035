"""core/provenance: line resolution from blame records and a claim index (pure)."""

from __future__ import annotations

from ownit.core import trailers as tr
from ownit.core.claim_index import CommitClaims, index_from
from ownit.core.commit_message import AiCommitDetector, message_claims
from ownit.core.fingerprint import fingerprint
from ownit.core.policy import default_policy
from ownit.core.provenance import BlameLine, history_runs, resolve

CODE = ["a = 1", "b = 2", "c = 3"]
FP = fingerprint(CODE)
A, B, C = "a" * 40, "b" * 40, "c" * 40


def lines(commit: str, start: int = 1, orig: int = 1, text: list[str] = CODE) -> list[BlameLine]:
    return [BlameLine(start + i, commit, orig + i, "x.py", t) for i, t in enumerate(text)]


def test_claim_in_introducing_commit() -> None:
    claim = tr.ClaimLine("x.py", 1, 3, FP, "copilot", "dev@example.com", "Checked by hand")
    index = index_from([CommitClaims(A, 0, (claim,), "copilot")])
    result = resolve(lines(A), index, "x.py")
    assert all(r.ai and r.owned and r.owner_email == "dev@example.com" for r in result)
    assert result[0].claim_commit == A and result[0].how == "claim"


def test_later_claim_only_commit_owns_unowned_code() -> None:
    unowned = tr.ClaimLine("x.py", 1, 3, FP, "claude-code")
    owned = tr.ClaimLine("x.py", 1, 3, FP, "claude-code", "dev@example.com", "Reviewed it")
    index = index_from([CommitClaims(A, 0, (unowned,), ""), CommitClaims(B, 1, (owned,))])
    result = resolve(lines(A), index, "x.py")
    assert all(r.owned and r.claim_commit == B for r in result)
    assert result[0].how == "later-claim"


def test_claim_found_by_fingerprint_after_lines_moved() -> None:
    owned = tr.ClaimLine("x.py", 1, 3, FP, "copilot", "dev@example.com", "Reviewed it")
    index = index_from([CommitClaims(B, 1, (owned,))])
    # The lines are now 11-13 (a human commit C added lines above); introduced by A.
    head = [BlameLine(i + 1, C, i + 1, "x.py", f"# {i}") for i in range(10)]
    result = resolve(head + lines(A, start=11), index, "x.py")
    assert not any(r.ai for r in result[:10])
    assert all(r.owned and r.claim_commit == B for r in result[10:])


def test_ai_commit_without_claim_and_human_lines() -> None:
    index = index_from([CommitClaims(A, 0, (), "aider", "author name 'x (aider)'")])
    result = resolve(lines(A) + lines(C, start=4, orig=4, text=["d = 4"]), index, "x.py")
    assert [r.ai for r in result] == [True, True, True, False]
    assert result[0].tool == "aider" and not result[0].owned and result[0].how == "ai-commit"
    assert result[3].to_json()["ai"] is False


def test_message_claims_in_body_and_indented() -> None:
    owned = f"AI-Owned: x.py:1-3 {FP} copilot dev@example.com -- Reviewed it"
    message = f"Squash (#1)\n\n* one\n\n    {owned}\n\nAI-Unowned: y.py:2-4 {FP} aider\n"
    claims = message_claims(message)
    assert [c.path for c in claims] == ["x.py", "y.py"]
    assert message_claims(owned) == ()  # never the subject line


def test_ai_detector_agrees_with_policy() -> None:
    policy = default_policy()
    detector = AiCommitDetector(policy)
    # (message, author name, author email, AI-assisted?)
    cases = [
        ("Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", "Dev", "d@x", True),
        (
            "Fix\n\nco-authored-by: Copilot <1+Copilot@users.noreply.github.com>\n",
            "Dev",
            "d@x",
            True,
        ),
        ("Fix\n\nSigned-off-by: Dev <d@x>\n", "Dev", "d@x", False),
        ("Fix\n", "Dev (aider)", "d@x", True),
        ("Fix\n", "Copilot", "198982749+Copilot@users.noreply.github.com", True),
        ("Fix\n\nAssisted-by: copilot\n", "Dev", "d@x", True),
        ("Fix\n", "Dev", "d@x", False),
    ]
    # Twice: the detector caches, and a cached answer must be the same answer.
    for message, name, email, ai in cases * 2:
        expected = policy.ai_commit_match(message, name, email, name, email)
        assert (expected is not None) is ai, (message, name)
        assert detector.match(message, name, email, name, email) == expected


def test_evidence_and_scope_of_each_kind_of_line() -> None:
    claim = tr.ClaimLine("x.py", 1, 3, FP, "copilot", "dev@example.com", "Checked by hand")
    index = index_from(
        [
            CommitClaims(A, 0, (claim,)),
            CommitClaims(B, 1, (), "claude-code", "Co-authored-by: Claude", "corroborated"),
            CommitClaims(C, 2, (), "copilot", "Co-authored-by: Copilot", "inferred"),
        ]
    )
    result = resolve(
        lines(A)
        + lines(B, start=4, orig=1, text=["d = 4"])
        + lines(C, start=5, orig=1, text=["e = 5"]),
        index,
        "x.py",
    )
    assert [(r.evidence, r.scope) for r in result] == [("exact", "line")] * 3 + [
        ("corroborated", "commit"),
        ("inferred", "commit"),
    ]
    assert result[3].commit_reason == "Co-authored-by: Claude"
    assert result[3].evidence_label == "corroborated, commit-level"
    assert result[0].to_json()["evidence"] == "exact"
    assert result[4].to_json()["commitAttribution"] == "Co-authored-by: Copilot"
    runs = history_runs(result)
    assert [(r.first_line, r.end_line, r.evidence, r.scope) for r in runs] == [
        (0, 3, "exact", "line"),
        (3, 4, "corroborated", "commit"),
        (4, 5, "inferred", "commit"),
    ]


def test_claims_on_the_files_old_name_count_after_a_rename() -> None:
    # A committed the code unowned as old.py; B (a claim-only commit before the rename)
    # owns it there; the file is new.py now and blame says the lines came from old.py.
    unowned = tr.ClaimLine("old.py", 1, 3, FP, "claude-code")
    owned = tr.ClaimLine("old.py", 1, 3, FP, "claude-code", "dev@example.com", "Reviewed it")
    index = index_from([CommitClaims(A, 0, (unowned,)), CommitClaims(B, 1, (owned,))])
    blamed = [BlameLine(1 + i, A, 1 + i, "old.py", t) for i, t in enumerate(CODE)]
    result = resolve(blamed, index, "new.py")
    assert all(r.owned and r.claim_commit == B for r in result)
    # An AI-Unowned line for the old name, owned under the new one after the rename.
    later = tr.ClaimLine("new.py", 1, 3, FP, "claude-code", "dev@example.com", "Reviewed it")
    index = index_from([CommitClaims(A, 0, (unowned,)), CommitClaims(C, 2, (later,))])
    result = resolve(blamed, index, "new.py")
    assert all(r.owned and r.claim_commit == C for r in result)


def test_an_invalid_claim_under_the_old_name_owns_nothing_after_a_rename() -> None:
    # B "owns" old.py's code with a claim the judgement rejects: after the rename the
    # lines are AI-written (exact: a claim line names them), not owned, and say why; a
    # valid AI-Unowned claim speaks for them when there is one; a later valid claim under
    # the new name owns them.
    unowned = tr.ClaimLine("old.py", 1, 3, FP, "claude-code")
    forged = tr.ClaimLine("old.py", 1, 3, FP, "claude-code", "eve@example.com", "Trust me!")
    blamed = [BlameLine(1 + i, A, 1 + i, "old.py", t) for i, t in enumerate(CODE)]

    def invalid(sha: str, claim: tr.ClaimLine) -> str:
        return "owner is not the author" if claim is forged else ""

    index = index_from([CommitClaims(A, 0), CommitClaims(B, 1, (forged,))])
    result = resolve(blamed, index, "new.py", invalid)
    assert [(r.ai, r.owned, r.evidence, r.invalid) for r in result] == [
        (True, False, "exact", "owner is not the author")
    ] * 3
    runs = history_runs(result)
    assert [(run.owned, run.invalid, run.evidence, run.scope) for run in runs] == [
        (False, "owner is not the author", "exact", "line")
    ]
    index = index_from([CommitClaims(A, 0, (unowned,)), CommitClaims(B, 1, (forged,))])
    result = resolve(blamed, index, "new.py", invalid)
    assert [(r.owned, r.invalid, r.claim_commit) for r in result] == [(False, "", A)] * 3
    later = tr.ClaimLine("new.py", 1, 3, FP, "claude-code", "dev@example.com", "Reviewed it")
    index = index_from(
        [
            CommitClaims(A, 0, (unowned,)),
            CommitClaims(B, 1, (forged,)),
            CommitClaims(C, 2, (later,)),
        ]
    )
    result = resolve(blamed, index, "new.py", invalid)
    assert all(r.owned and r.claim_commit == C and not r.invalid for r in result)
