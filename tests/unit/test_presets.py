"""`ownit init`'s policy presets: each one is the shipped example with its edits, loads with
the policy loader without a problem, and says what the preset promises."""

from __future__ import annotations

import pytest

from ownit.core.policy import CommitGate, Severity, default_policy, load_policy
from ownit.core.presets import PRESETS, PresetError, render_preset
from ownit.policy_files import example_policy_text

EXAMPLE = example_policy_text()


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_loads_without_a_problem(name: str) -> None:
    text = render_preset(name, EXAMPLE)
    policy = load_policy(text, ".ownit.yaml")
    assert policy.rules, "the example's rules are kept"
    assert text.startswith("# ownit policy for this repository, written by `ownit init")
    assert f"# Preset `{name}`" in text


def test_default_is_the_built_in_policy() -> None:
    policy = load_policy(render_preset("default", EXAMPLE), ".ownit.yaml")
    builtin = default_policy()
    assert policy.defaults == builtin.defaults
    assert policy.rules == builtin.rules
    assert policy.ai_commit_patterns == builtin.ai_commit_patterns


def test_strict_gates_everything() -> None:
    policy = load_policy(render_preset("strict", EXAMPLE), ".ownit.yaml")
    for path in ("src/app.py", "tests/test_app.py", "src/auth.py"):
        rule = policy.effective(path)
        assert rule.require_ownership, path
        assert rule.commit is CommitGate.BLOCK, path
    app = policy.effective("src/app.py")
    assert app.severity is Severity.ERROR
    assert app.rationale.min_chars == 40
    assert "heuristic" in {str(source) for source in app.sources}
    auth = policy.effective("src/auth.py")
    assert auth.second_owner and auth.rationale.min_chars == 80
    assert not policy.effective("src/app.py").second_owner


@pytest.mark.parametrize(
    ("message", "tool"),
    [
        ("Assisted-by: Claude:claude-3-opus coccinelle sparse", "claude-code"),
        ("Assisted-by: claude-code:claude-sonnet-5", "claude-code"),
        ("Assisted-by: GitHub Copilot:claude-sonnet-4.6", "copilot"),
        ("Assisted-by: Cursor:gpt-5", "cursor"),
        ("Assisted-by: Gemini CLI:gemini-2.5-pro", "gemini"),
        ("Assisted-by: SomeAgent:some-model-1 smatch", None),
        ("Assisted-by: copilot", None),
    ],
)
def test_kernel_reads_the_agent_of_assisted_by(message: str, tool: str | None) -> None:
    policy = load_policy(render_preset("kernel", EXAMPLE), ".ownit.yaml")
    found = policy.ai_commit_match(f"Fix a leak\n\n{message}\nSigned-off-by: A <a@b.c>\n")
    assert found is not None
    assert found.tool == tool
    assert found.pattern.startswith("kernel assisted-by")


@pytest.mark.parametrize(
    ("message", "tool"),
    [
        ("Generated-by: GitHub Copilot", "copilot"),
        ("Generated-by: Claude Code 2.1", "claude-code"),
        ("Generated-by: ChatGPT 5", "codex"),
        ("Generated-by: Some Tool 1.0", None),
    ],
)
def test_apache_reads_generated_by(message: str, tool: str | None) -> None:
    policy = load_policy(render_preset("apache", EXAMPLE), ".ownit.yaml")
    found = policy.ai_commit_match(f"Fix a leak\n\n{message}\n")
    assert found is not None and found.pattern.startswith("asf generated-by")
    assert found.tool == tool
    # the built-in policy does not know the token
    assert default_policy().ai_commit_match(f"Fix a leak\n\n{message}\n") is None


def test_a_preset_that_no_longer_applies_says_so() -> None:
    with pytest.raises(PresetError, match="example policy changed"):
        render_preset("strict", EXAMPLE.replace("  commit: warn\n", "  commit: allow\n"))
    with pytest.raises(PresetError, match="no preset 'lenient'"):
        render_preset("lenient", EXAMPLE)
