"""Evidence classes (core/model.py) and the policy's min_evidence (core/policy)."""

from __future__ import annotations

import pytest

from ownit.core.findings import finding_for, hover_markdown
from ownit.core.model import (
    Evidence,
    Region,
    RegionState,
    Source,
    evidence_of_pattern,
    evidence_of_source,
)
from ownit.core.policy import PolicyError, default_policy, load_policy
from ownit.core.provenance import HistoryRun
from ownit.git.renames import parse_name_status


def test_every_source_has_a_class_and_unknown_ones_are_inferred() -> None:
    assert {evidence_of_source(s) for s in Source} == set(Evidence)
    assert evidence_of_source(Source.AGENT_HOOK) is Evidence.EXACT
    assert evidence_of_source(Source.MANUAL) is Evidence.EXACT
    assert evidence_of_source(Source.COMMIT_TRAILER) is Evidence.CORROBORATED
    assert evidence_of_source(Source.HEURISTIC) is Evidence.INFERRED
    assert evidence_of_source("from-the-future") is Evidence.INFERRED
    assert evidence_of_pattern("corroborated") is Evidence.CORROBORATED
    assert evidence_of_pattern("weak") is Evidence.INFERRED
    assert Evidence.EXACT.at_least(Evidence.CORROBORATED)
    assert not Evidence.INFERRED.at_least(Evidence.CORROBORATED)


def test_min_evidence_default_rules_and_errors() -> None:
    rule = default_policy().effective("a.py")
    assert rule.min_evidence is Evidence.INFERRED and rule.requires_evidence("inferred")
    policy = load_policy(
        "version: 1\ndefaults:\n  min_evidence: corroborated\n"
        "rules:\n  - name: core\n    paths: ['core/**']\n    min_evidence: exact\n"
    )
    assert not policy.effective("a.py").requires_evidence(Evidence.INFERRED)
    assert policy.effective("a.py").requires_evidence(Evidence.CORROBORATED)
    core = policy.effective("core/x.py")
    assert not core.requires_evidence("corroborated") and core.origin("min_evidence") == "core"
    assert core.to_json()["min_evidence"] == "exact"
    assert any(line.startswith("min_evidence: exact") for line in core.requirements())
    with pytest.raises(PolicyError, match="min_evidence: expected one of exact"):
        load_policy("version: 1\ndefaults:\n  min_evidence: sure\n")


def _region(source: Source) -> Region:
    return Region("r1", "a.py", 0, 4, "copilot", source, 0.0, "0" * 12)


def test_hover_and_diagnostics_say_the_evidence() -> None:
    text = hover_markdown(RegionState(_region(Source.AGENT_HOOK)), 10.0)
    assert "evidence: **exact**" in text
    run = HistoryRun(0, 4, "claude-code", "a" * 40, False, None, "", None)
    state = RegionState(_region(Source.COMMIT_TRAILER))
    text = hover_markdown(state, 10.0, None, history=run)
    assert text.startswith("**AI-assisted commit** `aaaaaaaaaa`")
    assert "commit-level" in text and "does not say that each of these lines" in text
    finding = finding_for(state, 10.0, history_commit=run.commit, history=run)
    assert finding is not None and finding.evidence == "corroborated"
    assert "commit-level" in finding.message and "not these lines" in finding.message
    exact = HistoryRun(0, 4, "copilot", "a" * 40, False, None, "", None, "exact", "line")
    assert "line-level" in hover_markdown(state, 10.0, None, history=exact)


def test_policy_issues_and_invalid_claims_keep_the_evidence() -> None:
    from ownit.core.findings import FindingCode, PolicyIssue

    state = RegionState(_region(Source.HEURISTIC))
    issue = PolicyIssue(FindingCode.AI_FORBIDDEN, "policy rule 'crypto' forbids AI")
    finding = finding_for(state, 10.0, issue=issue)
    assert finding is not None and finding.code is FindingCode.AI_FORBIDDEN
    assert finding.evidence == "inferred"
    # A claim that does not hold owns nothing, whatever its evidence (exact here).
    bad = HistoryRun(
        0,
        4,
        "copilot",
        "a" * 40,
        False,
        "eve@example.com",
        "",
        "b" * 40,
        "exact",
        "line",
        invalid="fingerprint mismatch",
    )
    finding = finding_for(
        state, 10.0, history_commit=bad.commit, history=bad, history_invalid=bad.invalid
    )
    assert finding is not None and finding.evidence == "exact"
    assert "INVALID (fingerprint mismatch)" in finding.message
    text = hover_markdown(state, 10.0, None, bad.invalid, history=bad)
    assert "INVALID claim: fingerprint mismatch" in text and "evidence: **exact**" in text


def test_rename_entries_of_name_status_output() -> None:
    out = b"R100\0a.py\0b.py\0M\0c.py\0R087\0d/e.py\0f.py\0A\0g.py\0"
    assert parse_name_status(out) == {"a.py": "b.py", "d/e.py": "f.py"}
    assert parse_name_status(b"") == {}
