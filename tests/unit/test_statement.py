"""The statement's use of verify's judgement: forged claims dropped, refused ones not owned."""

from __future__ import annotations

from ownit.core import trailers as tr
from ownit.core import verify_findings as v
from ownit.core.statement_claims import validated
from ownit.core.verify_prepare import Prepared

OWNED = tr.ClaimLine("a.py", 1, 4, "0a1b2c3d4e5f", "copilot", "dev@example.com", "why", "tests")
FORGED = tr.ClaimLine("b.py", 1, 2, "111111111111", "copilot", "dev@example.com", "why")
UNOWNED = tr.ClaimLine("c.py", 3, 5, "222222222222", "copilot")


def _finding(kind: str, claim: tr.ClaimLine, severity: str = v.ERROR) -> v.Finding:
    return v.Finding(kind, severity, "c1", "S", claim.path, claim.first, claim.last, "m")


def test_validated_drops_forged_and_demotes_refused_claims() -> None:
    prepared = Prepared(claims={"c1": (OWNED, FORGED, UNOWNED)})
    findings = [_finding(v.MISMATCH, FORGED), _finding(v.RATIONALE, OWNED)]
    checked = validated(prepared, findings)
    claims = checked.claims["c1"]
    assert [c.path for c in claims] == ["a.py", "c.py"]
    assert not claims[0].owned and claims[0].purpose == "" and claims[0].rationale == ""
    assert prepared.claims["c1"][0].owned  # the input is left alone


def test_info_findings_and_clean_ranges_change_nothing() -> None:
    prepared = Prepared(claims={"c1": (OWNED,)})
    assert validated(prepared, [_finding(v.MOVED, OWNED, v.INFO)]) is prepared
    assert validated(prepared, []) is prepared
