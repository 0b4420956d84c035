"""The claim-validity judgement (:mod:`ownit.core.claim_validity`) fed from a repository:
the committed files the claims speak of, the keys a commit trusts, and the verdicts on
the claims' signatures.

- :func:`trusted_keys` reads the allowed-signers file (the policy's ``allowed_signers``)
  and the OpenPGP keys (``.ownit/openpgp/*.asc``) **as a commit has them** (a range's
  base for ``ownit verify``), never from the work tree;
- :func:`signature_verdicts` checks the ``AI-Signature`` of each claim that has one;
- :func:`judge_commits_claims` judges every claim of some commits at once (``ownit
  blame``, the editor's history hints, ``ownit report``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.core.record import Record, set_field
from ownit.git import run as git

if TYPE_CHECKING:  # the judgement's modules load where a claim is judged (not on a blame
    # whose claims were all judged before)
    from ownit.core import trailers as tr
    from ownit.core.claim_validity import ClaimJudgement
    from ownit.core.policy import EffectiveRule, Policy
    from ownit.core.provenance import BlameLine, ClaimIndex, InvalidWhy
    from ownit.core.signing import SignatureVerdict, SignedClaim

MAX_KEY_FILES = 200  # OpenPGP key files read from .ownit/openpgp/
MAX_KEY_BYTES = 1 << 20


class TrustedKeys(Record):
    """The keys a commit trusts to sign claims, and where they came from."""

    __slots__ = ("allowed_signers", "allowed_signers_label", "commit", "openpgp_keys")
    _fields = (
        "commit",
        "allowed_signers",
        "allowed_signers_label",
        "openpgp_keys",
    )  # (repr in this order)
    commit: str | None
    allowed_signers: str | None  # the file's text; None: there is none
    allowed_signers_label: str  # e.g. "base 1a2b3c4d5e:.ownit/allowed_signers"
    openpgp_keys: tuple[tuple[str, bytes], ...]

    def __init__(
        self,
        commit: str | None,
        allowed_signers: str | None,
        allowed_signers_label: str,
        openpgp_keys: tuple[tuple[str, bytes], ...] = (),
    ) -> None:
        set_field(self, "commit", commit)
        set_field(self, "allowed_signers", allowed_signers)
        set_field(self, "allowed_signers_label", allowed_signers_label)
        set_field(self, "openpgp_keys", openpgp_keys)


def trusted_keys(cwd: Path, commit: str | None, policy: Policy) -> TrustedKeys:
    """The allowed signers and OpenPGP keys of ``commit`` (None: no keys at all)."""
    return trusted_keys_at(cwd, commit, policy.allowed_signers)


def trusted_keys_at(cwd: Path, commit: str | None, path: str) -> TrustedKeys:
    """The allowed-signers file at ``path`` and the OpenPGP keys, as ``commit`` has them
    (None: no keys at all)."""
    from ownit.git import history
    from ownit.git.signature_verify import OPENPGP_KEYS_DIR  # only where keys are read

    if commit is None:
        return TrustedKeys(None, None, f"{path} (no base commit)")
    short = commit[:10]
    listing = git.run(
        ["ls-tree", "-z", "--name-only", f"{commit}:{OPENPGP_KEYS_DIR}", "--"], cwd, check=False
    )
    key_files = []
    if listing.returncode == 0:
        names = [n for n in git.text(listing.stdout).split("\0") if n]
        key_files = sorted(n for n in names if n.endswith(".asc") or n.endswith(".gpg"))
        key_files = key_files[:MAX_KEY_FILES]
    specs = [f"{commit}:{path}", *(f"{commit}:{OPENPGP_KEYS_DIR}/{n}" for n in key_files)]
    blobs = history.BatchRead(cwd, specs).result()
    signers = blobs.get(specs[0])
    openpgp = tuple(
        (f"{short}:{OPENPGP_KEYS_DIR}/{name}", data[:MAX_KEY_BYTES])
        for name, spec in zip(key_files, specs[1:], strict=True)
        if (data := blobs.get(spec)) is not None
    )
    return TrustedKeys(
        commit,
        None if signers is None else signers.decode("utf-8", "replace"),
        f"{path} at {short}",
        openpgp,
    )


def _ssh_program(cwd: Path) -> str:
    found = git.run(["config", "--get", "gpg.ssh.program"], cwd, check=False)
    return git.text(found.stdout).strip() or "ssh-keygen"


def _gpg_program(cwd: Path) -> str:
    for key in ("gpg.openpgp.program", "gpg.program"):
        found = git.run(["config", "--get", key], cwd, check=False)
        if git.text(found.stdout).strip():
            return git.text(found.stdout).strip()
    return "gpg"


def signature_verdicts(
    cwd: Path, trusted: TrustedKeys, items: Iterable[tuple[str, SignedClaim]]
) -> dict[tuple[str, tr.ClaimLine], SignatureVerdict]:
    """The verdict on each (commit, signed claim) that carries an ``AI-Signature`` (one
    that could not be read is ``malformed``); claims without one are left out."""
    from ownit.core.signing import SignatureStatus, SignatureVerdict

    out: dict[tuple[str, tr.ClaimLine], SignatureVerdict] = {}
    todo: list[tuple[tuple[str, tr.ClaimLine], SignedClaim]] = []
    for sha, signed in items:
        key = (sha, signed.claim)
        if signed.signature is not None:
            todo.append((key, signed))
        elif signed.problem is not None:
            out[key] = SignatureVerdict(SignatureStatus.MALFORMED, signed.problem)
    if not todo:
        return out
    from ownit.git.signature_verify import ClaimVerifier  # only where a claim is signed

    with ClaimVerifier(
        allowed_signers=trusted.allowed_signers,
        allowed_signers_label=trusted.allowed_signers_label,
        openpgp_keys=trusted.openpgp_keys,
        ssh_program=_ssh_program(cwd),
        gpg_program=_gpg_program(cwd),
    ) as verifier:
        pairs = [(signed.claim, signed.signature) for _, signed in todo]
        verdicts = verifier.verify([(c, s) for c, s in pairs if s is not None])
    for (key, _), verdict in zip(todo, verdicts, strict=True):
        out[key] = verdict
    return out


def signed_claims(message: str) -> dict[tr.ClaimLine, SignedClaim]:
    """The ``AI-Owned`` claims of a message with their signatures ({} when none is)."""
    if "ai-signature:" not in message.lower():
        return {}
    from ownit.core.signing import message_signatures

    return {item.claim: item for item in message_signatures(message).claims}


class CommitPeople(Record):
    __slots__ = ("author_email", "committer_email", "message", "sha")
    _fields = ("sha", "author_email", "committer_email", "message")  # (repr in this order)
    sha: str
    author_email: str
    committer_email: str
    message: str

    def __init__(self, sha: str, author_email: str, committer_email: str, message: str) -> None:
        set_field(self, "sha", sha)
        set_field(self, "author_email", author_email)
        set_field(self, "committer_email", committer_email)
        set_field(self, "message", message)


def judge_commits_claims(
    cwd: Path,
    claims: Mapping[str, Sequence[tr.ClaimLine]],
    policy: Policy,
    *,
    gitattributes_text: str | None = None,
    trust_commit: str | None = None,
    blobs: Callable[[str, str], list[str] | None] | None = None,
    commits: Mapping[str, CommitPeople] | None = None,
    lines_read: dict[tuple[str, str], list[str] | None] | None = None,
) -> dict[tuple[str, tr.ClaimLine], ClaimJudgement]:
    """The judgement of each claim of ``claims`` (commit -> its claims), under
    ``policy``, with signatures checked against the keys of ``trust_commit`` where the
    path's rule asks for them. ``blobs``/``commits``: what the caller has read already
    (else read here: one ``git log --no-walk`` and one ``git cat-file --batch``, the files'
    lines then given to ``lines_read`` by (commit, path) when it is a dict)."""
    shas = [sha for sha, items in claims.items() if items]
    if not shas:
        return {}
    from ownit.core.claim_validity import OFF, TextFinders, judge_claim
    from ownit.git import history

    if commits is None:
        found = history.log(cwd, ["--no-walk=unsorted", *shas], reverse=False)
        commits = {
            c.sha: CommitPeople(c.sha, c.author_email, c.committer_email, c.message) for c in found
        }
    if blobs is None:
        specs = [f"{sha}:{claim.path}" for sha in shas for claim in claims[sha]]
        fetched = history.BatchRead(cwd, specs).result()
        # One list per (commit, path), however many claims name it: the finders below
        # index each text once.
        texts: dict[tuple[str, str], list[str] | None] = {} if lines_read is None else lines_read

        def read(sha: str, path: str) -> list[str] | None:
            key = (sha, path)
            if key not in texts:
                data = fetched.pop(f"{sha}:{path}", None)
                texts[key] = None if data is None else history.git_lines(data)
            return texts[key]

        blobs = read
    excluded: dict[str, bool] = {}

    def rule_of(path: str) -> EffectiveRule | None:
        if path not in excluded:
            excluded[path] = policy.is_excluded(path, gitattributes_text)
        return None if excluded[path] else policy.effective(path)

    asked: list[tuple[str, SignedClaim]] = []
    for sha in shas:
        people = commits.get(sha)
        if people is None:
            continue
        signed = signed_claims(people.message)
        for claim in claims[sha]:
            rule = rule_of(claim.path) if claim.owned else None
            if rule is not None and rule.signatures != OFF and claim in signed:
                asked.append((sha, signed[claim]))
    verdicts: dict[tuple[str, tr.ClaimLine], SignatureVerdict] = {}
    if asked:
        verdicts = signature_verdicts(cwd, trusted_keys(cwd, trust_commit, policy), asked)
    out: dict[tuple[str, tr.ClaimLine], ClaimJudgement] = {}
    finders = TextFinders()  # a commit's claims on one file share its index
    for sha in shas:
        people = commits.get(sha)
        for claim in claims[sha]:
            out[(sha, claim)] = judge_claim(
                claim,
                blobs(sha, claim.path),
                author_email=people.author_email if people else "",
                committer_email=people.committer_email if people else "",
                rule=rule_of(claim.path),
                signature=verdicts.get((sha, claim)),
                finders=finders,
            )
    return out


def blame_validity(
    cwd: Path,
    index: ClaimIndex,
    lines: Sequence[BlameLine],
    path: str,
    policy: Policy,
    *,
    head: str | None,
    gitattributes_text: str | None = None,
    known: MutableMapping[tuple[str, tr.ClaimLine], str | None] | None = None,
    first_lines: MutableMapping[tuple[str, tr.ClaimLine], str | None] | None = None,
) -> InvalidWhy:
    """Why each claim that can speak for the blamed ``lines`` of ``path`` is invalid,
    for :func:`ownit.core.provenance.resolve`: the claims of the commits that introduced
    the lines and every claim on the path (a later claim-only commit), judged under
    ``policy``, signatures against the keys HEAD trusts.

    ``known``: what earlier calls found under the same policy, ``.gitattributes`` and
    HEAD ((commit, claim) -> why it is invalid, None when valid); those claims are not
    judged again and the new judgements are added to it (not one whose signature could
    not be checked for want of ssh-keygen or gpg: that may change without a commit).
    ``first_lines``: given the first line (normalised) of each newly judged claim's code
    as its commit has it, None where the code is not there (for ``resolve``)."""
    judged: MutableMapping[tuple[str, tr.ClaimLine], str | None] = {} if known is None else known
    wanted: dict[str, set[tr.ClaimLine]] = {}
    orig_paths = {(bl.commit, bl.orig_path) for bl in lines}
    for sha, orig in orig_paths:
        entry = index.commits.get(sha)
        if entry is not None:
            wanted.setdefault(sha, set()).update(
                c for c in entry.claims if c.path == orig and (sha, c) not in judged
            )
    for entry, claim in index.claims_for_path(path):
        if (entry.sha, claim) not in judged:
            wanted.setdefault(entry.sha, set()).add(claim)
    read: dict[tuple[str, str], list[str] | None] = {}
    found = judge_commits_claims(
        cwd,
        {
            sha: sorted(items, key=lambda c: (c.path, c.first, c.fingerprint))
            for sha, items in wanted.items()
        },
        policy,
        gitattributes_text=gitattributes_text,
        trust_commit=head,
        lines_read=read,
    )
    if first_lines is not None:
        from ownit.core.fingerprint import normalize_line

        for (sha, claim), judgement in found.items():
            text = read.get((sha, claim.path))
            where = judgement.located
            first_lines[(sha, claim)] = (
                normalize_line(text[where[0] - 1]) if where is not None and text else None
            )
    # A signature that could not be checked here (no ssh-keygen or gpg) may check once
    # the program is there: such a judgement is for this call only, never kept.
    passing: dict[tuple[str, tr.ClaimLine], str | None] = {}
    if found:
        from ownit.core.signing import SignatureStatus
    for pair, judgement in found.items():
        unchecked = (
            judgement.signature is not None
            and judgement.signature.status is SignatureStatus.TOOL_MISSING
        )
        (passing if unchecked else judged)[pair] = None if judgement.valid else judgement.reason

    def why(sha: str, claim: tr.ClaimLine) -> str | None:
        pair = (sha, claim)
        return passing[pair] if pair in passing else judged.get(pair)

    return why
