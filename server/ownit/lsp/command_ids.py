"""The ids of ownit's workspace/executeCommand commands (docs/lsp.md), defined once: the
commands feature registers them, code actions and code lenses name them."""

MARK_AI = "ownit.markAi"
CLAIM = "ownit.claim"
CLAIM_FROM_COMMENT = "ownit.claimFromComment"
DISMISS = "ownit.dismiss"
STATUS = "ownit.status"
RATIONALE_RULES = "ownit.rationaleRules"

ALL = (MARK_AI, CLAIM, CLAIM_FROM_COMMENT, DISMISS, STATUS, RATIONALE_RULES)
