"""Sign claims with the key git signs commits with (docs/trust.md, "Signed claims").

git's own configuration says how: ``gpg.format`` (``ssh`` or ``openpgp``, git's default),
``user.signingKey``, ``gpg.ssh.program`` / ``gpg.openpgp.program`` / ``gpg.program``, and
``gpg.ssh.defaultKeyCommand``. Nothing new to set up, no key of ownit's own.

Programs run with argument lists (never a shell), each statement in a file of a private
temporary directory. ``ssh-keygen`` runs in a session of its own with no standard input,
so it can never stop to ask for a passphrase (it would ask once per claim): a key with a
passphrase signs through ssh-agent. ``gpg`` asks through gpg-agent's pinentry, as it does
for ``git commit -S``. The first statement is signed alone, so that a missing key is one
error rather than one per claim, then the rest in a bounded pool of processes.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ownit.core.claims import DEFAULT_MAX_CHARS
from ownit.core.printable import printable
from ownit.core.signature_armor import ArmorError, openpgp_body, ssh_body
from ownit.core.signing import (
    NAMESPACE,
    ClaimSignature,
    SignatureFormat,
    as_written,
    claim_statement,
    signed_at_stamp,
    signing_cache_key,
)
from ownit.core.trailers import ClaimLine
from ownit.git import run as git

SSH_SETUP = "git config gpg.format ssh && git config user.signingKey ~/.ssh/id_ed25519.pub"
_CONFIG_KEYS = (
    r"^(gpg\.(format|program|ssh\.program|openpgp\.program|ssh\.defaultkeycommand)"
    r"|user\.signingkey)$"
)
_KEY_TYPE_PREFIXES = ("ssh-", "ecdsa-", "sk-")


class SigningError(Exception):
    """Claims cannot be signed; the message is one line saying how to fix it."""


def default_workers() -> int:
    """Processes signing or verifying at once: a few per core, never many."""
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


def one_line(text: str, limit: int = 200) -> str:
    """A program's message as one printable line (control characters escaped), cut."""
    escaped = printable(" ".join(text.split()))
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True, slots=True)
class SigningConfig:
    format: SignatureFormat
    signing_key: str  # user.signingKey as configured; "" when unset
    program: str
    default_key_command: str = ""  # gpg.ssh.defaultKeyCommand


def read_signing_config(cwd: Path) -> SigningConfig:
    """git's signing configuration for the repository at ``cwd`` (``git -c`` overrides of
    the running git included, as a hook sees them)."""
    result = git.run(["config", "-z", "--get-regexp", _CONFIG_KEYS], cwd, check=False)
    if result.returncode not in (0, 1):  # 1: none of those keys is set
        raise SigningError(f"git config failed: {one_line(git.text(result.stderr))}")
    values: dict[str, str] = {}
    for entry in git.text(result.stdout).split("\0"):
        key, _, value = entry.partition("\n")
        if key:
            values[key.lower()] = value  # the last one wins, as in git
    name = values.get("gpg.format", SignatureFormat.OPENPGP.value)
    if name == "x509":
        raise SigningError(
            "gpg.format is x509, which ownit cannot sign claims with: use ssh"
            f" ({SSH_SETUP}) or openpgp"
        )
    try:
        signature_format = SignatureFormat(name)
    except ValueError:
        raise SigningError(
            f"gpg.format is {one_line(name)!r}, not ssh or openpgp: {SSH_SETUP}"
        ) from None
    if signature_format is SignatureFormat.SSH:
        program = values.get("gpg.ssh.program") or "ssh-keygen"
    else:
        program = values.get("gpg.openpgp.program") or values.get("gpg.program") or "gpg"
    return SigningConfig(
        signature_format,
        values.get("user.signingkey", "").strip(),
        program,
        values.get("gpg.ssh.defaultkeycommand", "").strip(),
    )


# --------------------------------------------------------------------------- signers


@dataclass(frozen=True, slots=True)
class SshSigner:
    """Signs with ``ssh-keygen -Y sign``: a key file (private, or public with its private
    key in the agent or beside it), or a literal public key the agent holds."""

    program: str
    key_file: Path | None  # -f this file
    literal_key: str | None  # or write this public key to a file and sign with the agent
    key_id: str  # the public key when known: what the signing cache is keyed by
    workers: int

    format = SignatureFormat.SSH

    def sign(self, statements: Sequence[bytes]) -> list[str]:
        with tempfile.TemporaryDirectory(prefix="ownit-sign-") as tmp:
            directory = Path(tmp)
            if self.literal_key is not None:
                key_file = directory / "signing-key.pub"
                key_file.write_text(self.literal_key + "\n")
                key_args = ["-f", str(key_file), "-U"]
            else:
                assert self.key_file is not None
                key_args = ["-f", str(self.key_file)]
            paths = [directory / f"claim-{index}" for index in range(len(statements))]
            for path, statement in zip(paths, statements, strict=True):
                path.write_bytes(statement)

            def sign_files(batch: Sequence[Path]) -> list[str]:
                # One ssh-keygen signs many files (each gets FILE.sig): a process per
                # claim would cost more than the signatures.
                args = [self.program, "-Y", "sign", "-n", NAMESPACE, *key_args, "--"]
                result = _run(
                    [*args, *map(str, batch)], self.program, "gpg.ssh.program", new_session=True
                )
                signatures = [path.with_name(path.name + ".sig") for path in batch]
                if result.returncode != 0 or not all(sig.exists() for sig in signatures):
                    raise SigningError(self._why(git.text(result.stderr)))
                try:
                    return [ssh_body(sig.read_text("utf-8", "replace")) for sig in signatures]
                except ArmorError as error:
                    raise SigningError(f"{self.program} wrote no SSH signature: {error}") from None

            return _sign_batches(paths, sign_files, self.workers)

    def _why(self, stderr: str) -> str:
        shown = str(self.key_file) if self.key_file is not None else "the key user.signingKey gives"
        progress = ("Signing file ", "Write signature to ")  # ssh-keygen's, for every file
        stderr = "\n".join(line for line in stderr.splitlines() if not line.startswith(progress))
        folded = stderr.casefold()
        if "passphrase" in folded:
            return (
                f"the key {shown} has a passphrase, and ownit signs without asking for it: add"
                f" it to ssh-agent (ssh-add {_private_name(shown)}) and sign with its public key"
                f" (git config user.signingKey {_private_name(shown)}.pub)"
            )
        if "agent socket" in folded or "connection to your authentication agent" in folded:
            return (
                f"{shown} is a public key, so ssh-agent must sign, and no agent is running"
                " (SSH_AUTH_SOCK): start one (eval $(ssh-agent)) and add the key (ssh-add)"
            )
        if "find key in agent" in folded:
            return f"ssh-agent does not hold the key {shown}: add it (ssh-add PRIVATE_KEY_FILE)"
        if "couldn't load" in folded or "invalid format" in folded or "no such file" in folded:
            return f"{self.program} cannot read the key {shown}: {one_line(stderr)}"
        return f"{self.program} could not sign: {one_line(stderr) or 'no message'}"


def _private_name(shown: str) -> str:
    return shown.removesuffix(".pub")


@dataclass(frozen=True, slots=True)
class OpenPgpSigner:
    """Signs with ``gpg --status-fd=2 -bsau KEY``, as git does."""

    program: str
    key: str  # user.signingKey, or the owner's e-mail
    workers: int

    format = SignatureFormat.OPENPGP

    @property
    def key_id(self) -> str:
        return f"openpgp:{self.key}"

    def sign(self, statements: Sequence[bytes]) -> list[str]:
        def sign_one(index: int) -> str:
            args = [self.program, "--status-fd=2", "-bsau", self.key]
            result = _run(args, self.program, "gpg.program", input=statements[index])
            stderr = git.text(result.stderr)
            if result.returncode != 0 or "\n[GNUPG:] SIG_CREATED " not in "\n" + stderr:
                raise SigningError(self._why(stderr))
            try:
                return openpgp_body(git.text(result.stdout))
            except ArmorError as error:
                raise SigningError(f"{self.program} wrote no OpenPGP signature: {error}") from None

        return _sign_all(len(statements), sign_one, self.workers)

    def check_ready(self) -> None:
        """Raise the SigningError signing would raise for a missing gpg or secret key,
        without signing (`ownit trailers` says before the commit what it would say)."""
        if not self.key:
            raise SigningError(
                "no user.signingKey, nor an e-mail address to find an OpenPGP key by:"
                f" set user.signingKey, or sign with ssh ({SSH_SETUP})"
            )
        listed = _run(
            [self.program, "--batch", "--list-secret-keys", "--", self.key],
            self.program,
            "gpg.program",
        )
        if listed.returncode != 0 or not listed.stdout.strip():
            raise SigningError(self._no_secret_key())

    def _no_secret_key(self) -> str:
        return (
            f"gpg has no secret key for {self.key}: set user.signingKey to your key"
            " (gpg --list-secret-keys --keyid-format=long) or sign with ssh"
            f" ({SSH_SETUP})"
        )

    def _why(self, stderr: str) -> str:
        status = [line.split()[1:] for line in stderr.splitlines() if line.startswith("[GNUPG:] ")]
        if any(s[:2] == ["INV_SGNR", "9"] or s[:1] == ["NO_SECKEY"] for s in status):
            return self._no_secret_key()
        if any(s[:1] == ["INV_SGNR"] for s in status):
            return f"gpg cannot sign with {self.key} (revoked, expired or not a signing key)"
        folded = stderr.casefold()
        if "pinentry" in folded or "inappropriate ioctl" in folded or "cancel" in folded:
            return (
                f"gpg needs the passphrase of {self.key} and could not ask for it: unlock the"
                " key in gpg-agent first (echo x | gpg --clearsign) or set GPG_TTY=$(tty)"
            )
        lines = [line for line in stderr.splitlines() if not line.startswith("[GNUPG:] ")]
        return f"{self.program} could not sign: {one_line(' '.join(lines)) or 'no message'}"


Signer = SshSigner | OpenPgpSigner


def _run(
    args: list[str],
    program: str,
    setting: str,
    *,
    input: bytes | None = None,
    new_session: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            args,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            check=False,
            start_new_session=new_session,
        )
    except FileNotFoundError:
        package = "OpenSSH's ssh-keygen" if setting == "gpg.ssh.program" else "GnuPG"
        raise SigningError(
            f"{one_line(program)} is not installed or not on PATH: install {package} or set"
            f" {setting}"
        ) from None
    except OSError as error:
        raise SigningError(f"cannot run {one_line(program)}: {error}") from None


def _sign_all(count: int, sign_one: Callable[[int], str], workers: int) -> list[str]:
    if count == 0:
        return []
    first = sign_one(0)  # alone: a missing key is one message, not one per claim
    if count == 1:
        return [first]
    with ThreadPoolExecutor(max_workers=min(workers, count - 1)) as pool:
        return [first, *pool.map(sign_one, range(1, count))]


def _sign_batches(
    items: Sequence[Path], sign_batch: Callable[[Sequence[Path]], list[str]], workers: int
) -> list[str]:
    """The first item alone (a missing key is one message, not one per claim), then the
    rest in up to ``workers`` batches signed at the same time, results in order."""
    if not items:
        return []
    first = sign_batch(items[:1])
    rest = items[1:]
    if not rest:
        return first
    count = min(workers, len(rest))
    size = -(-len(rest) // count)  # ceiling division: ``count`` batches at most
    batches = [rest[at : at + size] for at in range(0, len(rest), size)]
    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        return [*first, *(body for batch in pool.map(sign_batch, batches) for body in batch)]


def _ssh_key_text(text: str) -> str | None:
    """``type base64`` of a public key or certificate file's first line, or None."""
    fields = text.strip().split("\n", 1)[0].split()
    if len(fields) >= 2 and fields[0].startswith(_KEY_TYPE_PREFIXES):
        return f"{fields[0]} {fields[1]}"
    return None


def _default_ssh_key(command: str, cwd: Path) -> str:
    """The literal key ``gpg.ssh.defaultKeyCommand`` prints (split on blanks, as git does)."""
    args = command.split()
    try:
        result = subprocess.run(
            args, cwd=cwd, capture_output=True, check=False, stdin=subprocess.DEVNULL
        )
    except OSError as error:
        raise SigningError(f"gpg.ssh.defaultKeyCommand cannot run: {error}") from None
    first = git.text(result.stdout).split("\n", 1)[0].strip()
    literal = first.removeprefix("key::")
    if result.returncode != 0 or not literal.startswith(_KEY_TYPE_PREFIXES):
        raise SigningError(
            "gpg.ssh.defaultKeyCommand printed no key (it must print key::<public key> or"
            f" ssh-…): {one_line(git.text(result.stderr) or first) or 'no output'};"
            " or set user.signingKey"
        )
    return literal


def ssh_signer(config: SigningConfig, cwd: Path, workers: int | None = None) -> SshSigner:
    """The SSH signer ``config`` describes; :class:`SigningError` saying how to fix it."""
    count = workers or default_workers()
    configured = config.signing_key
    if not configured and config.default_key_command:
        configured = "key::" + _default_ssh_key(config.default_key_command, cwd)
    if not configured:
        raise SigningError(f"gpg.format is ssh but user.signingKey is not set: {SSH_SETUP}")
    if configured.startswith("key::") or configured.startswith(_KEY_TYPE_PREFIXES):
        literal = configured.removeprefix("key::").strip()
        key_text = _ssh_key_text(literal)
        if key_text is None:
            raise SigningError(f"user.signingKey is not an SSH public key: {SSH_SETUP}")
        return SshSigner(config.program, None, literal, key_text, count)
    path = Path(os.path.expanduser(configured))
    if not path.is_absolute():
        path = cwd / path
    if not path.is_file():
        raise SigningError(
            f"user.signingKey names {one_line(str(path))}, which is not a file: {SSH_SETUP}"
        )
    key_text = _key_text_of(path)
    return SshSigner(config.program, path, None, key_text, count)


def _key_text_of(path: Path) -> str:
    for candidate in (path, path.with_name(path.name + ".pub")):
        try:
            key_text = _ssh_key_text(candidate.read_text("utf-8", "replace")[:16384])
        except OSError:
            continue
        if key_text is not None:
            return key_text
    stat = path.stat()  # a private key without its .pub: known by its file
    return f"file:{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def signer_for(
    config: SigningConfig, cwd: Path, owner_email: str, workers: int | None = None
) -> Signer:
    """The signer ``config`` describes. OpenPGP without ``user.signingKey`` signs with the
    key of the owner's e-mail address (git would use the committer's)."""
    if config.format is SignatureFormat.SSH:
        return ssh_signer(config, cwd, workers)
    return OpenPgpSigner(
        config.program, config.signing_key or owner_email, workers or default_workers()
    )


# --------------------------------------------------------------------------- claims


def sign_claims(
    claims: Sequence[ClaimLine],
    signer: Signer,
    *,
    now: datetime | None = None,
    cache: MutableMapping[str, ClaimSignature] | None = None,
    max_rationale: int = DEFAULT_MAX_CHARS,
) -> list[ClaimSignature]:
    """One signature per claim, in order, each of the claim as its ``AI-Owned`` line says
    it (:func:`ownit.core.signing.as_written` with ``max_rationale``).

    ``cache`` maps :func:`ownit.core.signing.signing_cache_key` to signatures made before
    (a hook run again by an amend or a rebase): those are reused, with the time they were
    made, and new ones are added. Identical claims are signed once."""
    signed_at = signed_at_stamp(now or datetime.now(UTC))
    written = [as_written(claim, max_rationale) for claim in claims]
    keys = [signing_cache_key(claim, signer.key_id) for claim in written]
    found: dict[str, ClaimSignature] = {}
    for key, claim in zip(keys, written, strict=True):
        cached = cache.get(key) if cache is not None else None
        if cached is not None and (cached.fingerprint, cached.format) == (
            claim.fingerprint,
            signer.format,
        ):
            found[key] = cached
    todo = [k for k in dict.fromkeys(keys) if k not in found]
    by_key = dict(zip(keys, written, strict=True))
    bodies = signer.sign([claim_statement(by_key[k], signed_at) for k in todo])
    for key, body in zip(todo, bodies, strict=True):
        signature = ClaimSignature(by_key[key].fingerprint, signed_at, signer.format, body)
        found[key] = signature
        if cache is not None:
            cache[key] = signature
    return [found[key] for key in keys]
