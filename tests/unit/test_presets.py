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
    ("message", "tool", "model"),
    [
        ("Assisted-by: Claude:claude-3-opus coccinelle sparse", "claude", "claude-3-opus"),
        ("Assisted-by: claude-code:claude-sonnet-5", "claude-code", "claude-sonnet-5"),
        ("Assisted-by: GitHub Copilot:claude-sonnet-4.6", "github-copilot", "claude-sonnet-4.6"),
    ],
)
def test_kernel_reads_the_assisted_by_tag(message: str, tool: str, model: str) -> None:
    policy = load_policy(render_preset("kernel", EXAMPLE), ".ownit.yaml")
    found = policy.ai_commit_match(f"Fix a leak\n\n{message}\nSigned-off-by: A <a@b.c>\n")
    assert found is not None and found.pattern == "assisted-by trailer"
    assert (found.tool, found.model) == (tool, model)


@pytest.mark.parametrize(
    "trailer",
    [
        "Signed-off-by: Claude <noreply@anthropic.com>",
        "Co-developed-by: Copilot <198982749+Copilot@users.noreply.github.com>",
    ],
)
def test_kernel_counts_an_ai_sign_off_as_ai_assisted(trailer: str) -> None:
    message = f"Fix a leak\n\n{trailer}\n"
    assert default_policy().ai_commit_match(message) is None, "the built-in policy does not"
    policy = load_policy(render_preset("kernel", EXAMPLE), ".ownit.yaml")
    found = policy.ai_commit_match(message)
    assert found is not None and found.pattern.startswith("kernel ai ")
    assert policy.ai_commit_match("Fix\n\nSigned-off-by: Dev <dev@example.com>\n") is None


def test_apache_reads_generated_by_and_asks_for_longer_rationales() -> None:
    policy = load_policy(render_preset("apache", EXAMPLE), ".ownit.yaml")
    found = policy.ai_commit_match("Fix a leak\n\nGenerated-by: GitHub Copilot\n")
    assert found is not None and found.pattern == "generated-by trailer"
    assert found.tool == "github-copilot"
    assert policy.effective("src/app.py").rationale.min_chars == 30
    assert policy.effective("src/auth.py").rationale.min_chars == 40, "sensitive keeps its 40"


def test_a_preset_that_no_longer_applies_says_so() -> None:
    with pytest.raises(PresetError, match="example policy changed"):
        render_preset("strict", EXAMPLE.replace("  commit: warn\n", "  commit: allow\n"))
    with pytest.raises(PresetError, match="no preset 'lenient'"):
        render_preset("lenient", EXAMPLE)
