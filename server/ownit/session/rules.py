"""What the policy says about an open document: its path's rule, the severity of its
regions, and whether a rationale, a purpose or a signature passes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ownit.core.claims import RationaleRejected, RationaleRules, validate_rationale
from ownit.core.findings import PolicyIssue, policy_issue
from ownit.core.model import RegionState, Severity
from ownit.core.severity import severity_for as severity_under
from ownit.session.contexts import POLICY_FILE, PolicyState, RepoContext
from ownit.session.documents import Document
from ownit.session.errors import RequestError

if TYPE_CHECKING:
    from ownit.core.policy import EffectiveRule, PolicyProblem


def reload_policy(context: RepoContext, documents: Iterable[Document]) -> PolicyState:
    """Re-read the repository's policy; its open documents' rules are resolved again."""
    state = context.reload_policy()
    for document in documents:
        if document.context is context:
            document.policy_resolved = False
            document.touch(*document.tracked.values())
    return state


def rule_for(document: Document) -> EffectiveRule | None:
    """The policy's rule for the document's path, resolved (and the policy loaded) on
    first use: commands that never ask, like an agent checkpoint, never pay for it."""
    if not document.policy_resolved:
        document.policy_resolved = True
        if document.context is not None and document.key is not None:
            state = document.context.policy()
            document.rule = state.rule(document.key)
            document.excluded = state.exclusion(document.key)
    return document.rule


def policy_problems(document: Document) -> list[PolicyProblem]:
    """What is wrong with an open `.ownit.yaml`, as typed (not yet saved)."""
    if not document.is_policy_file:
        return []
    from ownit.core.policy import PolicyError, load_policy

    try:
        load_policy(document.buffer.text, POLICY_FILE)
    except PolicyError as error:
        return list(error.problems)
    return []


def issue_for(document: Document, state: RegionState) -> PolicyIssue | None:
    """What the path's rule says against the region beyond ownership (AI forbidden
    here, an unapproved tool), or None."""
    if document.excluded:
        return None
    return policy_issue(rule_for(document), state.region)


def severity_for(
    document: Document, state: RegionState, issue: PolicyIssue | None = None
) -> Severity:
    """How the editor shows this region under the policy (see core/severity.py)."""
    rule = rule_for(document)
    return severity_under(rule, state, issue, excluded=document.excluded)


def check_rationale(document: Document, rationale: str, defaults: RationaleRules) -> str:
    """The normalized rationale, or a RequestError saying why the policy refuses it."""
    rule = rule_for(document)
    try:
        if rule is not None:
            return rule.validate_rationale(rationale)
        return validate_rationale(rationale, defaults)
    except RationaleRejected as error:
        raise RequestError(str(error)) from None


def check_purpose(document: Document, purpose: str) -> str:
    """The purpose tag as the policy accepts it, or a RequestError saying which are."""
    from ownit.core.policy.model import PurposeRejected, validate_purpose

    context = document.context
    policy = context.policy().in_force if context is not None else None
    try:
        return validate_purpose(purpose, policy.purposes if policy is not None else ())
    except PurposeRejected as error:
        raise RequestError(str(error)) from None


def signing_note(document: Document, owner_email: str) -> str | None:
    """When the document's rule asks for signed claims (``signatures: warn|require``):
    None if the hooks can sign a claim by ``owner_email`` with git's signing
    configuration, else what to tell the user (it would be committed unsigned)."""
    rule = rule_for(document)
    if rule is None or rule.signatures.value == "off":
        return None
    if document.context is None or document.context.repo is None:
        return None
    from ownit.git.signing import SigningError, read_signing_config, signer_for

    repo = document.context.repo
    try:
        signer_for(read_signing_config(repo.toplevel), repo.toplevel, owner_email)
    except SigningError as error:
        need = "requires" if rule.signatures.value == "require" else "asks for"
        return (
            f"this claim will be committed UNSIGNED ({error});"
            f" {rule.origin_phrase('signatures')} {need} signed claims"
        )
    return None
