"""Signed claims (docs/trust.md, "Signed claims"): the statement a signature covers, the
``AI-Signature`` trailer that carries it, and what a check of one can find. Pure.

A signed claim is its ``AI-Owned`` line followed directly by one more trailer::

    AI-Owned: src/auth/token.py:41-58 3f9a1c2b7d4e copilot dev@example.com -- Uses hmac…
    AI-Signature: 3f9a1c2b7d4e 20250301120000Z ssh U1NIU0lHAAAAAQAAADMAAAALc3NoLWVk…

The signature covers the claim's *statement* (:func:`claim_statement`): the fingerprint and
the number of lines (which code), the tool, the owner and the rationale (what was said about
it, by whom) and the signing time. Line numbers and the path are left out on purpose: the
hooks move claims to where their code is after a rebase, an amend or a squash, and a rename
moves the path; the signature must survive all of those.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from enum import StrEnum

from ownit.core.claims import DEFAULT_MAX_CHARS, normalize_rationale
from ownit.core.record import Record, set_field
from ownit.core.trailers import (
    AI_OWNED,
    ClaimLine,
    encode_token,
    format_claim,
    ignored_tail_start,
    parse_trailer,
)

AI_SIGNATURE = "AI-Signature"
NAMESPACE = "ownit-claim"  # the SSH signature namespace: a git commit signature is not one
STATEMENT_VERSION = "ownit-claim-v1"
# An ed25519 signature is about 400 characters, RSA-4096 about 1,000, one made with an SSH
# certificate carries the certificate too; anything much longer is not a claim signature.
MAX_SIGNATURE_CHARS = 8192

_SIGNED_AT_FORMAT = "%Y%m%d%H%M%S"
_SIGNED_AT = re.compile(r"[0-9]{14}Z")
_FINGERPRINT = re.compile(r"[0-9a-f]{12}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
# A line of a message that is a trailer written as ownit writes it, or indented by four
# spaces (`git merge --squash`), as core.trailers reads them.
_BODY_LINE = re.compile(r"(?:    )?(?P<key>[A-Za-z-]+): (?P<value>\S.*)")


class SignatureFormat(StrEnum):
    SSH = "ssh"
    OPENPGP = "openpgp"


class SignatureSyntaxError(ValueError):
    """An ``AI-Signature`` value that is not in the grammar; the message says what is wrong."""


# --------------------------------------------------------------------------- signing time


def signed_at_stamp(when: datetime) -> str:
    """``when`` as a claim's signing time: UTC ``YYYYMMDDHHMMSSZ`` (how git's allowed-signers
    file writes ``valid-after``, and what ``ssh-keygen -Overify-time=`` takes)."""
    if when.tzinfo is None:
        raise ValueError("a signing time needs a time zone")
    return when.astimezone(UTC).strftime(_SIGNED_AT_FORMAT) + "Z"


def parse_signed_at(text: str) -> datetime:
    """The UTC time of a ``YYYYMMDDHHMMSSZ`` stamp; :class:`ValueError` for anything else
    (a date that does not exist included)."""
    if not _SIGNED_AT.fullmatch(text):
        raise ValueError(f"signing time {text!r} is not YYYYMMDDHHMMSSZ (UTC)")
    try:
        return datetime.strptime(text[:-1], _SIGNED_AT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"signing time {text!r} is not a real date and time") from None


# --------------------------------------------------------------------------- trailer


class ClaimSignature(Record):
    """One ``AI-Signature`` trailer: which claim (by fingerprint), when, how, and the
    signature's base64 body (the armor and its line breaks removed, see
    :mod:`ownit.core.signature_armor`)."""

    __slots__ = ("fingerprint", "format", "signature", "signed_at")
    _fields = ("fingerprint", "signed_at", "format", "signature")  # (repr in this order)
    fingerprint: str
    signed_at: str
    format: SignatureFormat
    signature: str

    def __init__(
        self,
        fingerprint: str,
        signed_at: str,
        format: SignatureFormat,
        signature: str,
    ) -> None:
        try:
            set_field(self, "format", SignatureFormat(format))
        except ValueError:
            raise SignatureSyntaxError(f"unknown signature format {format!r}") from None
        set_field(self, "fingerprint", fingerprint)
        set_field(self, "signed_at", signed_at)
        set_field(self, "signature", signature)
        problem = _signature_problem(fingerprint, signed_at, signature)
        if problem is not None:
            raise SignatureSyntaxError(problem)

    @property
    def signed_at_time(self) -> datetime:
        return parse_signed_at(self.signed_at)

    @property
    def signature_bytes(self) -> bytes:
        return base64.b64decode(self.signature, validate=True)


def _signature_problem(fingerprint: str, signed_at: str, signature: str) -> str | None:
    if not _FINGERPRINT.fullmatch(fingerprint):
        return f"fingerprint {fingerprint!r} is not 12 lowercase hex digits"
    try:
        parse_signed_at(signed_at)
    except ValueError as error:
        return str(error)
    if len(signature) > MAX_SIGNATURE_CHARS:
        return f"signature is {len(signature)} characters long, at most {MAX_SIGNATURE_CHARS}"
    if not _BASE64.fullmatch(signature) or len(signature) % 4:
        return "signature is not base64 on one line"
    try:
        base64.b64decode(signature, validate=True)
    except binascii.Error:
        return "signature is not base64 on one line"
    return None


def format_signature(signature: ClaimSignature) -> str:
    """The ``AI-Signature:`` trailer line (without its newline)."""
    return (
        f"{AI_SIGNATURE}: {signature.fingerprint} {signature.signed_at}"
        f" {signature.format.value} {signature.signature}"
    )


def parse_signature_value(value: str) -> ClaimSignature:
    """The value of an ``AI-Signature`` trailer (surrounding blanks ignored, as git ignores
    them): exactly ``<fingerprint> <signed-at> <format> <signature>`` with single spaces,
    else :class:`SignatureSyntaxError` saying what is wrong."""
    parts = value.strip().split(" ")
    if len(parts) != 4 or not all(parts):
        raise SignatureSyntaxError(
            "an AI-Signature is '<fingerprint> <signed-at> <format> <signature>', four fields"
            " separated by single spaces"
        )
    fingerprint, signed_at, kind, signature = parts
    try:
        signature_format = SignatureFormat(kind)
    except ValueError:
        known = ", ".join(f.value for f in SignatureFormat)
        raise SignatureSyntaxError(f"unknown signature format {kind!r} (known: {known})") from None
    return ClaimSignature(fingerprint, signed_at, signature_format, signature)


# --------------------------------------------------------------------------- statement


def as_written(claim: ClaimLine, max_rationale: int = DEFAULT_MAX_CHARS) -> ClaimLine:
    """The claim as its ``AI-Owned`` line will say it (rationale made one line and cut at
    ``max_rationale``, an empty tool or e-mail written ``unknown``): what the signer must
    sign, so that a reader of the trailer finds the same statement."""
    parsed = parse_trailer(AI_OWNED, format_claim(claim, max_rationale).partition(": ")[2])
    if not isinstance(parsed, ClaimLine) or not parsed.owned:
        raise ValueError(f"not an AI-Owned claim: {claim.location}")
    return parsed


def _statement_lines(claim: ClaimLine) -> list[str]:
    if claim.owner_email is None:
        raise ValueError(f"an AI-Unowned line has no owner to sign it: {claim.location}")
    if not _FINGERPRINT.fullmatch(claim.fingerprint):
        raise ValueError(f"not a fingerprint: {claim.fingerprint!r}")
    if not 1 <= claim.first <= claim.last:
        raise ValueError(f"bad line range {claim.first}-{claim.last}")
    # Tokens as the trailer writes them (percent-encoded, printable ASCII without spaces)
    # and the rationale as one normalized line: no value can add or end a statement line.
    return [
        STATEMENT_VERSION,
        f"fingerprint {claim.fingerprint}",
        f"lines {claim.last - claim.first + 1}",
        f"tool {encode_token(claim.tool) or 'unknown'}",
        f"owner {encode_token(claim.owner_email) or 'unknown'}",
        f"rationale {normalize_rationale(claim.rationale)}",
    ]


def claim_statement(claim: ClaimLine, signed_at: str) -> bytes:
    """What a signature of ``claim`` covers: UTF-8, one ``name value`` per line, LF line
    ends, a final LF::

        ownit-claim-v1
        fingerprint 3f9a1c2b7d4e
        lines 18
        tool copilot
        owner dev@example.com
        rationale Uses hmac.compare_digest; length checked first
        signed-at 20250301120000Z

    ``ValueError`` for an unowned claim or a malformed time."""
    parse_signed_at(signed_at)
    lines = [*_statement_lines(claim), f"signed-at {signed_at}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def signing_cache_key(claim: ClaimLine, key_id: str) -> str:
    """The key under which a signature of ``claim`` by the key ``key_id`` can be kept, so
    that running a hook again (amend, rebase) does not sign the same claim twice: SHA-256
    of the statement without its time, and of the key. A cached signature keeps the time
    it was made with (it is part of what it signs)."""
    material = "\n".join([*_statement_lines(claim), f"key {key_id}", ""])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- in a message


class SignedClaim(Record):
    """An ``AI-Owned`` line of a message and what followed it: its signature, or None and,
    when the next line was an ``AI-Signature`` that could not be read, why (``problem``)."""

    __slots__ = ("claim", "problem", "signature")
    _fields = ("claim", "signature", "problem")  # (repr in this order)
    claim: ClaimLine
    signature: ClaimSignature | None
    problem: str | None

    def __init__(
        self,
        claim: ClaimLine,
        signature: ClaimSignature | None = None,
        problem: str | None = None,
    ) -> None:
        set_field(self, "claim", claim)
        set_field(self, "signature", signature)
        set_field(self, "problem", problem)


class MessageSignatures(Record):
    __slots__ = ("claims", "stray")
    claims: tuple[SignedClaim, ...]
    # AI-Signature lines that follow no AI-Owned line of their fingerprint: (line, why).
    stray: tuple[tuple[str, str], ...]

    def __init__(self, claims: tuple[SignedClaim, ...], stray: tuple[tuple[str, str], ...]) -> None:
        set_field(self, "claims", claims)
        set_field(self, "stray", stray)


def _trailer_lines(message: str, comment_char: str) -> Iterator[tuple[str, str, str]]:
    """(key, value, line) of each line after the subject that looks like a trailer."""
    subject_seen = False
    for line in message[: ignored_tail_start(message, comment_char)].split("\n"):
        if comment_char and line.startswith(comment_char):
            continue
        if not subject_seen:
            subject_seen = bool(line.strip())
            continue
        match = _BODY_LINE.fullmatch(line.rstrip())
        if match is not None:
            yield match["key"], match["value"], line
        else:
            yield "", "", line


def pair_signatures(lines: Iterable[tuple[str, str, str]]) -> MessageSignatures:
    """Claims and signatures of ``(key, value, line)`` triples in message order: an
    ``AI-Signature`` belongs to the ``AI-Owned`` line directly before it, when the
    fingerprints agree. Identical pairs are listed once."""
    claims: list[SignedClaim] = []
    stray: list[tuple[str, str]] = []
    pending: ClaimLine | None = None  # the AI-Owned line just read, still unsigned
    for key, value, line in lines:
        folded = key.casefold()
        if folded == AI_SIGNATURE.casefold():
            _attach(pending, value, line, claims, stray)
            pending = None
            continue
        if pending is not None:
            claims.append(SignedClaim(pending))
            pending = None
        parsed = parse_trailer(key, value) if key else None
        if isinstance(parsed, ClaimLine) and parsed.owned:
            pending = parsed
    if pending is not None:
        claims.append(SignedClaim(pending))
    return MessageSignatures(tuple(dict.fromkeys(claims)), tuple(dict.fromkeys(stray)))


def _attach(
    claim: ClaimLine | None,
    value: str,
    line: str,
    claims: list[SignedClaim],
    stray: list[tuple[str, str]],
) -> None:
    try:
        signature = parse_signature_value(value)
    except SignatureSyntaxError as error:
        if claim is None:
            stray.append((line, f"malformed: {error}"))
        else:
            claims.append(SignedClaim(claim, problem=f"malformed signature: {error}"))
        return
    if claim is None:
        stray.append((line, "no AI-Owned line directly before it"))
    elif claim.fingerprint != signature.fingerprint:
        claims.append(SignedClaim(claim))
        stray.append((line, f"its fingerprint is not {claim.fingerprint}, the claim's above it"))
    else:
        claims.append(SignedClaim(claim, signature))


def message_signatures(message: str, comment_char: str = "#") -> MessageSignatures:
    """Every ``AI-Owned`` claim of a commit message with its ``AI-Signature``, wherever the
    pair stands after the subject (a squash merge puts them in the body, ``git merge
    --squash`` indents them by four spaces); comment lines and what follows git's scissors
    line are not part of the message."""
    return pair_signatures(_trailer_lines(message, comment_char))


# --------------------------------------------------------------------------- verdicts


class SignatureStatus(StrEnum):
    VALID = "valid"
    INVALID = "invalid"  # not a signature of this statement (changed, or a bad signature)
    UNKNOWN_KEY = "unknown-key"  # a good signature by a key not allowed for the owner
    KEY_EXPIRED = "key-expired"  # the key was allowed, but not any more at signed-at
    KEY_NOT_YET_VALID = "key-not-yet-valid"  # ... and not yet at signed-at
    MALFORMED = "malformed"  # not readable as a signature of its format
    TOOL_MISSING = "tool-missing"  # ssh-keygen or gpg is not installed


class SignatureVerdict(Record):
    """What checking one signature found; ``message`` is one line for a person, ``key``
    the signing key's fingerprint when it could be read."""

    __slots__ = ("key", "message", "status")
    _fields = ("status", "message", "key")  # (repr in this order)
    status: SignatureStatus
    message: str
    key: str | None

    def __init__(self, status: SignatureStatus, message: str, key: str | None = None) -> None:
        set_field(self, "status", status)
        set_field(self, "message", message)
        set_field(self, "key", key)

    @property
    def valid(self) -> bool:
        return self.status is SignatureStatus.VALID
