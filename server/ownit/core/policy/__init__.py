"""`.ownit.yaml`: the team's policy, loaded safely and evaluated per path (docs/policy.md).

Pure: the loader takes the file's text and name; nothing here reads files or runs git.

    policy = load_policy(text, ".ownit.yaml")      # or default_policy()
    rule = policy.effective("src/auth/token.py")   # EffectiveRule: every key resolved
    rule.validate_rationale(text)                  # RationaleRejected naming the rule
    policy.is_excluded(path, gitattributes_text)   # generated / vendored / excluded
    policy.explain(path)                           # the rules that apply, last wins
    policy.is_ai_commit(message, author_name, author_email, committer_name, committer_email)
"""

from __future__ import annotations

# Not typing.TYPE_CHECKING: ``import ownit.core.policy`` (for POLICY_FILE, say) imports
# nothing at all; mypy reads a block under a name TYPE_CHECKING as typing's.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ownit.core.model import Severity
    from ownit.core.policy.defaults import default_policy
    from ownit.core.policy.gitattributes import codeowners_for, linguist_attribute
    from ownit.core.policy.globs import Glob, GlobError, validate_glob
    from ownit.core.policy.model import (
        ALL_HISTORY,
        AiCommitMatch,
        AiCommitPattern,
        CommitGate,
        EffectiveRule,
        HistorySince,
        Policy,
        RationalePolicy,
        Rule,
        RuleMatch,
        Settings,
        SignatureMode,
        StaleMode,
    )
    from ownit.core.policy.patterns import Matcher, PatternError, compile_matcher
    from ownit.core.policy.problems import (
        MAX_DEPTH,
        MAX_FILE_BYTES,
        MAX_RULES,
        PolicyError,
        PolicyProblem,
    )

POLICY_FILE = ".ownit.yaml"

# Where each name lives: a name is imported from its module on first use (PEP 562), so
# ``from ownit.core.policy import POLICY_FILE`` costs nothing and ``default_policy``
# only the modules the built-in policy is made of (issue 13, CLI start-up).
_HOME = {
    "Severity": "ownit.core.model",
    "default_policy": "ownit.core.policy.defaults",
    "codeowners_for": "ownit.core.policy.gitattributes",
    "linguist_attribute": "ownit.core.policy.gitattributes",
    **dict.fromkeys(("Glob", "GlobError", "validate_glob"), "ownit.core.policy.globs"),
    **dict.fromkeys(
        ("ALL_HISTORY", "CommitGate", "HistorySince", "SignatureMode", "StaleMode"),
        "ownit.core.policy.keys",
    ),
    **dict.fromkeys(("AiCommitMatch", "AiCommitPattern"), "ownit.core.policy.ai_commits"),
    **dict.fromkeys(("EffectiveRule", "RationalePolicy"), "ownit.core.policy.effective"),
    **dict.fromkeys(("Rule", "RuleMatch", "Settings"), "ownit.core.policy.keys"),
    "Policy": "ownit.core.policy.model",
    **dict.fromkeys(("Matcher", "PatternError", "compile_matcher"), "ownit.core.policy.patterns"),
    **dict.fromkeys(
        ("MAX_DEPTH", "MAX_FILE_BYTES", "MAX_RULES", "PolicyError", "PolicyProblem"),
        "ownit.core.policy.problems",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def load_policy(text: str, filename: str = POLICY_FILE) -> Policy:
    """Load a policy file's text (``PolicyError`` listing every problem). The loader, and
    YAML with it, is imported only here: evaluating the built-in policy never needs it."""
    from ownit.core.policy.loader import load_policy as load

    return load(text, filename)


__all__ = [
    "ALL_HISTORY",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_RULES",
    "POLICY_FILE",
    "AiCommitMatch",
    "AiCommitPattern",
    "CommitGate",
    "EffectiveRule",
    "Glob",
    "GlobError",
    "HistorySince",
    "Matcher",
    "PatternError",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "RationalePolicy",
    "Rule",
    "RuleMatch",
    "Settings",
    "Severity",
    "SignatureMode",
    "StaleMode",
    "codeowners_for",
    "compile_matcher",
    "default_policy",
    "linguist_attribute",
    "load_policy",
    "validate_glob",
]
