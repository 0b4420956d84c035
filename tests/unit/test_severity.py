"""core/severity.py: how the editor shows a region under the policy."""

from __future__ import annotations

from ownit.core.findings import FindingCode, PolicyIssue, policy_issue
from ownit.core.model import Claim, Region, RegionState, Severity, Source
from ownit.core.policy import default_policy, load_policy
from ownit.core.severity import severity_for

POLICY = """\
version: 1
defaults:
  severity: information
rules:
  - name: auth
    paths: ["auth/**"]
    severity: error
  - name: keep
    paths: ["keep/**"]
    stale: keep
  - name: crypto
    paths: ["crypto/**"]
    ai: forbidden
  - name: free
    paths: ["free/**"]
    require_ownership: false
  - name: manual
    paths: ["manual/**"]
    sources:
      count: [manual]
"""


def _state(path: str, *, claim: str | None = None, source: Source = Source.MANUAL) -> RegionState:
    region = Region("r1", path, 0, 3, "claude-code", source, 0.0, "fp-now")
    owned = None if claim is None else Claim("r1", "A", "a@example.com", "why", claim, 0.0)
    return RegionState(region, owned)


def _severity(path: str, state: RegionState, excluded: str | None = None) -> Severity:
    rule = load_policy(POLICY).effective(path)
    return severity_for(rule, state, policy_issue(rule, state.region), excluded=excluded)


def test_no_rule_is_a_warning() -> None:
    assert severity_for(None, _state("a.py")) is Severity.WARNING


def test_the_rule_s_severity_for_unowned_code() -> None:
    assert _severity("auth/login.py", _state("auth/login.py")) is Severity.ERROR
    assert _severity("src/a.py", _state("src/a.py")) is Severity.INFORMATION


def test_ai_forbidden_is_always_an_error() -> None:
    owned = _state("crypto/aes.py", claim="fp-now")
    assert _severity("crypto/aes.py", owned) is Severity.ERROR
    issue = PolicyIssue(FindingCode.AI_FORBIDDEN, "no")
    rule = default_policy().effective("a.py")
    assert severity_for(rule, _state("a.py"), issue, excluded="generated") is Severity.ERROR


def test_excluded_paths_and_no_ownership_needed_are_not_shown() -> None:
    assert _severity("src/a.py", _state("src/a.py"), excluded="vendored") is Severity.OFF
    assert _severity("free/a.py", _state("free/a.py")) is Severity.OFF


def test_a_source_the_rule_does_not_count_is_not_shown() -> None:
    state = _state("manual/a.py", source=Source.HEURISTIC)
    assert _severity("manual/a.py", state) is Severity.OFF
    assert _severity("manual/a.py", _state("manual/a.py")) is Severity.INFORMATION


def test_stale_keep_makes_a_stale_claim_a_hint() -> None:
    stale = _state("keep/a.py", claim="fp-then")
    assert _severity("keep/a.py", stale) is Severity.HINT
    assert _severity("src/a.py", _state("src/a.py", claim="fp-then")) is Severity.INFORMATION
