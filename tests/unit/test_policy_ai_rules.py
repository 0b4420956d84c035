"""Policy keys `ai`, `tools`, `models`, `purpose` and `purposes`: parsing and evaluation."""

from __future__ import annotations

import pytest

from ownit.core.policy import PolicyError, default_policy, load_policy
from ownit.core.policy.approval import AiUse, Approval, glob_match
from ownit.core.policy.model import PurposeRejected
from ownit.core.policy.summary import summarize

POLICY = """\
version: 1
purposes: [tests, refactor, Feature]
defaults:
  tools: ["claude-code:*", copilot, "aider:gpt-5*"]
rules:
  - name: crypto
    description: "No AI-written code in crypto (client contract, section 4)."
    paths: ["crypto/**"]
    ai: forbidden
  - name: app
    paths: ["src/**"]
    models: ["claude-sonnet-*", unknown]
    purpose: "Features and tests; reviewed by the owner."
  - name: strict
    paths: ["src/core/**"]
    require_ownership: false
    ai: owned-only
"""


def test_defaults_allow_ai_and_any_tool() -> None:
    rule = default_policy().effective("src/a.py")
    assert rule.ai is AiUse.ALLOWED
    assert rule.tools is None and rule.models is None
    assert rule.tool_problem("whatever:model-9") is None
    assert rule.purpose == ""
    assert default_policy().purposes == ()


def test_forbidden_names_the_rule_and_its_description() -> None:
    rule = load_policy(POLICY).effective("crypto/aes.py")
    assert rule.forbids_ai and rule.needs_ownership
    assert rule.forbidden_reason() == (
        "policy rule 'crypto' forbids AI-written code here: "
        "No AI-written code in crypto (client contract, section 4)."
    )
    assert rule.to_json()["ai"] == "forbidden"


def test_owned_only_requires_ownership_whatever_require_ownership_says() -> None:
    rule = load_policy(POLICY).effective("src/core/x.py")
    assert rule.require_ownership is False
    assert rule.ai is AiUse.OWNED_ONLY
    assert rule.needs_ownership
    assert rule.origin("ai") == "strict"


def test_tools_and_models_lists_inherit_and_name_their_rule() -> None:
    policy = load_policy(POLICY)
    rule = policy.effective("src/a.py")
    assert rule.tools == ("claude-code:*", "copilot", "aider:gpt-5*")
    assert rule.origin("tools") == "defaults" and rule.origin("models") == "app"
    assert rule.tool_problem("claude-code:claude-sonnet-4.5") is None
    assert rule.tool_problem("copilot") is None  # names no model: `unknown` is listed
    assert rule.tool_problem("cursor") == (
        "tool cursor is not approved here (tools: claude-code:*, copilot, aider:gpt-5*),"
        " the defaults of .ownit.yaml"
    )
    assert rule.tool_problem("aider:gpt-5-mini") == (
        "aider model gpt-5-mini is not approved (models: claude-sonnet-*, unknown),"
        " policy rule 'app'"
    )
    # Outside src/ no models list applies: aider's gpt-5 models are approved there.
    assert policy.effective("lib/x.py").tool_problem("aider:gpt-5-mini") is None
    assert policy.effective("lib/x.py").tool_problem("aider:o3") is not None
    assert rule.purpose == "Features and tests; reviewed by the owner."


def test_a_tool_glob_without_model_matches_any_model_and_case_is_ignored() -> None:
    approval = Approval(tools=("copilot",))
    assert approval.problem("Copilot:gpt-4o") is None
    assert approval.problem("copilot-autofix") is not None
    assert Approval(models=("claude-*",)).problem("claude-code") == (
        "models",
        "claude-code names no model (models: claude-*)",
    )


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("*", "", True),
        ("claude-code:*", "claude-code:unknown", True),
        ("a*b*c", "aXbYc", True),
        ("a*b*c", "aXbY", False),
        ("?opilot", "copilot", True),
        ("*" * 50 + "x", "a" * 100, False),  # no blow-up
    ],
)
def test_glob_match(pattern: str, text: str, expected: bool) -> None:
    assert glob_match(pattern, text) is expected


def test_purposes_validate_claim_tags() -> None:
    policy = load_policy(POLICY)
    assert policy.validate_purpose("  TESTS ") == "tests"
    assert policy.validate_purpose("feature") == "Feature"  # as the policy spells it
    assert policy.validate_purpose("") == ""
    with pytest.raises(PurposeRejected, match="purposes: tests, refactor, Feature"):
        policy.validate_purpose("yolo")
    assert default_policy().validate_purpose("data\nmigration") == "data migration"
    with pytest.raises(PurposeRejected, match="too long"):
        default_policy().validate_purpose("x" * 61)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("defaults:\n  ai: banned\n", "2:7: defaults.ai: expected one of allowed, owned-only"),
        ("defaults:\n  tools: copilot\n", "2:10: defaults.tools: expected a list of names"),
        ('defaults:\n  tools: ["GitHub Copilot"]\n', "2:11: defaults.tools[0]: expected a tool"),
        ('defaults:\n  models: ["a b"]\n', "2:12: defaults.models[0]: expected a model"),
        ("defaults:\n  purpose: [a]\n", "2:12: defaults.purpose: expected a sentence"),
        ("purposes: [tests, Tests]\n", "1:19: purposes[1]: 'Tests' is listed twice"),
        ("purposes: tests\n", "1:11: purposes: expected a list of purpose tags"),
    ],
)
def test_bad_values_are_errors_with_line_and_column(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy("version: 1\n" + text)
    shown = "\n".join(str(p) for p in caught.value.problems)
    line, rest = message.split(":", 1)
    assert f".ownit.yaml:{int(line) + 1}:{rest}" in shown


def test_summary_and_explain_show_the_keys() -> None:
    policy = load_policy(POLICY)
    summary = summarize(policy, ".ownit.yaml")
    crypto = summary.rules[0]
    assert ("ai", "forbidden") in crypto.sets
    assert ("tools", "claude-code:*, copilot, aider:gpt-5*") in summary.defaults
    assert summary.purposes == ("tests", "refactor", "Feature")
    lines = policy.effective("src/a.py").requirements()
    assert "tools: claude-code:*, copilot, aider:gpt-5*" in lines
    assert "purpose: Features and tests; reviewed by the owner." in lines
