"""The key names of ``.ownit.yaml`` (docs/policy.md), in the order messages list them."""

from __future__ import annotations

from typing import Literal

# The per-path keys: `defaults:` and every rule.
SETTING_KEYS = (
    "severity",
    "require_ownership",
    "rationale",
    "owners",
    "codeowner",
    "second_owner",
    "stale",
    "commit",
    "sources",
    "history_since",
    "min_evidence",
    "ai",
    "tools",
    "models",
    "purpose",
    "signatures",
)
RATIONALE_KEYS = ("min_chars", "max_chars", "reject", "also_reject")
SOURCE_KEYS = ("count", "heuristic_min_lines")

TOP_LEVEL_KEYS = (
    "version",
    "defaults",
    "rules",
    "exclude",
    "exclude_linguist",
    "ai_commit_patterns",
    "also_ai_commit_patterns",
    "disable_ai_commit_patterns",
    "handles",
    "purposes",
    "allowed_signers",
)
RULE_KEYS = ("name", "description", "paths", *SETTING_KEYS)

# What an `ai_commit_patterns` entry looks at.
AiField = Literal[
    "trailer",
    "message",
    "subject",
    "author_name",
    "author_email",
    "committer_name",
    "committer_email",
]
AI_COMMIT_FIELDS: tuple[AiField, ...] = (
    "trailer",
    "message",
    "subject",
    "author_name",
    "author_email",
    "committer_name",
    "committer_email",
)
AI_PATTERN_KEYS = ("name", "tool", "match", "read", "evidence", *AI_COMMIT_FIELDS)
