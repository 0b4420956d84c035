"""Check claim signatures against the keys a range's base trusts (docs/trust.md).

SSH signatures go to ``ssh-keygen -Y verify`` with the base's allowed-signers file, the
claim's owner as the principal, ownit's namespace and the claim's signing time as the
verification time, so that ``valid-after``/``valid-before`` (and a certificate's validity)
are judged at that time and the key must be listed for that owner's e-mail address.
OpenPGP signatures go to ``gpg --verify`` in a throw-away home holding only the base's
public keys; :mod:`ownit.core.openpgp_keys` then judges the key against the owner.

The trusted keys are text the caller read from the base (never from the work tree or the
range itself: a branch must not be able to add its own key). A :class:`ClaimVerifier` is
a context manager owning a private temporary directory; :meth:`ClaimVerifier.verify`
checks many signatures at once, each distinct (statement, signature) pair once, in a
bounded pool of processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from ownit.core.allowed_signers import AllowedSigners, parse_allowed_signers, ssh_keygen_text
from ownit.core.openpgp_keys import OpenPgpCertificate, judge_signature, parse_key_listing
from ownit.core.openpgp_keys import parse_time as parse_gpg_time
from ownit.core.signature_armor import (
    ArmorError,
    SshSignature,
    check_openpgp_signature,
    read_sshsig,
    ssh_armor,
)
from ownit.core.signing import (
    NAMESPACE,
    ClaimSignature,
    SignatureFormat,
    SignatureStatus,
    SignatureVerdict,
    claim_statement,
)
from ownit.core.trailers import ClaimLine
from ownit.git.signing import default_workers, one_line

ALLOWED_SIGNERS_PATH = ".ownit/allowed_signers"
OPENPGP_KEYS_DIR = ".ownit/openpgp"
_VERIFY_ENV = {"LC_ALL": "C", "TZ": "UTC"}  # stable messages; times without Z are UTC


class ClaimVerifier:
    """Verifies claim signatures against trusted keys given as text.

    ``allowed_signers`` is the allowed-signers file's text (None: the base has none) and
    ``allowed_signers_label`` where it came from, for messages; ``openpgp_keys`` are
    ``(label, armored or binary public keys)``, one per file of the base's keyring.
    """

    def __init__(
        self,
        *,
        allowed_signers: str | None = None,
        allowed_signers_label: str = ALLOWED_SIGNERS_PATH,
        openpgp_keys: Sequence[tuple[str, bytes]] = (),
        ssh_program: str = "ssh-keygen",
        gpg_program: str = "gpg",
        workers: int | None = None,
    ) -> None:
        self.signers: AllowedSigners | None = (
            parse_allowed_signers(allowed_signers) if allowed_signers is not None else None
        )
        self.label = allowed_signers_label
        self.openpgp_keys = tuple(openpgp_keys)
        self.ssh_program = ssh_program
        self.gpg_program = gpg_program
        self.workers = workers or default_workers()
        self.keyring_problems: list[str] = []
        self._tmp: Path | None = None
        self._lock = threading.Lock()
        self._counter = 0
        self._certificates: tuple[OpenPgpCertificate, ...] | None = None
        self._gpg_missing = False

    def __enter__(self) -> ClaimVerifier:
        self._tmp = Path(tempfile.mkdtemp(prefix="ownit-verify-"))
        if self.signers is not None:
            (self._tmp / "allowed_signers").write_text(ssh_keygen_text(self.signers))
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    # ----------------------------------------------------------------------- many at once

    def verify(self, items: Sequence[tuple[ClaimLine, ClaimSignature]]) -> list[SignatureVerdict]:
        """A verdict per (claim, signature), in order."""
        if self._tmp is None:
            raise RuntimeError("use ClaimVerifier as a context manager (with …)")
        verdicts: dict[int, SignatureVerdict] = {}
        unique: dict[tuple[bytes, SignatureFormat, str], list[int]] = {}
        checks: dict[tuple[bytes, SignatureFormat, str], tuple[ClaimLine, ClaimSignature]] = {}
        for index, (claim, signature) in enumerate(items):
            early = _precheck(claim, signature)
            if early is not None:
                verdicts[index] = early
                continue
            statement = claim_statement(claim, signature.signed_at)
            key = (statement, signature.format, signature.signature)
            unique.setdefault(key, []).append(index)
            checks.setdefault(key, (claim, signature))
        if any(signature.format is SignatureFormat.OPENPGP for _, signature in checks.values()):
            self._load_keyring()
        ordered = list(checks.items())
        with ThreadPoolExecutor(max_workers=max(1, min(self.workers, len(ordered)))) as pool:
            results = list(
                pool.map(lambda entry: self._verify_one(entry[0][0], *entry[1]), ordered)
            )
        for (key, _), verdict in zip(ordered, results, strict=True):
            for index in unique[key]:
                verdicts[index] = verdict
        return [verdicts[index] for index in range(len(items))]

    def _verify_one(
        self, statement: bytes, claim: ClaimLine, signature: ClaimSignature
    ) -> SignatureVerdict:
        assert claim.owner_email is not None  # _precheck
        if signature.format is SignatureFormat.SSH:
            return self._verify_ssh(statement, claim.owner_email, signature)
        return self._verify_openpgp(statement, claim.owner_email, signature)

    def _scratch(self, suffix: str) -> Path:
        assert self._tmp is not None
        with self._lock:
            self._counter += 1
            return self._tmp / f"signature-{self._counter}{suffix}"

    # ----------------------------------------------------------------------- SSH

    def _verify_ssh(
        self, statement: bytes, owner: str, signature: ClaimSignature
    ) -> SignatureVerdict:
        try:
            parts = read_sshsig(signature.signature_bytes)
        except ArmorError as error:
            return SignatureVerdict(SignatureStatus.MALFORMED, f"malformed SSH signature: {error}")
        key = parts.key_fingerprint
        if parts.namespace != NAMESPACE:
            return SignatureVerdict(
                SignatureStatus.INVALID,
                f"signed for {one_line(parts.namespace)!r}, not {NAMESPACE!r}: a signature"
                " made for anything else (a commit, a file) does not vouch for a claim",
                key,
            )
        if self.signers is None or not self.signers.entries:
            why = "has no keys" if self.signers is not None else "does not exist"
            return SignatureVerdict(
                SignatureStatus.UNKNOWN_KEY, f"{self.label} {why} at the base", key
            )
        assert self._tmp is not None
        sig_file = self._scratch(".sig")
        sig_file.write_text(ssh_armor(signature.signature))
        common = ["-n", NAMESPACE, "-s", str(sig_file)]
        verify = [
            self.ssh_program,
            "-Y",
            "verify",
            "-f",
            str(self._tmp / "allowed_signers"),
            "-I",
            owner.lower(),
            *common,
            f"-Overify-time={signature.signed_at}",
        ]
        result = self._run(verify, statement)
        if result is None:
            return self._missing(self.ssh_program, "OpenSSH's ssh-keygen", key)
        if result.returncode == 0:
            return SignatureVerdict(
                SignatureStatus.VALID, f"good signature by {owner} with key {key}", key
            )
        said = self._ssh_message(result.stderr)
        folded = said.casefold()
        if "not yet valid" in folded:
            return SignatureVerdict(SignatureStatus.KEY_NOT_YET_VALID, said, key)
        if "expired" in folded:
            return SignatureVerdict(SignatureStatus.KEY_EXPIRED, said, key)
        checked = self._run([self.ssh_program, "-Y", "check-novalidate", *common], statement)
        if checked is None:
            return self._missing(self.ssh_program, "OpenSSH's ssh-keygen", key)
        if checked.returncode != 0:
            return SignatureVerdict(
                SignatureStatus.INVALID,
                "the signature does not match the claim: its code, owner, tool, rationale or"
                " signing time is not what was signed",
                key,
            )
        return SignatureVerdict(
            SignatureStatus.UNKNOWN_KEY, self._unknown_key(owner, parts, said), key
        )

    def _ssh_message(self, stderr: bytes) -> str:
        assert self._tmp is not None
        text = stderr.decode("utf-8", "replace").replace(
            str(self._tmp / "allowed_signers"), self.label
        )
        lines = [line for line in text.splitlines() if line and "Could not verify" not in line]
        return one_line(" ".join(lines))

    def _unknown_key(self, owner: str, parts: SshSignature, said: str) -> str:
        assert self.signers is not None
        key = parts.key_fingerprint
        if "namespace" in said:
            return f"key {key} may not sign {NAMESPACE!r} claims for {owner}: {said}"
        if "certificate" in said.casefold():
            return f"the certificate that signed is not accepted for {owner}: {said}"
        for_owner = self.signers.for_principal(owner)
        listed = self.signers.with_key(key)
        if listed and not any(entry.allows(owner) for entry in listed):
            whom = ", ".join(sorted({p for entry in listed for p in entry.principals}))
            return f"key {key} is in {self.label} for {whom}, not for {owner}"
        if not for_owner:
            return f"{self.label} has no key for {owner} (signed with key {key})"
        return f"key {key} is not one of the keys {self.label} lists for {owner}"

    # ----------------------------------------------------------------------- OpenPGP

    def _load_keyring(self) -> None:
        """Import the trusted public keys into a throw-away gpg home, once."""
        with self._lock:
            if self._certificates is not None or self._gpg_missing:
                return
            assert self._tmp is not None
            home = self._tmp / "gnupg"
            home.mkdir(mode=0o700)
            for label, data in self.openpgp_keys:
                result = self._run(self._gpg(home, "--import"), data)
                if result is None:
                    self._gpg_missing = True
                    return
                if result.returncode != 0:
                    self.keyring_problems.append(
                        f"{label}: gpg cannot import it: {one_line(_gpg_text(result.stderr))}"
                    )
            listing = self._run(self._gpg(home, "--with-colons", "--fixed-list-mode", "-k"), b"")
            if listing is None:
                self._gpg_missing = True
                return
            try:
                self._certificates = parse_key_listing(listing.stdout.decode("utf-8", "replace"))
            except ValueError as error:
                self.keyring_problems.append(f"gpg's key listing could not be read: {error}")
                self._certificates = ()

    def _gpg(self, home: Path, *args: str) -> list[str]:
        return [
            self.gpg_program,
            "--homedir",
            str(home),
            "--batch",
            "--no-tty",
            "--no-autostart",
            "--no-permission-warning",
            "--no-random-seed-file",
            *args,
        ]

    def _verify_openpgp(
        self, statement: bytes, owner: str, signature: ClaimSignature
    ) -> SignatureVerdict:
        data = signature.signature_bytes
        try:
            check_openpgp_signature(data)
        except ArmorError as error:
            return SignatureVerdict(
                SignatureStatus.MALFORMED, f"malformed OpenPGP signature: {error}"
            )
        if self._gpg_missing:
            return self._missing(self.gpg_program, "GnuPG", None)
        assert self._tmp is not None and self._certificates is not None
        sig_file = self._scratch(".gpg")
        sig_file.write_bytes(data)
        args = ["--trust-model", "always", "--ignore-time-conflict", "--status-fd", "1"]
        result = self._run(
            self._gpg(self._tmp / "gnupg", *args, "--verify", str(sig_file), "-"), statement
        )
        if result is None:
            return self._missing(self.gpg_program, "GnuPG", None)
        status = [
            line.split()[1:]
            for line in result.stdout.decode("utf-8", "replace").splitlines()
            if line.startswith("[GNUPG:] ") and len(line.split()) > 1
        ]
        names = [fields[0] for fields in status]
        valid = [fields[1:] for fields in status if fields[0] == "VALIDSIG"]
        if "PLAINTEXT" in names or names.count("NEWSIG") > 1:
            return SignatureVerdict(SignatureStatus.MALFORMED, "not one detached signature")
        if "BADSIG" in names:
            return SignatureVerdict(
                SignatureStatus.INVALID,
                "the signature does not match the claim: its code, owner, tool, rationale or"
                " signing time is not what was signed",
            )
        if "NO_PUBKEY" in names or any(
            fields[0] == "ERRSIG" and fields[6:7] == ["9"] for fields in status
        ):
            errsig = next((f for f in status if f[0] == "ERRSIG"), ["ERRSIG", "?"])
            return SignatureVerdict(
                SignatureStatus.UNKNOWN_KEY,
                f"signed with key {errsig[1]}, which the keyring at the base ({OPENPGP_KEYS_DIR})"
                " does not hold",
                errsig[1],
            )
        if len(valid) != 1 or len(valid[0]) < 3:
            said = one_line(_gpg_text(result.stderr)) or "no good signature"
            return SignatureVerdict(SignatureStatus.INVALID, f"gpg: {said}")
        fingerprint, signature_time = valid[0][0], parse_gpg_time(valid[0][2])
        if signature_time is None:
            return SignatureVerdict(SignatureStatus.MALFORMED, "the signature has no time")
        verdict, message = judge_signature(
            self._certificates, fingerprint, signature_time, owner, signature.signed_at_time
        )
        return SignatureVerdict(verdict, message, fingerprint)

    # ----------------------------------------------------------------------- processes

    def _run(self, args: list[str], data: bytes) -> subprocess.CompletedProcess[bytes] | None:
        """The finished process, or None when the program is not installed."""
        try:
            return subprocess.run(
                args,
                input=data,
                capture_output=True,
                check=False,
                env={**os.environ, **_VERIFY_ENV},
                start_new_session=True,
            )
        except FileNotFoundError:
            return None

    def _missing(self, program: str, package: str, key: str | None) -> SignatureVerdict:
        return SignatureVerdict(
            SignatureStatus.TOOL_MISSING,
            f"{one_line(program)} is not installed, so the signature cannot be checked:"
            f" install {package}",
            key,
        )


def _gpg_text(stderr: bytes) -> str:
    return " ".join(
        line for line in stderr.decode("utf-8", "replace").splitlines() if line.startswith("gpg:")
    )


def _precheck(claim: ClaimLine, signature: ClaimSignature) -> SignatureVerdict | None:
    """A verdict that needs no program: the pair does not even belong together."""
    if claim.owner_email is None:
        return SignatureVerdict(
            SignatureStatus.MALFORMED, "an AI-Unowned line cannot carry a signature"
        )
    if claim.fingerprint != signature.fingerprint:
        return SignatureVerdict(
            SignatureStatus.INVALID,
            f"the signature is for the code {signature.fingerprint}, the claim for"
            f" {claim.fingerprint}",
        )
    return None
