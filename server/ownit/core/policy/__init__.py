"""`.ownit.yaml`: the team's policy, loaded safely and evaluated per path (docs/policy.md).

Pure: the loader takes the file's text and name; nothing here reads files or runs git.

    policy = load_policy(text, ".ownit.yaml")      # or default_policy()
    rule = policy.effective("src/auth/token.py")   # EffectiveRule: every key resolved
    rule.validate_rationale(text)                  # RationaleRejected naming the rule
    policy.is_excluded(path, gitattributes_text)   # generated / vendored / excluded
    policy.explain(path)                           # the rules that apply, last wins
    policy.is_ai_commit(message, author_name, author_email, committer_name, committer_email)
"""

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
