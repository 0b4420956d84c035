"""OpenPGP public keys as ``gpg --with-colons --fixed-list-mode --list-keys`` lists them,
and whether a good signature by one of them vouches for a claim's owner. Pure.

The keys are the ones the verified range's base carries (docs/trust.md): being in that
keyring is what makes a key trusted, so gpg's own web of trust plays no part. A signature
vouches for ``owner@example.com`` when its key has a user id with that e-mail address (case
ignored), neither the key nor the user id is revoked, and both the primary key and the
signing (sub)key were valid when the signature was made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ownit.core.signing import SignatureStatus

# How far an OpenPGP signature's own time may be from the claim's signed-at: both come
# from the signer's clock, one taken just before signing; a passphrase prompt may lie
# between them.
SIGNED_AT_TOLERANCE = timedelta(minutes=15)

_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})")
_ISO_TIME = re.compile(r"[0-9]{8}T[0-9]{6}")


@dataclass(frozen=True, slots=True)
class OpenPgpKey:
    fingerprint: str  # upper-case hex, as gpg prints it
    created: datetime
    expires: datetime | None
    revoked: bool

    def problem_at(self, when: datetime) -> tuple[SignatureStatus, str] | None:
        if when < self.created:
            return SignatureStatus.KEY_NOT_YET_VALID, f"created only at {_shown(self.created)}"
        if self.expires is not None and when >= self.expires:
            return SignatureStatus.KEY_EXPIRED, f"expired at {_shown(self.expires)}"
        return None


@dataclass(frozen=True, slots=True)
class OpenPgpCertificate:
    """A primary key, its subkeys and the e-mail addresses of its live user ids."""

    primary: OpenPgpKey
    subkeys: tuple[OpenPgpKey, ...]
    emails: tuple[str, ...]

    def key(self, fingerprint: str) -> OpenPgpKey | None:
        wanted = fingerprint.upper()
        return next((k for k in (self.primary, *self.subkeys) if k.fingerprint == wanted), None)


def _shown(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def parse_time(field: str) -> datetime | None:
    """A colon-listing time: seconds since the epoch, or ``YYYYMMDDTHHMMSS``; empty: None."""
    if not field:
        return None
    if field.isdigit():
        return datetime.fromtimestamp(int(field), UTC)
    if _ISO_TIME.fullmatch(field):
        return datetime.strptime(field, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    raise ValueError(f"not a time in gpg's listing: {field!r}")


def uid_email(uid: str) -> str | None:
    """The e-mail address of a user id (``Name (comment) <addr>``, or a bare address)."""
    if "<" in uid and uid.endswith(">"):
        address = uid[uid.rfind("<") + 1 : -1].strip()
    else:
        address = uid.strip()
    if "@" not in address or any(c.isspace() for c in address):
        return None
    return address


def _unescape(field: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), field)


def parse_key_listing(text: str) -> tuple[OpenPgpCertificate, ...]:
    """The certificates of a colon listing, in order; ``ValueError`` on a listing that
    does not have gpg's shape (a key without its fingerprint)."""
    certificates: list[OpenPgpCertificate] = []
    primary: OpenPgpKey | None = None
    subkeys: list[OpenPgpKey] = []
    emails: list[str] = []
    pending: list[str] | None = None  # a pub/sub record waiting for its fpr record

    def finish() -> None:
        if primary is not None:
            certificates.append(OpenPgpCertificate(primary, tuple(subkeys), tuple(emails)))

    for line in text.splitlines():
        fields = line.split(":")
        kind = fields[0]
        if kind in ("pub", "sub"):
            if pending is not None:
                raise ValueError(f"gpg listed a {pending[0]} key without its fingerprint")
            if kind == "pub":
                finish()
                primary, subkeys, emails = None, [], []
            pending = fields
        elif kind == "fpr" and pending is not None:
            key = OpenPgpKey(
                fingerprint=fields[9].upper() if len(fields) > 9 else "",
                created=parse_time(pending[5]) or datetime.fromtimestamp(0, UTC),
                expires=parse_time(pending[6]),
                revoked=pending[1] == "r",
            )
            if pending[0] == "pub":
                primary = key
            elif primary is not None:
                subkeys.append(key)
            pending = None
        elif kind == "uid" and primary is not None and len(fields) > 9 and fields[1] != "r":
            address = uid_email(_unescape(fields[9]))
            if address is not None:
                emails.append(address)
    if pending is not None:
        raise ValueError(f"gpg listed a {pending[0]} key without its fingerprint")
    finish()
    return tuple(certificates)


def judge_signature(
    certificates: tuple[OpenPgpCertificate, ...],
    signing_fingerprint: str,
    signature_time: datetime,
    owner_email: str,
    signed_at: datetime,
) -> tuple[SignatureStatus, str]:
    """Whether a good signature (gpg's ``VALIDSIG``: the signing key's fingerprint and the
    signature's time) vouches for a claim of ``owner_email`` signed at ``signed_at``."""
    found = next(
        ((c, k) for c in certificates if (k := c.key(signing_fingerprint)) is not None), None
    )
    if found is None:
        return SignatureStatus.UNKNOWN_KEY, f"key {signing_fingerprint} is not in the keyring"
    certificate, key = found
    name = f"key {certificate.primary.fingerprint}"
    if certificate.primary.revoked or key.revoked:
        return SignatureStatus.UNKNOWN_KEY, f"{name} is revoked"
    wanted = owner_email.casefold()
    if not any(email.casefold() == wanted for email in certificate.emails):
        has = ", ".join(certificate.emails) or "none with an e-mail address"
        return SignatureStatus.UNKNOWN_KEY, (
            f"{name} has no user id {owner_email} (its user ids: {has})"
        )
    for checked in dict.fromkeys((certificate.primary, key)):
        problem = checked.problem_at(signature_time)
        if problem is not None:
            status, why = problem
            which = name if checked is certificate.primary else f"its subkey {checked.fingerprint}"
            return status, f"the signature was made at {_shown(signature_time)}; {which} {why}"
    if abs(signature_time - signed_at) > SIGNED_AT_TOLERANCE:
        return SignatureStatus.INVALID, (
            f"the signature was made at {_shown(signature_time)}, but the claim says it was"
            f" signed at {_shown(signed_at)}"
        )
    return SignatureStatus.VALID, f"good signature by {owner_email} with {name}"
