"""The problem codes of ``ownit verify`` as rules: what each means and how to fix it (the
help text of SARIF rules, the check names of a Code Quality report). Pure."""

from __future__ import annotations

from ownit.core import verify as v
from ownit.core.alerts import RuleHelp

_CLAIM = 'ownit claim PATH:LINE -m "<what you checked and why the code is right>"'
_ALONE = f"{_CLAIM} --commit"  # a claim-only commit: never rewrites a published commit

RULES: tuple[RuleHelp, ...] = (
    RuleHelp(
        v.PATH_MISSING,
        "ClaimPathMissing",
        "A claim names a file the commit does not have",
        "An AI-Owned or AI-Unowned line in the commit message names a path that is not a "
        "file in that commit: the claim is forged, mistyped or copied from another commit, "
        "so it proves nothing about the code.",
        "Remove the claim line from the commit message (git rebase -i, reword), then claim "
        f"the code where it really is: {_CLAIM}.",
        "critical",
    ),
    RuleHelp(
        v.OUT_OF_RANGE,
        "ClaimOutOfRange",
        "A claim's lines are past the end of the committed file",
        "The claimed lines do not exist in the committed file and the claimed code is "
        "nowhere else in it: the claim is forged or stale.",
        f"Remove the claim line (git rebase -i, reword) and claim the code again: {_CLAIM}.",
        "critical",
    ),
    RuleHelp(
        v.MISMATCH,
        "ClaimMismatch",
        "A claim's fingerprint does not match the committed code",
        "The fingerprint recorded with the claim is not the fingerprint of the claimed "
        "lines, nor of any other lines of the same length in the file: the claim is "
        "forged, or the code changed after it was claimed.",
        f"Look at the code again and claim it in a claim-only commit: {_ALONE}; a later "
        "valid claim of the lines supersedes the wrong line. Before the commit is pushed, "
        "the wrong line can also be removed (git rebase -i, reword).",
        "critical",
    ),
    RuleHelp(
        v.OWNER_NOT_COMMITTER,
        "OwnerNotCommitter",
        "Code claimed in the name of someone else",
        "An AI-Owned claim names an owner who is neither the author nor the committer of "
        "the commit that carries it: nobody can claim code for someone else.",
        f"The named owner claims the code in a claim-only commit of their own: {_ALONE}.",
        "critical",
    ),
    RuleHelp(
        v.RATIONALE,
        "RationaleRejected",
        "An ownership rationale the policy does not accept",
        "The rationale of an AI-Owned claim breaks the policy's rationale rules (too short, "
        "too long, or a phrase the policy rejects, such as 'LGTM').",
        "Claim the code again with a rationale that says what was checked and why the code "
        f"is right: {_ALONE}.",
    ),
    RuleHelp(
        v.OWNER_NOT_ALLOWED,
        "OwnerNotAllowed",
        "An owner the policy does not allow for this path",
        "The policy's owners list for this path does not include the person who claimed the code.",
        f"One of the owners the policy names for the path claims it: {_ALONE}.",
    ),
    RuleHelp(
        v.OWNER_RULE,
        "OwnerRule",
        "A second owner or a code owner has not claimed the code",
        "The path's rule asks for a second owner or for a CODEOWNERS owner, and the claims "
        "for this code in the range do not include one.",
        f"The missing owner claims the same lines in a claim-only commit of their own: {_ALONE}.",
    ),
    RuleHelp(
        v.AI_UNCLAIMED,
        "AiCommitUnclaimed",
        "An AI-assisted commit adds lines no claim covers",
        "The commit is AI-assisted as a whole (a Co-authored-by or Assisted-by trailer, or "
        "an author the policy's ai_commit_patterns name, outside the trailer group ownit's "
        "hook marks AI-Lines: exact), so every line it adds is AI-written; these lines are "
        "covered by no AI-Owned or AI-Unowned claim of the commit.",
        f"Own the AI-written lines in a claim-only commit: {_ALONE} (a later claim owns them "
        "wherever they are now). Before the commit is pushed, it can be amended instead "
        "(ownit claim, then git commit --amend --no-edit with ownit hooks installed).",
    ),
    RuleHelp(
        v.UNOWNED_AT_TIP,
        "UnownedAtTip",
        "AI-written code committed unowned is still unowned",
        "Code committed as AI-Unowned is still in the tip of the range, and no later "
        "AI-Owned claim for the same code (path and fingerprint) exists in the range.",
        f"Own it in a claim-only commit: {_ALONE}.",
    ),
    RuleHelp(
        v.BLOCKED_UNOWNED,
        "BlockedUnowned",
        "Unowned AI code committed where the policy blocks it",
        "The path's rule says commit: block, and AI-written code was committed unowned "
        "(AI-Unowned) with no later commit of the range owning it.",
        f"Own it in a claim-only commit: {_ALONE}.",
        "critical",
    ),
)

# Worth knowing, not wrong (verify's info lines): SARIF notifications, not results.
NOTES: tuple[RuleHelp, ...] = (
    RuleHelp(
        v.MOVED,
        "ClaimMoved",
        "A claim's code moved within the file; the claim holds",
        "The claimed lines are elsewhere in the committed file, with the same fingerprint.",
        "Nothing to do.",
        "info",
    ),
    RuleHelp(
        v.SHALLOW,
        "ShallowHistory",
        "A commit's parent is not in this shallow clone",
        "The lines an AI-assisted commit added cannot be told apart without its parent.",
        "Fetch more history (fetch-depth: 0).",
        "info",
    ),
)

BY_ID: dict[str, RuleHelp] = {rule.id: rule for rule in RULES + NOTES}
