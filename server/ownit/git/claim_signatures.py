"""The signature status of each ``AI-Owned`` claim of some commits, checked against the
keys a commit trusts (docs/trust.md, "Verifying"): its ``.ownit/allowed_signers`` file
(SSH) and the public keys under ``.ownit/openpgp/`` (OpenPGP), read from that commit
only (the range's base), never from the work tree or the commits checked.

Feeds :func:`ownit.core.claim_judgement.judge` its ``signatures``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ownit.core import trailers as tr
from ownit.core.claim_judgement import ClaimKey, claim_key
from ownit.core.signing import ClaimSignature, SignatureStatus, message_signatures
from ownit.core.verify import CommitLike
from ownit.git import history
from ownit.git import run as git
from ownit.git.signature_verify import ALLOWED_SIGNERS_PATH, OPENPGP_KEYS_DIR, ClaimVerifier

Status = tuple[str, str, str | None]  # (status, detail, key fingerprint)


def trusted_keys(
    cwd: Path, commit: str, allowed_signers: str = ALLOWED_SIGNERS_PATH
) -> tuple[str | None, list[tuple[str, bytes]]]:
    """(the allowed-signers text, the OpenPGP key files) of ``commit``; the
    allowed-signers file where the policy's ``allowed_signers`` says."""
    listed = git.run(
        ["ls-tree", "-r", "-z", "--name-only", commit, "--", OPENPGP_KEYS_DIR + "/"],
        cwd,
        check=False,
    )
    names = [git.text(n) for n in listed.stdout.split(b"\0") if n] if listed.returncode == 0 else []
    specs = [f"{commit}:{allowed_signers}", *(f"{commit}:{name}" for name in names)]
    found = history.BatchRead(cwd, specs).result()
    signers = found.get(specs[0])
    keys = [
        (name, data)
        for name, spec in zip(names, specs[1:], strict=True)
        if (data := found.get(spec)) is not None
    ]
    return (None if signers is None else signers.decode("utf-8", "replace")), keys


def check(
    cwd: Path,
    commits: Sequence[CommitLike],
    trusted_at: str | None,
    allowed_signers: str = ALLOWED_SIGNERS_PATH,
) -> dict[ClaimKey, Status]:
    """The status of every signed ``AI-Owned`` claim of ``commits`` (claims with no
    signature are left out: they are unsigned), against the keys of ``trusted_at``
    (None: no keys, so no signature can be accepted)."""
    out: dict[ClaimKey, Status] = {}
    pending: list[tuple[ClaimKey, tr.ClaimLine, ClaimSignature]] = []
    for commit in commits:
        if "ai-signature:" not in commit.message.lower():
            continue
        for signed in message_signatures(commit.message).claims:
            key = claim_key(commit.sha, signed.claim)
            if signed.signature is not None:
                pending.append((key, signed.claim, signed.signature))
            elif signed.problem is not None:
                out[key] = (SignatureStatus.MALFORMED.value, signed.problem, None)
    if not pending:
        return out
    if trusted_at is None:
        for key, _, _ in pending:
            out[key] = (
                SignatureStatus.UNKNOWN_KEY.value,
                "no commit to read the trusted keys from (the range has no base)",
                None,
            )
        return out
    signers, keys = trusted_keys(cwd, trusted_at, allowed_signers)
    with ClaimVerifier(
        allowed_signers=signers,
        allowed_signers_label=f"{trusted_at[:10]}:{allowed_signers}",
        openpgp_keys=keys,
    ) as verifier:
        verdicts = verifier.verify([(claim, signature) for _, claim, signature in pending])
    for (key, _, _), verdict in zip(pending, verdicts, strict=True):
        out[key] = (verdict.status.value, verdict.message, verdict.key)
    return out
