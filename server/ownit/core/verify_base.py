"""The state of one `ownit verify` run (:class:`VerifierBase`): the policy and its rule per
path (cached), the blobs, the tip, the findings so far, and the one judgement of each
claim; the checks themselves are :class:`ownit.core.verify.Verifier`'s. Pure."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence

from ownit.core import trailers as tr
from ownit.core.claim_validity import ClaimJudgement, judge_claim
from ownit.core.policy import EffectiveRule, Policy
from ownit.core.policy.approval import AiUse
from ownit.core.signing import SignatureVerdict
from ownit.core.verify_findings import ERROR, CommitLike, Finding, subject_of
from ownit.core.verify_fixes import Blobs, FixText

# The verdict on the AI-Signature of a claim of a commit; None: unsigned (or not checked).
Signatures = Callable[[str, tr.ClaimLine], "SignatureVerdict | None"]


class VerifierBase:
    """What the checks of one run share."""

    def __init__(
        self,
        policy: Policy,
        *,
        blobs: Blobs,
        tip: str | None,
        codeowners_text: str | None = None,
        gitattributes_text: str | None = None,
        after_revision: Mapping[str, frozenset[str]] | None = None,
        shallow: frozenset[str] = frozenset(),
        renames: Mapping[str, Sequence[tuple[str, str]]] | None = None,
        published: frozenset[str] = frozenset(),
        signatures: Signatures | None = None,
    ) -> None:
        self.policy = policy
        # Commits already on the upstream branch or a remote-tracking branch: their fixes
        # never rewrite them (a claim-only commit owns their code instead).
        self.published = published
        self.blobs = blobs
        self.tip = tip
        self.codeowners_text = codeowners_text
        self.gitattributes_text = gitattributes_text
        self.after_revision = after_revision or {}
        self.shallow = shallow
        self.renames = renames or {}
        # (position in the range, renames) of the commits that rename files (run()).
        self._rename_steps: list[tuple[int, Sequence[tuple[str, str]]]] = []
        self.signatures = signatures
        # Every claim's judgement (core.claim_validity), by commit and claim.
        self.judgements: dict[tuple[str, tr.ClaimLine], ClaimJudgement] = {}
        self.findings: list[Finding] = []
        self._rules: dict[str, EffectiveRule] = {}
        self._excluded: dict[str, bool] = {}
        # Whether any rule forbids AI or lists tools / models: else nothing to check there.
        layers = (policy.defaults, *(rule.settings for rule in policy.rules))
        self._restricts_ai = any(
            s.ai is AiUse.FORBIDDEN or s.tools is not None or s.models is not None for s in layers
        )
        self.fixes = FixText(blobs, tip, published, self.rule)

    def tip_line(self, sha: str, path: str, line: int) -> int | None:
        """Where 1-based ``line`` of ``path`` in commit ``sha`` is at the tip (1-based),
        or None when it is not there any more."""
        return self.fixes.tip_line(sha, path, line)

    # -- policy lookups, cached per path --

    def rule(self, path: str) -> EffectiveRule:
        found = self._rules.get(path)
        if found is None:
            found = self._rules[path] = self.policy.effective(path)
        return found

    def excluded(self, path: str) -> bool:
        found = self._excluded.get(path)
        if found is None:
            found = self._excluded[path] = self.policy.is_excluded(path, self.gitattributes_text)
        return found

    def asks_claims(self, path: str, commit: CommitLike) -> bool:
        """Whether AI code in ``path`` added by ``commit`` must be owned."""
        return self.governs(path, commit) and self.rule(path).needs_ownership

    def governs(self, path: str, commit: CommitLike) -> bool:
        """Whether the policy speaks of AI code in ``path`` added by ``commit`` at all:
        not excluded, and not before the path's ``history_since``."""
        if self.excluded(path):
            return False
        rule = self.rule(path)
        since = rule.history_since
        if since.kind == "date" and since.date is not None:
            when = datetime.datetime.fromtimestamp(commit.time, datetime.UTC).date()
            return when >= since.date
        if since.kind == "revision":
            after = self.after_revision.get(since.value)
            return after is None or commit.sha in after
        return True

    def _add(
        self,
        kind: str,
        commit: CommitLike,
        path: str,
        first: int,
        last: int,
        message: str,
        fix: str = "",
        severity: str = ERROR,
    ) -> None:
        self.findings.append(
            Finding(kind, severity, commit.sha, subject_of(commit), path, first, last, message, fix)
        )

    # -- the one judgement of each claim --

    def _valid_owned(self, commit: CommitLike, claim: tr.ClaimLine) -> bool:
        """Whether a claim is a valid ``AI-Owned`` claim (:meth:`judge`): the one
        judgement of "this claim owns its code" that groups and later claims use."""
        return claim.owned and self.judge(commit, claim).valid

    def judge(self, commit: CommitLike, claim: tr.ClaimLine) -> ClaimJudgement:
        """The claim's judgement (:func:`ownit.core.claim_validity.judge_claim`) against
        the commit's file and the policy of the base; remembered in ``judgements``."""
        memo = (commit.sha, claim)
        found = self.judgements.get(memo)
        if found is None:
            rule = None if self.excluded(claim.path) else self.rule(claim.path)
            found = judge_claim(
                claim,
                self.blobs(commit.sha, claim.path),
                author_email=commit.author_email,
                committer_email=commit.committer_email,
                rule=rule,
                signature=None if self.signatures is None else self.signatures(commit.sha, claim),
            )
            self.judgements[memo] = found
        return found
