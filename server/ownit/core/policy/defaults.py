"""The built-in policy: what applies with no `.ownit.yaml`; equal to policy.example.yaml.

Its ``ai_commit_patterns`` (``builtin_patterns.py``) are made when first asked for: a
hook that only asks for a path's rule never builds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ownit.core.claims import DEFAULT_MAX_CHARS, DEFAULT_MIN_CHARS, DEFAULT_REJECT
from ownit.core.model import Evidence, Severity, Source
from ownit.core.policy.globs import Glob
from ownit.core.policy.keys import (
    ALL_HISTORY,
    AiUse,
    CommitGate,
    RationaleSettings,
    Rule,
    Settings,
    SignatureMode,
    SourceSettings,
    StaleMode,
)
from ownit.core.policy.model import Policy
from ownit.core.policy.patterns import builtin_matcher

if TYPE_CHECKING:
    from ownit.core.policy.ai_commits import AiCommitPattern

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
    min_evidence=Evidence.INFERRED,
    ai=AiUse.ALLOWED,
    signatures=SignatureMode.OFF,
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


def default_exclude() -> tuple[Glob, ...]:
    return tuple(Glob.compile(pattern) for pattern in DEFAULT_EXCLUDE)


def _builtin_patterns() -> tuple[AiCommitPattern, ...]:
    from ownit.core.policy.builtin_patterns import DEFAULT_AI_COMMIT_PATTERNS

    return DEFAULT_AI_COMMIT_PATTERNS


def builtin_regexes() -> frozenset[str]:
    """The ``/regex/`` texts of ownit's own patterns: the only ones ever matched with
    ``re`` (a remembered policy may name no other, ``snapshot.py``)."""
    from ownit.core.policy.builtin_patterns import DEFAULT_AI_COMMIT_PATTERNS

    matchers = [p.match for p in DEFAULT_AI_COMMIT_PATTERNS]
    for settings in (DEFAULT_SETTINGS, *(rule.settings for rule in default_rules())):
        matchers.extend(settings.rationale.reject or ())
        matchers.extend(settings.rationale.also_reject)
    return frozenset(m.text for m in matchers if m.is_regex)


_built: list[Policy] = []


def default_policy() -> Policy:
    """The policy in force without `.ownit.yaml`: equal to ``policy.example.yaml``. Made
    once per process (it is immutable)."""
    if not _built:
        _built.append(
            Policy(
                version=1,
                defaults=DEFAULT_SETTINGS,
                rules=default_rules(),
                exclude=default_exclude(),
                exclude_linguist=True,
                ai_commit_patterns=_builtin_patterns,
                handles=(),
            )
        )
    return _built[0]
