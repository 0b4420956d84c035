"""Evaluating a policy: each key's effect, last-match-wins merging, exclusions, AI commits."""

from __future__ import annotations

import datetime

import pytest

from ownit.core.claims import DEFAULT_REJECT, RationaleRejected, RationaleRules
from ownit.core.model import Source
from ownit.core.policy import (
    CommitGate,
    Policy,
    Severity,
    StaleMode,
    codeowners_for,
    default_policy,
    linguist_attribute,
    load_policy,
)

POLICY = """\
version: 1
handles:
  "@acme/security": [alice@example.com, bob@example.com]
defaults:
  severity: hint
  commit: allow
  history_since: 2025-06-01
rules:
  - name: src
    paths: ["src/**"]
    severity: warning
    owners: ["*@example.com"]
  - name: auth
    description: the keys to the kingdom
    paths: ["src/auth/**", "**/crypto/"]
    severity: error
    require_ownership: true
    commit: block
    stale: keep
    codeowner: true
    second_owner: true
    owners: ["@acme/security", carol@example.com]
    rationale:
      min_chars: 30
      max_chars: 120
      also_reject: ["/\\\\bsee (above|below)\\\\b/", "works for me"]
    sources:
      count: [agent-hook, heuristic]
      heuristic_min_lines: 5
    history_since: v2.0
  - name: docs
    paths: ["*.md"]
    require_ownership: false
    rationale:
      reject: ["/^nope/"]
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY, ".ownit.yaml")


def test_defaults_apply_where_no_rule_matches(policy: Policy) -> None:
    rule = policy.effective("lib/util.py")
    assert rule.rule_name == "defaults"
    assert rule.rule_index is None
    assert rule.matched_rules == ()
    assert rule.severity is Severity.HINT
    assert rule.commit is CommitGate.ALLOW
    assert rule.history_since.date == datetime.date(2025, 6, 1)
    assert rule.origin("severity") == "defaults"


def test_last_matching_rule_wins_key_by_key(policy: Policy) -> None:
    rule = policy.effective("src/auth/token.py")
    assert rule.matched_rules == ("src", "auth")
    assert rule.rule_name == "auth"
    assert rule.rule_index == 1
    assert rule.severity is Severity.ERROR
    assert rule.origin("severity") == "auth"
    assert rule.commit is CommitGate.BLOCK
    assert rule.stale is StaleMode.KEEP
    assert rule.history_since.revision == "v2.0"
    # keys the later rule does not name keep the earlier rule's / default's value
    assert policy.effective("src/app.py").owners == ("*@example.com",)
    assert policy.effective("src/app.py").origin("owners") == "src"


def test_rule_order_decides(policy: Policy) -> None:
    # README.md in src/auth matches src, auth and docs: docs is last, so docs wins for
    # require_ownership and rationale.reject, auth still sets severity.
    rule = policy.effective("src/auth/README.md")
    assert rule.matched_rules == ("src", "auth", "docs")
    assert rule.require_ownership is False
    assert rule.severity is Severity.ERROR
    assert [m.text for m in rule.rationale.reject] == ["/^nope/"]
    assert rule.origin("rationale.reject") == "docs"


def test_directory_glob_covers_contents(policy: Policy) -> None:
    assert policy.effective("lib/crypto/aes.c").rule_name == "auth"
    assert policy.effective("lib/crypto").rule_name == "defaults"  # crypto/ is directories only


def test_rationale_rules_merge_and_also_reject_appends(policy: Policy) -> None:
    rule = policy.effective("src/auth/token.py")
    assert rule.rationale.min_chars == 30
    assert rule.rationale.max_chars == 120
    assert rule.rationale.phrases == (*DEFAULT_REJECT, "works for me")
    assert [m.text for m in rule.rationale.patterns] == ["/\\bsee (above|below)\\b/"]
    assert rule.rationale_rules == RationaleRules(30, 120, (*DEFAULT_REJECT, "works for me"))


def test_validate_rationale_applies_lengths_phrases_and_patterns(policy: Policy) -> None:
    rule = policy.effective("src/auth/token.py")
    good = "Uses hmac.compare_digest; lengths are checked before comparing"
    assert rule.validate_rationale(good) == good
    with pytest.raises(RationaleRejected, match=r"too short.*policy rule 'auth'"):
        rule.validate_rationale("constant-time compare ok")
    with pytest.raises(RationaleRejected, match="too long"):
        rule.validate_rationale("word " * 40)
    with pytest.raises(RationaleRejected, match=r"rejected pattern .*see \(above"):
        rule.validate_rationale("The reasoning is explained, see above in the token module")
    with pytest.raises(RationaleRejected, match="placeholder"):
        rule.validate_rationale("works for me, lgtm, looks good to me, trust me, done")
    # the default rules are claims.py's own
    default_rule = default_policy().effective("lib/x.py")
    assert default_rule.rationale_rules == RationaleRules()


def test_sources_and_heuristic_minimum(policy: Policy) -> None:
    rule = policy.effective("src/auth/token.py")
    assert rule.counts_source(Source.AGENT_HOOK, 1)
    assert not rule.counts_source(Source.INLINE_COMPLETION, 100)
    assert not rule.counts_source("heuristic", 4)
    assert rule.counts_source("heuristic", 5)
    assert not rule.counts_source("no-such-source", 100)
    default_rule = policy.effective("lib/x.py")
    assert default_rule.counts_source("inline-completion", 1)
    assert not default_rule.counts_source("heuristic", 1000)


def test_owners_handles_second_owner_and_codeowners(policy: Policy) -> None:
    rule = policy.effective("src/auth/token.py")
    assert rule.owner_allowed("Alice@Example.com")
    assert rule.owner_allowed("carol@example.com")
    assert not rule.owner_allowed("mallory@example.com")
    assert policy.effective("src/app.py").owner_allowed("anyone@example.com")
    assert not policy.effective("src/app.py").owner_allowed("x@elsewhere.org")
    assert policy.effective("lib/x.py").owner_allowed("x@elsewhere.org")

    codeowners = codeowners_for("* @everyone\nsrc/auth/ @acme/security\n", "src/auth/token.py")
    assert codeowners == ("@acme/security",)
    assert rule.owner_problems(["alice@example.com", "bob@example.com"], codeowners) == []
    problems = rule.owner_problems(["carol@example.com"], codeowners)
    assert any("two distinct owners" in p for p in problems)
    assert any("CODEOWNERS" in p for p in problems)
    problems = rule.owner_problems(["mallory@example.com", "alice@example.com"], codeowners)
    assert any("mallory@example.com may not own" in p and "rule 'auth'" in p for p in problems)
    assert any("lists nobody" in p for p in rule.owner_problems(["a@example.com"], ()))
    assert policy.expand_handles(["@acme/security", "Dan@x.org"]) == {
        "alice@example.com",
        "bob@example.com",
        "dan@x.org",
    }


def test_explain_lists_rules_in_order_with_patterns_and_keys(policy: Policy) -> None:
    explained = policy.explain("src/auth/README.md")
    assert [(m.rule, m.index, m.pattern) for m in explained] == [
        ("src", 0, "src/**"),
        ("auth", 1, "src/auth/**"),
        ("docs", 2, "*.md"),
    ]
    assert explained[1].line == 13
    assert "codeowner" in explained[1].sets
    assert explained[2].sets == ("require_ownership", "rationale.reject")
    assert policy.explain("lib/x.py") == []
    assert policy.effective("src/auth/README.md").to_json()["rule"] == "docs"
    # one per key: severity … history_since, min_evidence, ai, tools, models, purpose,
    # signatures
    assert len(policy.effective("src/a.py").requirements()) == 16


def test_paths_are_normalized(policy: Policy) -> None:
    assert policy.effective("./src//auth\\token.py").path == "src/auth/token.py"
    assert policy.effective("./src//auth\\token.py").rule_name == "auth"


# --- exclusions ------------------------------------------------------------------------------


def test_exclude_globs_and_linguist_attributes() -> None:
    policy = default_policy()
    assert policy.is_excluded("web/node_modules/left-pad/index.js")
    assert policy.is_excluded("app.min.js")
    assert policy.is_excluded("proto/api_pb2.py")
    assert not policy.is_excluded("src/app.py")
    attributes = (
        "# generated code\n"
        "gen/** linguist-generated\n"
        "gen/keep.py -linguist-generated\n"
        "third/**  linguist-vendored=true\n"
        "*.snap linguist-generated=false\n"
        '"docs/my file.md" linguist-generated\n'
    )
    assert policy.is_excluded("gen/a/b.py", attributes)
    assert not policy.is_excluded("gen/keep.py", attributes)
    assert (
        policy.exclusion_reason("third/x.c", attributes)
        == "marked linguist-vendored in .gitattributes"
    )
    assert not policy.is_excluded("a.snap", attributes)
    assert policy.is_excluded("docs/my file.md", attributes)
    assert linguist_attribute(attributes, "src/app.py") is None
    # gitattributes patterns do not match a directory's contents by themselves
    assert linguist_attribute("gen linguist-generated\n", "gen/a.py") is None


def test_exclude_linguist_false_ignores_gitattributes() -> None:
    policy = load_policy("version: 1\nexclude_linguist: false\nexclude: []\n", ".ownit.yaml")
    assert not policy.is_excluded("gen/a.py", "gen/** linguist-generated\n")
    assert not policy.is_excluded("node_modules/x.js")


# --- AI-assisted commits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "author", "tool"),
    [
        ("Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", ("Dev", "d@x"), "claude-code"),
        (
            "Fix\n\nco-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
            ("D", "d@x"),
            "copilot",
        ),
        ("Fix\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>", ("D", "d@x"), "cursor"),
        ("Fix\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>", ("D", "d@x"), "aider"),
        ("Fix\n\nCo-authored-by: Codex <codex@openai.com>", ("D", "d@x"), "codex"),
        ("Fix\n\nCo-authored-by: gemini-code-assist[bot] <x@y>", ("D", "d@x"), "gemini"),
        ("Fix\n\nAssisted-by: claude-code:claude-sonnet-5", ("D", "d@x"), "claude-code"),
        ("Fix", ("Dev Name (aider)", "d@x"), "aider"),
        ("Fix", ("Copilot", "198982749+Copilot@users.noreply.github.com"), "copilot"),
        ("Fix", ("copilot-swe-agent[bot]", "x@y"), "copilot"),
    ],
)
def test_default_ai_commit_patterns(
    message: str, author: tuple[str, str], tool: str | None
) -> None:
    found = default_policy().ai_commit_match(message, *author)
    assert found is not None
    assert found.tool == tool
    assert default_policy().is_ai_commit(message, *author) == found.reason


@pytest.mark.parametrize(
    "message",
    [
        "Fix the cursor position in the editor",
        "Co-authored-by: Jane Doe <jane@example.com>",
        "Mention claude in the body without a trailer",
        "Assisted-by:",
    ],
)
def test_ordinary_commits_are_not_ai(message: str) -> None:
    assert default_policy().is_ai_commit(message, "Jane Doe", "jane@example.com") is None


def test_custom_ai_commit_patterns() -> None:
    policy = load_policy(
        "version: 1\n"
        "ai_commit_patterns:\n"
        "  - '[ai]'\n"
        "  - name: bot\n"
        "    committer_email: '/@bots\\.example\\.com$/'\n"
        "    tool: internal-bot\n"
        "  - trailer: Generated-by\n"
        "    match: llm\n",
        ".ownit.yaml",
    )
    assert policy.is_ai_commit("feat: thing [AI]") is not None
    found = policy.ai_commit_match("x", committer_email="ci@bots.example.com")
    assert found is not None and found.tool == "internal-bot" and found.pattern == "bot"
    assert policy.is_ai_commit("x\n\nGenerated-by: some LLM tool") is not None
    assert policy.is_ai_commit("x\n\nCo-authored-by: Claude <noreply@anthropic.com>") is None


def test_long_lines_are_capped_before_matching() -> None:
    policy = load_policy("version: 1\nai_commit_patterns: ['/a.*b.*c.*d/']\n", ".ownit.yaml")
    assert policy.is_ai_commit("a" * 1_000_000) is None
