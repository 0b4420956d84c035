"""The built-in ai_commit_patterns on each tool's real lines, as the tool writes them (its
source or documentation; docs/policy.md names them): which pattern matches, and the tool,
model and evidence class it reports. Also the readers of tool and model, and the policy
keys that add to, replace or switch off built-in patterns."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownit.core.commit_message import AiCommitDetector
from ownit.core.policy import PolicyError, default_policy, load_policy
from ownit.core.policy.tool_model import model_name, read, tool_name

DEV = ("Paul Gauthier", "paul@example.com")


@dataclass(frozen=True)
class Case:
    message: str
    pattern: str
    tool: str | None
    model: str | None = None
    evidence: str = "corroborated"
    author: tuple[str, str] = DEV
    committer: tuple[str, str] = DEV


def body(*lines: str) -> str:
    return "Add the retry loop\n\nRetry twice on a timeout.\n\n" + "\n".join(lines) + "\n"


CASES = {
    # aider, aider/repo.py commit(): co-author attribution (the default in recent versions)...
    "aider co-author": Case(
        body("Co-authored-by: aider (gpt-5) <aider@aider.chat>"),
        "aider co-author",
        "aider",
        "gpt-5",
    ),
    "aider co-author, provider/model": Case(
        body("Co-authored-by: aider (anthropic/claude-sonnet-4-20250514) <aider@aider.chat>"),
        "aider co-author",
        "aider",
        "anthropic/claude-sonnet-4-20250514",
    ),
    "aider co-author, model with a colon": Case(
        body(
            "Co-authored-by: aider (openrouter/deepseek/deepseek-chat-v3-0324:free) "
            "<aider@aider.chat>"
        ),
        "aider co-author",
        "aider",
        "openrouter/deepseek/deepseek-chat-v3-0324:free",
    ),
    "aider co-author, noreply@ address": Case(
        body("Co-authored-by: aider (gpt-4o) <noreply@aider.chat>"),
        "aider co-author",
        "aider",
        "gpt-4o",
    ),
    "aider co-author, aider.dev address": Case(
        body("Co-authored-by: aider (o3-mini) <noreply@aider.dev>"),
        "aider co-author",
        "aider",
        "o3-mini",
    ),
    "aider co-author, no model known": Case(
        body("Co-authored-by: aider (unknown-model) <aider@aider.chat>"), "aider co-author", "aider"
    ),
    # ... with --attribute-author explicitly on as well: the trailer names the model.
    "aider co-author and author name": Case(
        body("Co-authored-by: aider (gpt-5) <aider@aider.chat>"),
        "aider co-author",
        "aider",
        "gpt-5",
        author=("Paul Gauthier (aider)", "paul@example.com"),
    ),
    # ... co-author attribution off: author and committer names end in " (aider)".
    "aider names": Case(
        "Add the retry loop\n",
        "aider author",
        "aider",
        author=("Paul Gauthier (aider)", "paul@example.com"),
        committer=("Paul Gauthier (aider)", "paul@example.com"),
    ),
    # ... before version 0.39: the "aider: " subject prefix.
    "aider subject prefix": Case(
        "aider: Added a --dry-run switch\n", "aider subject prefix", "aider"
    ),
    # Claude Code: the name is the model in use, or just "Claude"; the footer, the session.
    "claude code with model": Case(
        body(
            "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
            "",
            "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>",
        ),
        "claude co-author",
        "claude-code",
        "claude-sonnet-4.5",
    ),
    "claude code, opus": Case(
        body("Co-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>"),
        "claude co-author",
        "claude-code",
        "claude-opus-4.1",
    ),
    "claude code, no model": Case(
        body("Co-Authored-By: Claude <noreply@anthropic.com>"), "claude co-author", "claude-code"
    ),
    "claude code session": Case(
        body("Claude-Session: https://claude.ai/code/session_01AbCdEf"),
        "claude code session",
        "claude-code",
    ),
    "claude code footer": Case(
        body("🤖 Generated with [Claude Code](https://claude.ai/code)"),
        "claude code footer",
        "claude-code",
    ),
    # GitHub Copilot.
    "copilot cli": Case(
        body("Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>"),
        "copilot co-author",
        "copilot",
    ),
    "copilot on github.com": Case(
        body("Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>"),
        "copilot co-author",
        "copilot",
    ),
    "copilot coding agent, squashed": Case(
        body(
            "Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
            "Co-authored-by: Paul Gauthier <paul@example.com>",
        ),
        "copilot co-author",
        "copilot",
    ),
    "copilot coding agent as author": Case(
        body("Co-authored-by: Paul Gauthier <paul@example.com>"),
        "copilot agent author",
        "copilot",
        author=("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"),
        committer=("GitHub", "noreply@github.com"),
    ),
    "copilot agent bot name": Case(
        "Initial plan\n",
        "copilot agent bot",
        "copilot",
        author=("copilot-swe-agent[bot]", "agent@example.com"),
    ),
    "copilot vs code": Case(
        body("Co-authored-by: Copilot <copilot@github.com>"),
        "copilot vs code co-author",
        "copilot",
        evidence="weak",
    ),
    "copilot autofix": Case(
        "Potential fix for code scanning alert no. 26: Workflow does not contain permissions\n\n"
        "Co-authored-by: Copilot Autofix powered by AI "
        "<62310815+github-advanced-security[bot]@users.noreply.github.com>\n",
        "copilot autofix co-author",
        "copilot-autofix",
    ),
    "copilot autofix on a pull request": Case(
        "Potential fix for pull request finding\n\n"
        "Co-authored-by: Copilot Autofix powered by AI "
        "<175728472+Copilot@users.noreply.github.com>\n",
        "copilot autofix co-author",
        "copilot-autofix",
    ),
    # Cursor.
    "cursor": Case(
        body("Co-authored-by: Cursor <cursoragent@cursor.com>"), "cursor co-author", "cursor"
    ),
    "cursor agent": Case(
        body("Co-authored-by: Cursor Agent <cursoragent@cursor.com>"), "cursor co-author", "cursor"
    ),
    "cursor made-with": Case(body("Made-with: Cursor"), "cursor made-with", "cursor"),
    # Codex, OpenCode, Amp.
    "codex": Case(body("Co-authored-by: Codex <noreply@openai.com>"), "codex co-author", "codex"),
    "codex cloud bot": Case(
        body(
            "Co-authored-by: chatgpt-codex-connector[bot] "
            "<199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>"
        ),
        "codex co-author",
        "codex",
    ),
    "codex bot author": Case(
        "Fix the parser\n",
        "codex bot author",
        "codex",
        author=(
            "chatgpt-codex-connector[bot]",
            "199175422+chatgpt-codex-connector[bot]@users.noreply.github.com",
        ),
    ),
    "opencode": Case(
        body(
            "🤖 Generated with [opencode](https://opencode.ai)",
            "",
            "Co-Authored-By: opencode <noreply@opencode.ai>",
        ),
        "opencode co-author",
        "opencode",
    ),
    "opencode footer": Case(
        body("🤖 Generated with [opencode](https://opencode.ai)"), "opencode footer", "opencode"
    ),
    "amp": Case(
        body(
            "Amp-Thread-ID: https://ampcode.com/threads/T-e177ff44-61cb-4e2b-990d-f3a5ff421da6",
            "Co-authored-by: Amp <amp@ampcode.com>",
        ),
        "amp co-author",
        "amp",
    ),
    "amp thread": Case(
        body("Amp-Thread-ID: https://ampcode.com/threads/T-019e15fc-8215-72c8-a742-13bfe06456d4"),
        "amp thread",
        "amp",
    ),
    # Bots that commit as themselves, or are credited as co-authors of a squash.
    "devin author": Case(
        "Add the retry loop\n",
        "devin bot author",
        "devin",
        author=(
            "devin-ai-integration[bot]",
            "158243242+devin-ai-integration[bot]@users.noreply.github.com",
        ),
    ),
    "devin co-author": Case(
        body(
            "Co-Authored-By: Devin <158243242+devin-ai-integration[bot]@users.noreply.github.com>"
        ),
        "devin co-author",
        "devin",
    ),
    "jules author": Case(
        "Add the retry loop\n",
        "jules bot author",
        "jules",
        author=(
            "google-labs-jules[bot]",
            "161369871+google-labs-jules[bot]@users.noreply.github.com",
        ),
    ),
    "jules co-author": Case(
        body(
            "Co-authored-by: google-labs-jules[bot] "
            "<161369871+google-labs-jules[bot]@users.noreply.github.com>"
        ),
        "jules co-author",
        "jules",
    ),
    "gemini code assist": Case(
        body(
            "Co-authored-by: gemini-code-assist[bot] "
            "<176961590+gemini-code-assist[bot]@users.noreply.github.com>"
        ),
        "gemini code assist co-author",
        "gemini",
    ),
    # Project conventions.
    "kernel assisted-by": Case(
        body(
            "Assisted-by: Claude:claude-3-opus coccinelle sparse",
            "Signed-off-by: Paul Gauthier <paul@example.com>",
        ),
        "assisted-by trailer",
        "claude",
        "claude-3-opus",
    ),
    "ownit assisted-by": Case(
        body("Assisted-by: claude-code:claude-sonnet-5"),
        "assisted-by trailer",
        "claude-code",
        "claude-sonnet-5",
    ),
    "openinfra assisted-by": Case(
        body("Assisted-By: claude-code claude-sonnet-4-5"),
        "assisted-by trailer",
        "claude-code",
        "claude-sonnet-4-5",
    ),
    "apache generated-by": Case(
        body("Generated-by: GitHub Copilot"), "generated-by trailer", "github-copilot"
    ),
    "openinfra generated-by": Case(
        body("Generated-By: Cursor (claude-4-sonnet)"),
        "generated-by trailer",
        "cursor",
        "claude-4-sonnet",
    ),
    "openliberty co-authored-by-ai": Case(
        body("Co-authored-by-AI: IBM Bob 1.0.0 (Claude Sonnet 4.6)"),
        "co-authored-by-ai trailer",
        "ibm-bob",
        "claude-sonnet-4.6",
    ),
    "openliberty, copilot": Case(
        body("Co-authored-by-AI: GitHub Copilot (gpt-4.1)"),
        "co-authored-by-ai trailer",
        "github-copilot",
        "gpt-4.1",
    ),
    "openliberty, no model": Case(
        body("Co-authored-by-AI: IBM Bob 1.0.0"), "co-authored-by-ai trailer", "ibm-bob"
    ),
    # A squash made with `git merge --squash` indents the squashed messages.
    "indented, as git merge --squash writes": Case(
        "Squashed commit of the following:\n\ncommit 0123456789\n\n    Add it\n\n"
        "    Co-authored-by: aider (gpt-5) <aider@aider.chat>\n",
        "aider co-author",
        "aider",
        "gpt-5",
    ),
}


def match(case: Case) -> object:
    return default_policy().ai_commit_match(case.message, *case.author, *case.committer)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_tool_line_names_the_tool_and_model(case: Case) -> None:
    found = default_policy().ai_commit_match(case.message, *case.author, *case.committer)
    assert found is not None
    assert (found.pattern, found.tool, found.model, found.evidence) == (
        case.pattern,
        case.tool,
        case.model,
        case.evidence,
    )
    expected = case.tool if case.model is None else f"{case.tool}:{case.model}"
    assert found.attribution == expected
    # The detector verify, report and blame use gives the same answer.
    detector = AiCommitDetector(default_policy())
    assert detector.match(case.message, *case.author, *case.committer) == found


def test_every_built_in_pattern_has_a_real_line() -> None:
    covered = {case.pattern for case in CASES.values()}
    names = [pattern.name for pattern in default_policy().ai_commit_patterns]
    assert len(names) == len(set(names))
    assert set(names) <= covered, set(names) - covered


NOT_AI = {
    "ordinary": ("Fix the cursor position in the editor\n", DEV, DEV),
    "a person co-author": (body("Co-authored-by: Jane Doe <jane@example.com>"), DEV, DEV),
    "a person named claude": (body("Co-authored-by: Claude Monet <claude@example.com>"), DEV, DEV),
    "a person named copilot": (body("Co-authored-by: Copilot Jones <cj@example.com>"), DEV, DEV),
    "a person named cursor": (body("Co-authored-by: Cursor Johnson <cj@example.com>"), DEV, DEV),
    "a person named gemini": (body("Co-authored-by: Alice Gemini <a@example.com>"), DEV, DEV),
    "a person named codex": (body("Co-authored-by: Codex Rivera <c@example.com>"), DEV, DEV),
    "a person named amp": (body("Co-authored-by: Amp Li <amp@example.com>"), DEV, DEV),
    "a tool named in prose": ("Mention claude and aider in the body\n\nUse copilot.\n", DEV, DEV),
    "a sign-off, not a co-author": (
        body("Signed-off-by: Claude <noreply@anthropic.com>"),
        DEV,
        DEV,
    ),
    "an empty assisted-by": (body("Assisted-by:"), DEV, DEV),
    "aider: in the body only": ("Update the docs\n\naider: was the old prefix\n", DEV, DEV),
    # aider committing the user's own changes (dirty files, /commit): committer only.
    "aider committer only": (
        "Update the README\n",
        DEV,
        ("Paul Gauthier (aider)", "paul@example.com"),
    ),
    "a web edit": ("Update README.md\n", DEV, ("GitHub", "noreply@github.com")),
}


@pytest.mark.parametrize(("message", "author", "committer"), NOT_AI.values(), ids=NOT_AI.keys())
def test_what_no_tool_wrote_is_not_ai(
    message: str, author: tuple[str, str], committer: tuple[str, str]
) -> None:
    assert default_policy().ai_commit_match(message, *author, *committer) is None


def test_a_corroborated_match_wins_over_a_weak_one() -> None:
    message = body(
        "Co-authored-by: Copilot <copilot@github.com>",
        "Co-authored-by: Cursor <cursoragent@cursor.com>",
    )
    found = default_policy().ai_commit_match(message, *DEV)
    assert found is not None and found.pattern == "cursor co-author"
    assert found.evidence == "corroborated" and "weak" not in found.reason
    alone = default_policy().ai_commit_match(body("Co-authored-by: Copilot <copilot@github.com>"))
    assert alone is not None and alone.reason.endswith(", weak evidence)")


def test_an_exact_trailer_block_hides_the_subject_prefix_too() -> None:
    claim = "AI-Unowned: a.py:1-4 3f9a1c2b7d4e aider"
    exact = f"aider: Add it\n\n{claim}\nAI-Lines: exact\n"
    detector = AiCommitDetector(default_policy())
    assert detector.match(exact, *DEV) is None
    found = detector.match(exact.replace("AI-Lines: exact\n", ""), *DEV)
    assert found is not None and found.pattern == "aider subject prefix"


# --- reading tool and model ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "value", "tool", "expected"),
    [
        ("model-in-parentheses", "aider (gpt-5) <aider@aider.chat>", "aider", ("aider", "gpt-5")),
        ("model-in-parentheses", "aider <aider@aider.chat>", "aider", ("aider", None)),
        (
            "model-in-parentheses",
            "Aider (Arcee Trinity) <x@aider.chat>",
            "aider",
            ("aider", "arcee-trinity"),
        ),
        (
            "model-in-name",
            "Claude Sonnet 4.5 <noreply@anthropic.com>",
            "claude-code",
            ("claude-code", "claude-sonnet-4.5"),
        ),
        ("model-in-name", "Claude <noreply@anthropic.com>", "claude-code", ("claude-code", None)),
        (
            "model-in-name",
            "Claude Code <noreply@anthropic.com>",
            "claude-code",
            ("claude-code", None),
        ),
        ("tool-model", "claude-code:claude-sonnet-5", None, ("claude-code", "claude-sonnet-5")),
        ("tool-model", "Claude Code:claude-opus-4 sparse", None, ("claude-code", "claude-opus-4")),
        ("tool-model", "copilot", None, ("copilot", None)),
        ("tool-model", "GitHub Copilot", None, ("github-copilot", None)),
        ("tool-model", "Cursor 0.45", None, ("cursor", None)),
        ("tool-model", "claude-code claude-opus-4-5", None, ("claude-code", "claude-opus-4-5")),
        ("tool-model", "IBM Bob 1.0.0 (Claude Sonnet 4.6)", None, ("ibm-bob", "claude-sonnet-4.6")),
        ("tool-model", "Claude Opus 4.6 <noreply@anthropic.com>", None, ("claude-opus", None)),
        ("tool-model", "https://example.com/agent", "x", ("https-example.com-agent", None)),
        ("tool-model", "   ", "fallback", ("fallback", None)),
        (None, "anything (m)", "tool", ("tool", None)),
    ],
)
def test_readers(
    reader: str | None, value: str, tool: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert read(reader, value, tool) == expected


def test_names_are_normalised_and_bounded() -> None:
    assert tool_name("  My\tTool\x1b[2J v2 ") == "my-tool-2j"
    assert model_name("GPT 5 <x>") == "gpt-5-x"
    assert model_name("unknown-model") is None
    assert len(tool_name("a" * 5000)) == 100
    assert all(" " not in (tool_name(s) + (model_name(s) or "")) for s in ("a b", "\u00e9 x"))


# --- policy keys -----------------------------------------------------------------------------


def test_also_adds_replaces_by_name_and_disable_switches_off() -> None:
    policy = load_policy(
        "version: 1\n"
        "also_ai_commit_patterns:\n"
        "  - name: internal agent\n"
        "    committer_email: '/@agents\\.example\\.com$/'\n"
        "    tool: internal-agent\n"
        "  - name: copilot vs code co-author\n"  # replaces the built-in one, in place
        "    trailer: Co-authored-by\n"
        "    match: '<copilot@github.com>'\n"
        "    tool: copilot\n"
        "    evidence: corroborated\n"
        "  - name: our trailer\n"
        "    trailer: AI-Tool\n"
        "    match: '/\\S/'\n"
        "    read: tool-model\n"
        "disable_ai_commit_patterns: [claude code footer]\n",
        ".ownit.yaml",
    )
    names = [p.name for p in policy.ai_commit_patterns]
    kept = [p.name for p in default_policy().ai_commit_patterns if p.name != "claude code footer"]
    assert names == [*kept, "internal agent", "our trailer"]
    assert names.index("copilot vs code co-author") == kept.index("copilot vs code co-author")
    vs_code = policy.ai_commit_match(body("Co-authored-by: Copilot <copilot@github.com>"))
    assert vs_code is not None and vs_code.evidence == "corroborated"
    agent = policy.ai_commit_match("x", committer_email="bot@agents.example.com")
    assert agent is not None and agent.tool == "internal-agent"
    ours = policy.ai_commit_match(body("AI-Tool: Windsurf (swe-1)"))
    assert ours is not None and ours.attribution == "windsurf:swe-1"
    assert (
        policy.ai_commit_match(body("🤖 Generated with [Claude Code](https://claude.ai/code)"))
        is None
    )


def test_replacing_the_list_keeps_only_what_it_lists() -> None:
    policy = load_policy(
        "version: 1\nai_commit_patterns:\n  - name: only\n    subject: '/^\\[ai\\]/'\n"
        "also_ai_commit_patterns: [' (bot)']\n",
        ".ownit.yaml",
    )
    assert [p.name for p in policy.ai_commit_patterns] == ["only", " (bot)"]
    assert policy.ai_commit_match("[AI] Add it") is not None
    assert policy.ai_commit_match("Add it", committer_name="Dev (aider)") is None


def problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(PolicyError) as raised:
        load_policy(text, ".ownit.yaml")
    return [(p.line, p.column, p.message) for p in raised.value.problems]


def test_bad_pattern_keys_are_errors_with_their_position() -> None:
    found = problems(
        "version: 1\n"
        "also_ai_commit_patterns:\n"
        "  - name: a\n"
        "    subject: x\n"
        "    read: model-in-brackets\n"  # 5
        "  - name: b\n"
        "    subject: y\n"
        "    evidence: strong\n"  # 8
        "  - name: a\n"  # 9: a second 'a'
        "    subject: z\n"
        "  - name: c\n"
        "    subject: w\n"
        "    evidance: weak\n"  # 13
        "disable_ai_commit_patterns: [claude-co-author, nothing like it]\n"  # 14
    )
    lines = [(line, column) for line, column, _ in found]
    assert lines == [(5, 11), (8, 15), (9, 5), (13, 5), (14, 30), (14, 48)]
    messages = [message for _, _, message in found]
    assert "expected one of tool-model, model-in-parentheses, model-in-name" in messages[0]
    assert "expected one of corroborated, weak" in messages[1]
    assert "another entry is named 'a'" in messages[2]
    assert "unknown key 'evidance'" in messages[3] and "did you mean 'evidence'?" in messages[3]
    assert "no pattern in force is named 'claude-co-author'" in messages[4]
    assert "did you mean 'claude co-author'?" in messages[4]
    assert "no pattern in force is named 'nothing like it'" in messages[5]


def test_built_in_patterns_mean_the_same_to_re2() -> None:
    """Copied into a policy file, a built-in pattern runs on RE2: it must agree with the
    built-in (``re``) on every real line above."""
    from ownit.core.policy import compile_matcher

    samples: list[str] = []
    for case in CASES.values():
        samples += [*case.message.splitlines(), *case.author, *case.committer]
    for message, author, committer in NOT_AI.values():
        samples += [*message.splitlines(), *author, *committer]
    samples += [line.split(": ", 1)[-1] for line in samples]  # trailer values alone
    for pattern in default_policy().ai_commit_patterns:
        re2 = compile_matcher(pattern.match.text)
        for sample in samples:
            assert pattern.match.search(sample) == re2.search(sample), (pattern.name, sample)


# --- the evidence the detector remembers answers by ------------------------------------------

_REAL_LINES = sorted(
    {line for case in CASES.values() for line in case.message.splitlines()}
    | {line for message, _, _ in NOT_AI.values() for line in message.splitlines()}
)
_CUSTOM = load_policy(
    "version: 1\n"
    "also_ai_commit_patterns:\n"
    "  - '[ai]'\n"  # a phrase on every line
    "  - name: anchored\n"
    "    message: '/\\Agenerated by\\b/'\n"  # RE2, anchored at the start of the text
    "  - name: tagged subject\n"
    "    subject: '/\\((ai|bot)\\)$/'\n"
    "  - name: committer bot\n"
    "    committer_name: '/\\[bot\\]$/'\n",
    ".ownit.yaml",
)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(_REAL_LINES),
            st.sampled_from(["", "  ", "Generated by hand", "fix (AI)", "[AI] x", "aider: y"]),
            st.text(alphabet="abc :-()<>@[]\t\r\x0b\x1c\u2028", max_size=30),
            st.sampled_from(["x\r🤖 Generated with [Claude Code](https://claude.ai/code)"]),
        ),
        max_size=8,
    ),
    st.sampled_from([DEV, ("Dev (aider)", "d@example.com"), ("x[bot]", "b@example.com")]),
    st.sampled_from([default_policy(), _CUSTOM]),
)
def test_the_evidence_gives_the_same_answer_as_the_message(
    lines: list[str], person: tuple[str, str], policy: object
) -> None:
    from ownit.core.policy import Policy

    assert isinstance(policy, Policy)
    message = "\n".join(lines)
    evidence = policy.ai_commit_evidence(message)
    assert policy.ai_commit_match(evidence, *person, *person) == policy.ai_commit_match(
        message, *person, *person
    )
