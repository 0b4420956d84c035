"""One judgement of each claim: *valid*, or *invalid and why*. Pure.

Every reader of claims (``ownit verify``, ``ownit blame``, ``ownit report``, the editor's
history hints and hover, attestations) asks :func:`judge_claim` and never counts or shows
an invalid claim as owned. What makes a claim invalid, in the order it is checked:

1. ``path-missing``: its path is not a file of the commit that carries it;
2. ``fingerprint-mismatch`` / ``out-of-range``: its fingerprint is not the fingerprint of
   the claimed lines of the committed file, nor of as many lines anywhere else in it (code
   that moved keeps its claim: ``moved``, the judgement says where);
3. for ``AI-Owned`` only, against the policy rule of the path (None: the path is excluded,
   nothing asked of its owner):

   - ``signature-*`` when the rule says ``signatures: require``: the claim carries no
     ``AI-Signature``, or the signature is not a good signature of the claim by a key the
     base trusts for the owner, valid when it was made (under ``warn`` these are
     warnings, the claim stays valid; under ``off`` signatures are not looked at);
   - ``owner-not-committer``: the owner is neither the commit's author nor its committer
     and no valid signature proves the owner made the claim (a valid signature does:
     that is what lets a squash merge, whose committer is someone else, keep its claims);
   - ``rationale-rejected``: the rationale breaks the rule's rationale rules;
   - ``owner-not-allowed``: the rule's ``owners`` do not include the owner.

An ``AI-Unowned`` line is only checked against the code (1-2): it owns nothing.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

from ownit.core.claims import RationaleRejected
from ownit.core.fingerprint import fingerprint
from ownit.core.printable import not_an_option
from ownit.core.record import Record, set_field
from ownit.core.signing import SignatureStatus, SignatureVerdict
from ownit.core.trailers import ClaimLine
from ownit.core.window_finder import WindowFinder, find_fingerprint

OFF = "off"
WARN = "warn"
REQUIRE = "require"
SIGNATURE_MODES = (OFF, WARN, REQUIRE)


class Problem(StrEnum):
    """Why a claim is invalid (or, under ``signatures: warn``, what is worth a warning)."""

    PATH_MISSING = "path-missing"
    OUT_OF_RANGE = "out-of-range"
    FINGERPRINT_MISMATCH = "fingerprint-mismatch"
    SIGNATURE_MISSING = "signature-missing"
    SIGNATURE_INVALID = "signature-invalid"
    SIGNATURE_UNKNOWN_KEY = "signature-unknown-key"
    SIGNATURE_EXPIRED = "signature-expired"
    SIGNATURE_UNCHECKED = "signature-unchecked"
    OWNER_NOT_COMMITTER = "owner-not-committer"
    RATIONALE = "rationale-rejected"
    OWNER_NOT_ALLOWED = "owner-not-allowed"


# A few words for each, for a blame column or a hover: "INVALID claim: <label>".
LABELS: dict[Problem, str] = {
    Problem.PATH_MISSING: "no such file in its commit",
    Problem.OUT_OF_RANGE: "lines out of range",
    Problem.FINGERPRINT_MISMATCH: "fingerprint mismatch",
    Problem.SIGNATURE_MISSING: "not signed",
    Problem.SIGNATURE_INVALID: "bad signature",
    Problem.SIGNATURE_UNKNOWN_KEY: "signed by a key not trusted for the owner",
    Problem.SIGNATURE_EXPIRED: "signing key not valid when it signed",
    Problem.SIGNATURE_UNCHECKED: "signature could not be checked",
    Problem.OWNER_NOT_COMMITTER: "owner is not the author or committer",
    Problem.RATIONALE: "rationale rejected",
    Problem.OWNER_NOT_ALLOWED: "owner not allowed by the policy",
}

_SIGNATURE_PROBLEMS: dict[SignatureStatus, Problem] = {
    SignatureStatus.INVALID: Problem.SIGNATURE_INVALID,
    SignatureStatus.MALFORMED: Problem.SIGNATURE_INVALID,
    SignatureStatus.UNKNOWN_KEY: Problem.SIGNATURE_UNKNOWN_KEY,
    SignatureStatus.KEY_EXPIRED: Problem.SIGNATURE_EXPIRED,
    SignatureStatus.KEY_NOT_YET_VALID: Problem.SIGNATURE_EXPIRED,
    SignatureStatus.TOOL_MISSING: Problem.SIGNATURE_UNCHECKED,
}


class OwnerRule(Protocol):
    """What the judgement needs of a path's policy rule (``EffectiveRule`` is one)."""

    @property
    def signatures(self) -> str: ...
    @property
    def owners(self) -> tuple[str, ...]: ...
    def owner_allowed(self, email: str) -> bool: ...
    def validate_rationale(self, text: str) -> str: ...
    def origin(self, key: str) -> str: ...
    def origin_phrase(self, key: str) -> str: ...


class ClaimProblem(Record):
    __slots__ = ("fix", "kind", "message")
    _fields = ("kind", "message", "fix")  # (repr in this order)
    kind: Problem
    message: str  # one line for a person
    fix: str  # what to do about it (a command when there is one)

    def __init__(self, kind: Problem, message: str, fix: str = "") -> None:
        set_field(self, "kind", kind)
        set_field(self, "message", message)
        set_field(self, "fix", fix)

    @property
    def label(self) -> str:
        return LABELS[self.kind]


class ClaimJudgement(Record):
    """The verdict on one claim. ``problems`` empty: valid. ``located``: where its code is
    in the committed file (1-based inclusive; None when it is not there); ``moved``: not
    at the lines it states. ``warnings``: signature problems under ``signatures: warn``.
    ``signature``: the signature's verdict when it was checked."""

    __slots__ = (
        "actual_fingerprint",
        "claim",
        "located",
        "moved",
        "problems",
        "signature",
        "warnings",
    )
    _fields = (
        "claim",
        "problems",
        "located",
        "moved",
        "warnings",
        "signature",
        "actual_fingerprint",
    )  # (repr in this order)
    claim: ClaimLine
    problems: tuple[ClaimProblem, ...]
    located: tuple[int, int] | None
    moved: bool
    warnings: tuple[ClaimProblem, ...]
    signature: SignatureVerdict | None
    # The fingerprint of the lines the claim states, when the file has them (for a
    # claim whose fingerprint does not match: the code those lines really are).
    actual_fingerprint: str | None

    def __init__(
        self,
        claim: ClaimLine,
        problems: tuple[ClaimProblem, ...] = (),
        located: tuple[int, int] | None = None,
        moved: bool = False,
        warnings: tuple[ClaimProblem, ...] = (),
        signature: SignatureVerdict | None = None,
        actual_fingerprint: str | None = None,
    ) -> None:
        set_field(self, "claim", claim)
        set_field(self, "problems", problems)
        set_field(self, "located", located)
        set_field(self, "moved", moved)
        set_field(self, "warnings", warnings)
        set_field(self, "signature", signature)
        set_field(self, "actual_fingerprint", actual_fingerprint)

    @property
    def code_fingerprint(self) -> str:
        """The fingerprint of the code the claim is about, as the committed file has it:
        the claim's own when it matches, else that of the lines it states."""
        if self.located is not None:
            return self.claim.fingerprint
        return self.actual_fingerprint or self.claim.fingerprint

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def owned(self) -> bool:
        """The claim owns its code: a valid ``AI-Owned`` claim."""
        return self.valid and self.claim.owned

    @property
    def reason(self) -> str:
        """The first problem in a few words ("" when valid)."""
        return self.problems[0].label if self.problems else ""

    @property
    def summary(self) -> str:
        """``valid`` or ``INVALID claim: <reason>``."""
        return "valid" if self.valid else f"INVALID claim: {self.reason}"

    @property
    def signature_status(self) -> str:
        """``valid``, ``invalid``, ``unknown-key``, … , ``unsigned`` or ``unchecked``."""
        if self.signature is not None:
            return self.signature.status.value
        if any(p.kind is Problem.SIGNATURE_MISSING for p in (*self.problems, *self.warnings)):
            return "unsigned"
        return "unchecked"

    def to_json(self) -> dict[str, object]:
        return {
            "valid": self.valid,
            "reason": self.problems[0].kind.value if self.problems else None,
            "problems": [{"kind": p.kind.value, "message": p.message} for p in self.problems],
            "warnings": [{"kind": p.kind.value, "message": p.message} for p in self.warnings],
            "signature": self.signature_status,
        }


def claim_command(path: str, line: int) -> str:
    """The command that owns the code at ``path:line``, quoted for a shell."""
    target = shlex.quote(f"{not_an_option(path)}:{line}")
    return f'ownit claim {target} -m "<why this code is right>"'


# --------------------------------------------------------------------------- the code


class TextFinders:
    """One :class:`WindowFinder` per text, for judging many claims against the same
    texts: a message of thousands of claims (forged or squashed) on one file then costs
    the file's windows once, each claim a look-up, not a new index and a scan each. A
    text is held by its object (the caller's list of a (commit, path) blob, not changed
    while judged), so an equal text in another list is indexed afresh."""

    __slots__ = ("_held",)

    def __init__(self) -> None:
        self._held: dict[int, tuple[Sequence[str], WindowFinder]] = {}

    def of(self, lines: Sequence[str]) -> WindowFinder:
        held = self._held.get(id(lines))
        if held is None or held[0] is not lines:
            held = self._held[id(lines)] = (lines, WindowFinder(lines))
        return held[1]


def locate(
    claim: ClaimLine, lines: Sequence[str], finders: TextFinders | None = None
) -> tuple[int, int] | None:
    """Where the claim's code is in ``lines`` (the committed file): its stated lines when
    their fingerprint matches, else as many lines elsewhere with that fingerprint (nearest
    the stated place first); 1-based inclusive, or None. ``finders``: the index of each
    text, for many claims in the same texts (the same answer)."""
    length = claim.last - claim.first + 1
    if claim.last <= len(lines) and (
        fingerprint(lines[claim.first - 1 : claim.last]) == claim.fingerprint
    ):
        return claim.first, claim.last
    if finders is None:
        found = find_fingerprint(lines, claim.fingerprint, length, near=claim.first - 1)
    elif 1 <= length <= len(lines):
        found = finders.of(lines).find_range(claim.fingerprint, length, near=claim.first - 1)
    else:
        found = None
    return None if found is None else (found[0] + 1, found[1])


def _code_problem(claim: ClaimLine, lines: Sequence[str] | None) -> ClaimProblem:
    key = claim.key
    if lines is None:
        return ClaimProblem(
            Problem.PATH_MISSING,
            f"{key} claim names {claim.path!r}, which is not a file in this commit: the "
            "claim is forged or was copied from another commit",
            "remove this claim line from the commit message (git rebase -i, reword), "
            "then claim the code where it really is",
        )
    if claim.last > len(lines):
        count = len(lines)
        return ClaimProblem(
            Problem.OUT_OF_RANGE,
            f"{key} claim for lines {claim.first}-{claim.last}, but the committed file has "
            f"{count} line{'s' if count != 1 else ''} and its code is nowhere in it: the "
            "claim is forged or stale",
            "remove this claim line (git rebase -i, reword) and claim the code again: "
            + claim_command(claim.path, min(claim.first, max(count, 1))),
        )
    actual = fingerprint(lines[claim.first - 1 : claim.last])
    length = claim.last - claim.first + 1
    return ClaimProblem(
        Problem.FINGERPRINT_MISMATCH,
        f"{key} fingerprint {claim.fingerprint} does not match the committed lines "
        f"{claim.first}-{claim.last} (they hash to {actual}) nor any other {length} lines "
        "of the file: the claim is forged, or the code changed after it was claimed",
        "look at the code again, claim it ("
        + claim_command(claim.path, claim.first)
        + ") and amend the commit; remove the wrong claim line from the message",
    )


# --------------------------------------------------------------------------- signatures


def _signature_problem(
    claim: ClaimLine, signature: SignatureVerdict | None, mode: str
) -> ClaimProblem | None:
    email = claim.owner_email or ""
    if signature is None:
        return ClaimProblem(
            Problem.SIGNATURE_MISSING,
            f"AI-Owned claim by {email} has no AI-Signature, and {mode} requires signed claims",
            f"{email} sets up signing (git config gpg.format ssh && git config"
            " user.signingKey ~/.ssh/id_ed25519.pub; the key listed for them in the"
            " allowed-signers file at the base) and claims it again: "
            + claim_command(claim.path, claim.first),
        )
    if signature.valid:
        return None
    kind = _SIGNATURE_PROBLEMS.get(signature.status, Problem.SIGNATURE_INVALID)
    fix = {
        Problem.SIGNATURE_UNKNOWN_KEY: f"add {email}'s public key for {email} to the allowed"
        " signers on the base branch (a branch cannot add its own), or have the owner sign"
        " with the key listed for them",
        Problem.SIGNATURE_EXPIRED: f"{email} claims it again with a key valid now: "
        + claim_command(claim.path, claim.first),
        Problem.SIGNATURE_UNCHECKED: "install the program named above where verify runs",
    }.get(kind, f"{email} claims it again: " + claim_command(claim.path, claim.first))
    return ClaimProblem(kind, f"AI-Owned claim by {email}: {signature.message}", fix)


# --------------------------------------------------------------------------- the judgement


def judge_claim(
    claim: ClaimLine,
    lines: Sequence[str] | None,
    *,
    author_email: str,
    committer_email: str,
    rule: OwnerRule | None,
    signature: SignatureVerdict | None = None,
    finders: TextFinders | None = None,
) -> ClaimJudgement:
    """The verdict on ``claim`` as the commit carrying it has it.

    ``lines``: the committed file's lines (None: not a file of the commit). ``rule``: the
    policy rule of the path as the base of the range has it (None: the path is excluded,
    nothing is asked of the owner). ``signature``: the verdict on the claim's
    ``AI-Signature`` when it has one and it was checked (None: unsigned, or not checked
    because the rule says ``signatures: off``). ``finders``: see :func:`locate`."""
    located = None if lines is None else locate(claim, lines, finders)
    if located is None:
        actual = None
        if lines is not None and claim.last <= len(lines):
            actual = fingerprint(lines[claim.first - 1 : claim.last])
        return ClaimJudgement(claim, (_code_problem(claim, lines),), actual_fingerprint=actual)
    moved = located != (claim.first, claim.last)
    if not claim.owned or rule is None:
        return ClaimJudgement(claim, (), located, moved, signature=signature)
    problems: list[ClaimProblem] = []
    warnings: list[ClaimProblem] = []
    email = (claim.owner_email or "").strip()
    mode = rule.signatures if rule.signatures in SIGNATURE_MODES else OFF
    if mode != OFF:
        found = _signature_problem(claim, signature, rule.origin_phrase("signatures"))
        if found is not None:
            (problems if mode == REQUIRE else warnings).append(found)
    proven = mode != OFF and signature is not None and signature.valid
    if not proven and email.casefold() not in {
        author_email.casefold(),
        committer_email.casefold(),
    }:
        problems.append(
            ClaimProblem(
                Problem.OWNER_NOT_COMMITTER,
                f"AI-Owned claim in the name of {email}, who is neither the author "
                f"({author_email}) nor the committer ({committer_email}) of this commit, and"
                " no signature of theirs proves the claim: nobody can claim code for someone"
                " else",
                f"{email} claims it in a commit of their own ("
                + claim_command(claim.path, claim.first)
                + " --commit), and this line is removed",
            )
        )
    try:
        rule.validate_rationale(claim.rationale)
    except RationaleRejected as reason:
        problems.append(
            ClaimProblem(
                Problem.RATIONALE,
                f"rationale {claim.rationale!r} is not accepted: {reason}",
                "claim it again with a rationale that says what was checked and why the code "
                "is right: " + claim_command(claim.path, claim.first),
            )
        )
    if not rule.owner_allowed(email):
        owners = ", ".join(rule.owners)
        problems.append(
            ClaimProblem(
                Problem.OWNER_NOT_ALLOWED,
                f"{email} may not own code in {claim.path}: {rule.origin_phrase('owners')} "
                f"accepts {owners}",
                f"one of {owners} claims it: " + claim_command(claim.path, claim.first),
            )
        )
    return ClaimJudgement(
        claim, tuple(problems), located, moved, tuple(warnings), signature=signature
    )
