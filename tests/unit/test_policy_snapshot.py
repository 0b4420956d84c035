"""A loaded policy as JSON data and back (``core/policy/snapshot.py``): the same policy,
key for key, and anything that is not such a snapshot refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownit.core.policy import PatternError, Policy, default_policy, load_policy
from ownit.core.policy.snapshot import SnapshotError, from_snapshot, to_snapshot

EXAMPLE = Path(__file__).resolve().parents[2] / "policy.example.yaml"

EVERY_KEY = """\
version: 1
handles:
  "@acme/security": [alice@example.com, bob@example.com]
purposes: [tests, refactor, Feature]
allowed_signers: keys/signers
exclude: ["gen/**", "*.pb.go"]
exclude_linguist: false
defaults:
  severity: hint
  commit: allow
  history_since: 2025-06-01
  min_evidence: corroborated
  signatures: warn
rules:
  - name: auth
    description: the keys to the kingdom
    paths: ["src/auth/**", "**/crypto/"]
    severity: error
    require_ownership: true
    commit: block
    stale: keep
    codeowner: true
    second_owner: true
    owners: ["@acme/security", carol@example.com, "*@example.com"]
    rationale:
      min_chars: 30
      max_chars: 120
      also_reject: ["/\\\\bsee (above|below)\\\\b/", "works for me"]
    sources:
      count: [agent-hook, heuristic]
      heuristic_min_lines: 5
    history_since: v2.0
    ai: owned-only
    tools: [claude-code, "aider:gpt-5*"]
    models: ["claude-*"]
    purpose: only for tests
    signatures: require
  - paths: docs
    rationale:
      reject: ["/^nope/", plain]
    ai: forbidden
also_ai_commit_patterns:
  - name: our bot
    author_email: "/^bot@example\\\\.com$/"
    tool: our-bot
  - "/made by robots/"
disable_ai_commit_patterns: [aider subject prefix]
"""

PATHS = ("src/auth/token.py", "lib/crypto/x.py", "docs/a.md", "gen/x.py", "a.pb.go", "b.py")


def _same(left: Policy, right: Policy) -> None:
    assert left == right
    assert left.source == right.source
    assert [rule.line for rule in left.rules] == [rule.line for rule in right.rules]
    for path in PATHS:
        assert left.effective(path).to_json() == right.effective(path).to_json()
        assert left.explain(path) == right.explain(path)
        assert left.exclusion_reason(path, "") == right.exclusion_reason(path, "")
    for pattern, again in zip(left.ai_commit_patterns, right.ai_commit_patterns, strict=True):
        assert pattern.match.is_builtin == again.match.is_builtin


@pytest.mark.parametrize("name", ["example", "every key", "built-in"])
def test_a_policy_comes_back_the_same_through_json(name: str) -> None:
    if name == "built-in":
        policy = default_policy()
    else:
        text = EXAMPLE.read_text(encoding="utf-8") if name == "example" else EVERY_KEY
        policy = load_policy(text, ".ownit.yaml")
    again = from_snapshot(json.loads(json.dumps(to_snapshot(policy))))
    _same(policy, again)
    message = "Fix\n\nCo-authored-by: Claude Sonnet 4.5 <noreply@anthropic.com>\n"
    assert again.ai_commit_match(message) == policy.ai_commit_match(message)
    assert again.ai_commit_match("x", author_email="bot@example.com") == policy.ai_commit_match(
        "x", author_email="bot@example.com"
    )


def test_a_file_regex_is_still_matched_by_re2_and_a_built_in_one_by_re() -> None:
    again = from_snapshot(to_snapshot(load_policy(EVERY_KEY)))
    by_name = {pattern.name: pattern.match for pattern in again.ai_commit_patterns}
    assert not by_name["our bot"].is_builtin
    assert by_name["claude co-author"].is_builtin
    # Compiled by RE2 on first use: a pattern RE2 refuses is refused then, never run on re.
    data = to_snapshot(load_policy(EVERY_KEY))
    data["rules"][0]["settings"]["rationale"]["also_reject"] = [["/(?=x)y/", False]]
    rule = from_snapshot(data).effective("src/auth/a.py")
    with pytest.raises(PatternError, match="look-ahead"):
        rule.validate_rationale("a rationale long enough to be checked against the pattern")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data.update(format=99),
        lambda data: data.pop("rules"),
        lambda data: data.update(version="1"),
        lambda data: data["defaults"].update(severity="loud"),
        lambda data: data["defaults"].update(history_since=["soon", ""]),
        lambda data: data["rules"][0].update(paths=["a**b"]),
        lambda data: data["ai_commit_patterns"][0].__setitem__(1, "body"),
        lambda data: data["defaults"]["rationale"].update(min_chars=True),
        # only ownit's own patterns run on re: a file's regex passed off as one is refused
        lambda data: data["rules"][0]["settings"]["rationale"].update(
            also_reject=[["/(a+)+$/", True]]
        ),
    ],
)
def test_anything_else_is_refused_with_a_snapshot_error(damage: object) -> None:
    data = json.loads(json.dumps(to_snapshot(load_policy(EVERY_KEY))))
    assert callable(damage)
    damage(data)
    with pytest.raises(SnapshotError):
        from_snapshot(data)
    for junk in (None, [], "policy", {"format": 1}):
        with pytest.raises(SnapshotError):
            from_snapshot(junk)
