"""The problem codes of ``ownit verify`` as rules: what each means and how to fix it (the
help text of SARIF rules, the check names of a Code Quality report). Pure."""

from __future__ import annotations

from ownit.core import verify_findings as v
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
        "the commit that carries it, and no valid signature of theirs proves the claim: "
        "nobody can claim code for someone else.",
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
    RuleHelp(
        v.AI_FORBIDDEN,
        "AiForbidden",
        "AI-written code where the policy forbids AI",
        "The path's rule says ai: forbidden, and the commit states (AI-Owned or AI-Unowned) "
        "or adds (an AI-assisted commit) AI-written lines there; owning them does not help.",
        "Remove the AI-written code, or, if a person wrote it, dismiss it (ownit dismiss "
        "PATH:LINE -m REASON, recorded) and commit it again with ownit hooks installed.",
        "critical",
    ),
    RuleHelp(
        v.UNAPPROVED_TOOL,
        "UnapprovedTool",
        "AI-written code from a tool or model the policy does not approve",
        "The path's rule lists the approved tools (tools:) or models (models:), and these "
        "AI-written lines come from one outside the lists (owned or not).",
        "Rewrite the code with an approved tool or by hand, or approve the tool in the "
        "policy on the base branch.",
    ),
    RuleHelp(
        v.SIGNATURE_MISSING,
        "ClaimUnsigned",
        "A claim without a signature where the policy requires one",
        "The path's rule says signatures: require, and this AI-Owned claim carries no "
        "AI-Signature line: nothing shows that its owner made it, so it owns nothing.",
        "The owner sets up signing with the key the allowed signers at the base list for "
        "them (git config gpg.format ssh && git config user.signingKey KEY) and claims "
        f"the code again ({_CLAIM}); the hooks sign it.",
        "critical",
    ),
    RuleHelp(
        v.SIGNATURE_INVALID,
        "ClaimSignatureInvalid",
        "A claim's signature does not match the claim",
        "The AI-Signature is not a signature of this claim's statement: its code, owner, "
        "tool, rationale or time differs from what was signed, the signature is damaged, "
        "or it was made for something else (a commit, a file).",
        f"The owner claims the code again so that the hooks sign it: {_CLAIM}.",
        "critical",
    ),
    RuleHelp(
        v.SIGNATURE_UNKNOWN_KEY,
        "ClaimSignatureUnknownKey",
        "A claim signed by a key not trusted for its owner",
        "The signature is good, but the allowed signers (or OpenPGP keys) at the base of "
        "the range do not list its key for the claim's owner: someone claimed in another "
        "person's name, or the owner's key is not on the base branch yet.",
        "Add the owner's public key for their e-mail address to the allowed-signers file "
        "on the base branch (a branch cannot add its own), or have the owner sign.",
        "critical",
    ),
    RuleHelp(
        v.SIGNATURE_EXPIRED,
        "ClaimSignatureExpired",
        "A claim signed by a key that was not valid when it signed",
        "The key is trusted for the owner, but valid-after/valid-before (or a certificate "
        "or OpenPGP key's validity) do not include the signing time.",
        f"The owner claims the code again with a key valid now: {_CLAIM}.",
    ),
    RuleHelp(
        v.SIGNATURE_UNCHECKED,
        "ClaimSignatureUnchecked",
        "A claim signature that could not be checked",
        "ssh-keygen or gpg is not installed where verify runs.",
        "Install OpenSSH's ssh-keygen or GnuPG in the CI image.",
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
