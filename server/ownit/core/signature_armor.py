"""Signatures as the signing programs write them and as a trailer carries them. Pure.

A trailer holds a signature's base64 body on one line. :func:`ssh_body` and
:func:`openpgp_body` take it out of the armored text ``ssh-keygen -Y sign`` and
``gpg --detach-sign --armor`` print (header, footer, line breaks, OpenPGP's armor headers
and checksum line dropped); :func:`ssh_armor` puts an SSH signature back exactly as
``ssh-keygen`` wrote it, for ``ssh-keygen -Y verify``; an OpenPGP signature is handed to
``gpg`` as the binary packet the body decodes to, which is exactly what was signed.

:func:`read_sshsig` and :func:`check_openpgp_signature` read the decoded bytes just enough
to refuse what is not a detached signature (an OpenPGP *message* carries its own signed
text, which ``gpg --verify`` would check instead of the claim) and to name the signing key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

SSH_BEGIN = "-----BEGIN SSH SIGNATURE-----"
SSH_END = "-----END SSH SIGNATURE-----"
SSH_WRAP = 70  # ssh-keygen's armor line length
PGP_BEGIN = "-----BEGIN PGP SIGNATURE-----"
PGP_END = "-----END PGP SIGNATURE-----"

_SSHSIG_MAGIC = b"SSHSIG"
_SIGNATURE_PACKET = 2
_DOCUMENT_SIGNATURE_TYPES = (0x00, 0x01)  # of a binary document, of a text document


class ArmorError(ValueError):
    """Not a signature of the expected kind; the message says what is wrong."""


def _armored_lines(text: str, begin: str, end: str, kind: str) -> list[str]:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    if len(lines) < 3 or lines[0] != begin or lines[-1] != end:
        raise ArmorError(f"not an armored {kind} signature ({begin} … {end})")
    return lines[1:-1]


def _checked_base64(body: str, kind: str) -> str:
    try:
        base64.b64decode(body, validate=True)
    except binascii.Error:
        raise ArmorError(f"the {kind} signature's body is not base64") from None
    if not body:
        raise ArmorError(f"the {kind} signature is empty")
    return body


def ssh_body(armored: str) -> str:
    """The base64 body of an armored SSH signature, on one line."""
    return _checked_base64("".join(_armored_lines(armored, SSH_BEGIN, SSH_END, "SSH")), "SSH")


def ssh_armor(body: str) -> str:
    """The armored SSH signature of a base64 body, as ``ssh-keygen`` writes it."""
    wrapped = [body[i : i + SSH_WRAP] for i in range(0, len(body), SSH_WRAP)]
    return "\n".join([SSH_BEGIN, *wrapped, SSH_END]) + "\n"


def openpgp_body(armored: str) -> str:
    """The base64 body of an ASCII-armored OpenPGP signature, on one line: armor headers
    (``Version:``, ``Comment:`` …, up to the first blank line) and the ``=XXXX`` checksum
    line dropped."""
    lines = _armored_lines(armored, PGP_BEGIN, PGP_END, "OpenPGP")
    if "" in lines:  # armor headers end with a blank line
        lines = lines[lines.index("") + 1 :]
    elif any(":" in line for line in lines):
        raise ArmorError("the OpenPGP signature's armor headers do not end with a blank line")
    if lines and lines[-1].startswith("="):
        lines.pop()
    return _checked_base64("".join(lines), "OpenPGP")


# --------------------------------------------------------------------------- SSH


@dataclass(frozen=True, slots=True)
class SshSignature:
    """What an SSH signature (``SSHSIG``, OpenSSH's PROTOCOL.sshsig) says about itself."""

    key_type: str  # e.g. ssh-ed25519, or ssh-ed25519-cert-v01@openssh.com for a certificate
    key_blob: bytes
    namespace: str
    hash_algorithm: str

    @property
    def key_fingerprint(self) -> str:
        """``SHA256:…`` as ``ssh-keygen -l`` prints it."""
        return key_fingerprint(self.key_blob)


def key_fingerprint(key_blob: bytes) -> str:
    digest = base64.b64encode(hashlib.sha256(key_blob).digest()).decode("ascii")
    return "SHA256:" + digest.rstrip("=")


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise ArmorError("the SSH signature is cut short")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def uint32(self) -> int:
        value: int = struct.unpack(">I", self.take(4))[0]
        return value

    def string(self) -> bytes:
        return self.take(self.uint32())

    def text(self) -> str:
        try:
            return self.string().decode("ascii")
        except UnicodeDecodeError:
            raise ArmorError("the SSH signature has a name that is not ASCII") from None


def read_sshsig(data: bytes) -> SshSignature:
    """The parts of a decoded SSH signature; :class:`ArmorError` if it is not one."""
    reader = _Reader(data)
    if reader.take(len(_SSHSIG_MAGIC)) != _SSHSIG_MAGIC:
        raise ArmorError("not an SSH signature (no SSHSIG preamble)")
    version = reader.uint32()
    if version != 1:
        raise ArmorError(f"SSH signature version {version} is not supported (1 is)")
    key_blob = reader.string()
    namespace = reader.text()
    reader.string()  # reserved
    hash_algorithm = reader.text()
    reader.string()  # the signature itself
    if reader.at != len(data):
        raise ArmorError("the SSH signature has trailing data")
    key_type = _Reader(key_blob).text()
    return SshSignature(key_type, key_blob, namespace, hash_algorithm)


# --------------------------------------------------------------------------- OpenPGP


def _packet(data: bytes) -> tuple[int, int, int | None]:
    """(tag, header length, body length) of the first OpenPGP packet of ``data``; the body
    length is None when the header does not give it (partial or indeterminate)."""
    if not data or not data[0] & 0x80:
        raise ArmorError("not an OpenPGP packet")
    first = data[0]
    if not first & 0x40:  # the old format
        tag, length_type = (first >> 2) & 0x0F, first & 0x03
        if length_type == 3:
            return tag, 1, None
        size = 1 << length_type
        if len(data) < 1 + size:
            raise ArmorError("the OpenPGP packet is cut short")
        return tag, 1 + size, int.from_bytes(data[1 : 1 + size], "big")
    tag = first & 0x3F
    octet = data[1] if len(data) > 1 else -1
    if 0 <= octet < 192:
        return tag, 2, octet
    if 192 <= octet < 224 and len(data) > 2:
        return tag, 3, ((octet - 192) << 8) + data[2] + 192
    if octet == 255 and len(data) > 5:
        return tag, 6, int.from_bytes(data[2:6], "big")
    if 224 <= octet < 255:
        return tag, 2, None
    raise ArmorError("the OpenPGP packet is cut short")


def check_openpgp_signature(data: bytes) -> None:
    """Refuse (:class:`ArmorError`) anything but one detached signature packet over a
    document: no signed message, no key, no second packet."""
    tag, header, length = _packet(data)
    if tag != _SIGNATURE_PACKET:
        raise ArmorError(f"not an OpenPGP signature (packet type {tag})")
    if length is None:
        raise ArmorError("an OpenPGP signature packet must give its length")
    if header + length != len(data):
        raise ArmorError("the OpenPGP signature is not one packet")
    body = data[header:]
    if not body:
        raise ArmorError("the OpenPGP signature packet is empty")
    version = body[0]
    if version == 3:
        signature_type = body[2] if len(body) > 2 else -1
    elif version in (4, 5, 6):
        signature_type = body[1] if len(body) > 1 else -1
    else:
        raise ArmorError(f"OpenPGP signature version {version} is not supported")
    if signature_type not in _DOCUMENT_SIGNATURE_TYPES:
        raise ArmorError(f"not a signature of a document (signature type {signature_type:#x})")
