"""The built-in policy: what applies with no `.ownit.yaml`; equal to policy.example.yaml."""

from __future__ import annotations

from ownit.core.claims import DEFAULT_MAX_CHARS, DEFAULT_MIN_CHARS, DEFAULT_REJECT
from ownit.core.model import Severity, Source
from ownit.core.policy.globs import Glob
from ownit.core.policy.model import (
    ALL_HISTORY,
    AiCommitPattern,
    CommitGate,
    Policy,
    RationaleSettings,
    Rule,
    Settings,
    SourceSettings,
    StaleMode,
)
from ownit.core.policy.patterns import builtin_matcher

DEFAULT_SOURCES = frozenset(
    {
        Source.AGENT_HOOK,
        Source.INLINE_COMPLETION,
        Source.CHAT_EDIT,
        Source.MANUAL,
        Source.COMMIT_TRAILER,
    }
)
DEFAULT_HEURISTIC_MIN_LINES = 15

DEFAULT_SETTINGS = Settings(
    severity=Severity.WARNING,
    require_ownership=True,
    rationale=RationaleSettings(
        min_chars=DEFAULT_MIN_CHARS,
        max_chars=DEFAULT_MAX_CHARS,
        reject=tuple(builtin_matcher(phrase) for phrase in DEFAULT_REJECT),
    ),
    owners=(),
    codeowner=False,
    second_owner=False,
    stale=StaleMode.REOPEN,
    commit=CommitGate.WARN,
    sources=SourceSettings(count=DEFAULT_SOURCES, heuristic_min_lines=DEFAULT_HEURISTIC_MIN_LINES),
    history_since=ALL_HISTORY,
)

DEFAULT_EXCLUDE = (
    "**/node_modules/",
    "**/vendor/",
    "**/third_party/",
    "**/dist/",
    "**/build/",
    "*.min.js",
    "*.lock",
    "package-lock.json",
    "**/*_pb2.py",
    "**/*.generated.*",
)

# (name, field, match, trailer, tool)
_AI_COMMIT_PATTERNS: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    (
        "claude co-author",
        "trailer",
        r"/\bclaude\b|@anthropic\.com/",
        "Co-authored-by",
        "claude-code",
    ),
    (
        "copilot co-author",
        "trailer",
        r"/\bcopilot\b|\+copilot@users\.noreply\.github\.com/",
        "Co-authored-by",
        "copilot",
    ),
    ("cursor co-author", "trailer", r"/\bcursor\b|@cursor\.(com|sh)/", "Co-authored-by", "cursor"),
    ("aider co-author", "trailer", r"/\baider\b|@aider\.chat/", "Co-authored-by", "aider"),
    (
        "codex co-author",
        "trailer",
        r"/\bcodex\b|\bchatgpt\b|@openai\.com/",
        "Co-authored-by",
        "codex",
    ),
    ("gemini co-author", "trailer", r"/\bgemini\b|\bjules\b/", "Co-authored-by", "gemini"),
    ("assisted-by trailer", "trailer", r"/\S/", "Assisted-by", None),
    ("aider author", "author_name", r"/\(aider\)$/", None, "aider"),
    ("aider committer", "committer_name", r"/\(aider\)$/", None, "aider"),
    (
        "copilot agent author",
        "author_email",
        r"/^\d+\+copilot@users\.noreply\.github\.com$/",
        None,
        "copilot",
    ),
    ("copilot agent bot", "author_name", r"/^copilot-swe-agent\[bot\]$/", None, "copilot"),
)


def _patterns() -> tuple[AiCommitPattern, ...]:
    return tuple(
        AiCommitPattern(
            name=name,
            field=field,  # type: ignore[arg-type]
            match=builtin_matcher(match),
            trailer=trailer,
            tool=tool,
        )
        for name, field, match, trailer, tool in _AI_COMMIT_PATTERNS
    )


DEFAULT_AI_COMMIT_PATTERNS = _patterns()

SENSITIVE_PATHS = (
    "**/auth/**",
    "**/auth.*",
    "**/security/**",
    "**/security.*",
    "**/crypto/**",
    "**/crypto.*",
    "**/secrets/**",
    "**/secrets.*",
    "**/migrations/**",
    ".github/workflows/**",
)
TEST_PATHS = ("tests/**", "test/**", "**/test_*.py", "**/*_test.py", "**/*_test.go", "**/*.test.*")


def default_rules() -> tuple[Rule, ...]:
    return (
        Rule(
            name="tests",
            description="Tests: shown as information, never block a commit.",
            paths=tuple(Glob.compile(pattern) for pattern in TEST_PATHS),
            settings=Settings(severity=Severity.INFORMATION, commit=CommitGate.ALLOW),
        ),
        Rule(
            name="sensitive",
            description="Security-sensitive code: must be owned, with a real reason, "
            "before it is committed.",
            paths=tuple(Glob.compile(pattern) for pattern in SENSITIVE_PATHS),
            settings=Settings(
                severity=Severity.ERROR,
                commit=CommitGate.BLOCK,
                rationale=RationaleSettings(
                    min_chars=40,
                    also_reject=(builtin_matcher(r"/^(looks|seems) (fine|ok|good|right)\b/"),),
                ),
                sources=SourceSettings(
                    count=DEFAULT_SOURCES | {Source.HEURISTIC}, heuristic_min_lines=8
                ),
            ),
        ),
    )


def default_policy() -> Policy:
    """The policy in force without `.ownit.yaml`: equal to ``policy.example.yaml``."""
    return Policy(
        version=1,
        defaults=DEFAULT_SETTINGS,
        rules=default_rules(),
        exclude=tuple(Glob.compile(pattern) for pattern in DEFAULT_EXCLUDE),
        exclude_linguist=True,
        ai_commit_patterns=DEFAULT_AI_COMMIT_PATTERNS,
        handles=(),
    )
