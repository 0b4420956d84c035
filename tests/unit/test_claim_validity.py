"""The one claim-validity judgement (core/claim_validity.py)."""

from __future__ import annotations

from ownit.core.claim_validity import Problem, judge_claim
from ownit.core.fingerprint import fingerprint
from ownit.core.policy import default_policy, load_policy
from ownit.core.signing import SignatureStatus, SignatureVerdict
from ownit.core.trailers import ClaimLine

LINES = ["def f():", "    return 1", "", "def g():", "    return 2"]
RATIONALE = "Checked both return values against the spec and the tests"


def owned(
    first: int, last: int, fp: str | None = None, owner: str = "dev@example.com"
) -> ClaimLine:
    fp = fp or fingerprint(LINES[first - 1 : last])
    return ClaimLine("a.py", first, last, fp, "copilot", owner, RATIONALE)


def judge(claim: ClaimLine, policy_text: str | None = None, signature=None, lines=LINES):
    policy = default_policy() if policy_text is None else load_policy(policy_text, "p")
    return judge_claim(
        claim,
        lines,
        author_email="dev@example.com",
        committer_email="dev@example.com",
        rule=policy.effective(claim.path),
        signature=signature,
    )


def test_a_matching_claim_is_valid_and_owned() -> None:
    j = judge(owned(4, 5))
    assert j.valid and j.owned and j.located == (4, 5) and not j.moved
    assert j.summary == "valid"


def test_moved_code_keeps_its_claim() -> None:
    j = judge(owned(1, 2, fingerprint(LINES[3:5])))
    assert j.valid and j.moved and j.located == (4, 5)


def test_forged_fingerprint_is_invalid_and_says_why() -> None:
    j = judge(owned(3, 4, "deadbeef0000"))
    assert not j.valid and not j.owned
    assert j.problems[0].kind is Problem.FINGERPRINT_MISMATCH
    assert j.summary == "INVALID claim: fingerprint mismatch"


def test_out_of_range_and_missing_path() -> None:
    assert judge(owned(9, 12, "deadbeef0000")).problems[0].kind is Problem.OUT_OF_RANGE
    j = judge(owned(4, 5), lines=None)
    assert j.problems[0].kind is Problem.PATH_MISSING and j.located is None


def test_someone_elses_name_is_invalid_without_a_signature() -> None:
    j = judge(owned(4, 5, owner="lead@example.com"))
    assert [p.kind for p in j.problems] == [Problem.OWNER_NOT_COMMITTER]


def test_owner_not_allowed_by_the_policy() -> None:
    j = judge(owned(4, 5), "version: 1\ndefaults:\n  owners: [lead@example.com]\n")
    assert [p.kind for p in j.problems] == [Problem.OWNER_NOT_ALLOWED]


def test_signatures_require_warn_off() -> None:
    require = "version: 1\ndefaults:\n  signatures: require\n"
    j = judge(owned(4, 5), require)
    assert [p.kind for p in j.problems] == [Problem.SIGNATURE_MISSING]
    assert j.signature_status == "unsigned"
    warn = judge(owned(4, 5), "version: 1\ndefaults:\n  signatures: warn\n")
    assert warn.valid and [p.kind for p in warn.warnings] == [Problem.SIGNATURE_MISSING]
    assert judge(owned(4, 5), "version: 1\ndefaults:\n  signatures: off\n").valid
    bad = SignatureVerdict(SignatureStatus.UNKNOWN_KEY, "key SHA256:x is not listed for dev")
    j = judge(owned(4, 5), require, bad)
    assert [p.kind for p in j.problems] == [Problem.SIGNATURE_UNKNOWN_KEY]
    assert j.signature_status == "unknown-key"


def test_a_valid_signature_proves_an_owner_who_did_not_commit() -> None:
    good = SignatureVerdict(SignatureStatus.VALID, "good signature")
    claim = owned(4, 5, owner="lead@example.com")
    assert judge(claim, "version: 1\ndefaults:\n  signatures: require\n", good).valid


def test_unowned_lines_are_only_checked_against_the_code() -> None:
    claim = ClaimLine("a.py", 4, 5, fingerprint(LINES[3:5]), "copilot")
    j = judge(claim, "version: 1\ndefaults:\n  signatures: require\n")
    assert j.valid and not j.owned
