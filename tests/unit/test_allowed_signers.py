"""git's allowed-signers format read as text (core/allowed_signers.py), the armor of
signatures and the OpenPGP key judgement: pure, keys built by hand."""

from __future__ import annotations

import base64
import struct
from datetime import UTC, datetime, timedelta

import pytest

from ownit.core.allowed_signers import (
    matches_pattern_list,
    parse_allowed_signers,
    ssh_keygen_text,
)
from ownit.core.openpgp_keys import judge_signature, parse_key_listing, uid_email
from ownit.core.signature_armor import (
    ArmorError,
    check_openpgp_signature,
    openpgp_body,
    read_sshsig,
    ssh_armor,
    ssh_body,
)
from ownit.core.signing import SignatureStatus


def ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def ed25519_key(seed: int = 1) -> str:
    blob = ssh_string(b"ssh-ed25519") + ssh_string(bytes([seed]) * 32)
    return base64.b64encode(blob).decode()


KEY = ed25519_key(1)
OTHER = ed25519_key(2)


def test_lines_options_and_comments() -> None:
    text = (
        "# team keys\n"
        "\n"
        f"Alice@Example.com ssh-ed25519 {KEY} alice's laptop\n"
        f'"bob@example.com,robert@example.com" namespaces="ownit-claim,git" ssh-ed25519 {OTHER}\r\n'
        f'*@example.com,!eve@example.com cert-authority,valid-after="20250101",'
        f'Valid-Before="20260101120000Z" ssh-ed25519 {KEY}\n'
        f"   \tcarol@example.com    ssh-ed25519    {OTHER}\n"
    )
    signers = parse_allowed_signers(text)
    assert signers.problems == ()
    alice, bob, ca, carol = signers.entries
    assert (alice.line, alice.principals, alice.comment) == (
        3,
        ("alice@example.com",),
        "alice's laptop",
    )
    assert bob.principals == ("bob@example.com", "robert@example.com")
    assert bob.namespaces == ("ownit-claim", "git") and bob.allows_namespace("ownit-claim")
    assert ca.cert_authority and ca.valid_after == datetime(2025, 1, 1, tzinfo=UTC)
    assert ca.valid_before == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert carol.line == 6 and carol.options == ""
    assert [e.line for e in signers.for_principal("ALICE@example.com")] == [3, 5]
    assert [e.line for e in signers.for_principal("eve@example.com")] == []
    assert (
        alice.key_fingerprint.startswith("SHA256:")
        and len(signers.with_key(alice.key_fingerprint)) == 2
    )
    assert ca.valid_at(datetime(2025, 6, 1, tzinfo=UTC))
    assert not ca.valid_at(datetime(2024, 12, 31, tzinfo=UTC))
    assert not ca.valid_at(datetime(2026, 1, 1, 12, 0, 1, tzinfo=UTC))


def test_ssh_keygen_gets_the_same_lines_in_lower_case() -> None:
    text = f"# c\nAlice@X.org ssh-ed25519 {KEY} comment\nbroken line\nbob@x.org ssh-ed25519 {OTHER}"
    out = ssh_keygen_text(parse_allowed_signers(text)).split("\n")
    assert out == [
        "",
        f'"alice@x.org" ssh-ed25519 {KEY}',
        "",
        f'"bob@x.org" ssh-ed25519 {OTHER}',
        "",
    ]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (f"a@x bogus ssh-ed25519 {KEY}", "unknown option 'bogus'"),
        (f"a@x namespaces=git ssh-ed25519 {KEY}", "double quotes"),
        (f'a@x namespaces="git",namespaces="x" ssh-ed25519 {KEY}', "given twice"),
        (f'a@x valid-after="2025" ssh-ed25519 {KEY}', "YYYYMMDD"),
        (f'a@x valid-after="20251340" ssh-ed25519 {KEY}', "not a real date"),
        (f'a@x valid-after="20250102",valid-before="20250101" ssh-ed25519 {KEY}', "not after"),
        (f'a@x namespaces="git ssh-ed25519 {KEY}', "no closing quote"),
        (f"a@x cert-authority, ssh-ed25519 {KEY}", "unknown option ''"),
        (f"a@x ssh-foo {KEY}", "unknown key type"),
        ("a@x ssh-ed25519 not-base64!", "not base64"),
        (f"a@x ssh-rsa {KEY}", "not a ssh-rsa key"),
        ("a@x", "no key after the principals"),
        ("a@x cert-authority", "no key"),
        (f'"a@x ssh-ed25519 {KEY}', "no closing quote"),
        (f'"a@x"ssh-ed25519 {KEY}', "followed by a space"),
        (f'a"b@x ssh-ed25519 {KEY}', "double quote"),
        (f"a@x ssh-ed25519 {KEY}\0", "NUL"),
    ],
)
def test_problems_say_the_line_and_what_is_wrong(line: str, why: str) -> None:
    signers = parse_allowed_signers(f"# first\n{line}\n")
    assert signers.entries == ()
    (problem,) = signers.problems
    assert problem.line == 2 and why in problem.message, problem.message
    assert str(problem).startswith("line 2: ")


def test_patterns_are_opensshs() -> None:
    assert matches_pattern_list("alice@example.com", ("*@example.com",))
    assert matches_pattern_list("a@b.c", ("?@b.c",))
    assert not matches_pattern_list("ab@b.c", ("?@b.c",))
    assert not matches_pattern_list("eve@example.com", ("*@example.com", "!eve@*"))
    assert not matches_pattern_list("x@y", ("!z@y",))  # a negation alone matches nothing
    assert not matches_pattern_list("a.b@x", ("a[.]b@x",))  # no character classes


# --------------------------------------------------------------------------- armor


def sshsig(namespace: bytes = b"ownit-claim", trailing: bytes = b"") -> bytes:
    key = ssh_string(b"ssh-ed25519") + ssh_string(b"\x01" * 32)
    signature = ssh_string(ssh_string(b"ssh-ed25519") + ssh_string(b"\x02" * 64))
    return (
        b"SSHSIG"
        + struct.pack(">I", 1)
        + ssh_string(key)
        + ssh_string(namespace)
        + ssh_string(b"")
        + ssh_string(b"sha512")
        + signature
        + trailing
    )


def test_ssh_armor_round_trip_and_parts() -> None:
    body = base64.b64encode(sshsig()).decode()
    armored = ssh_armor(body)
    assert all(len(line) <= 70 for line in armored.splitlines())
    assert ssh_body(armored) == body
    parts = read_sshsig(sshsig())
    assert (parts.key_type, parts.namespace, parts.hash_algorithm) == (
        "ssh-ed25519",
        "ownit-claim",
        "sha512",
    )
    with pytest.raises(ArmorError, match="trailing"):
        read_sshsig(sshsig(trailing=b"x"))
    with pytest.raises(ArmorError, match="cut short"):
        read_sshsig(sshsig()[:-3])
    with pytest.raises(ArmorError, match="preamble"):
        read_sshsig(b"-----BEGIN")
    with pytest.raises(ArmorError, match="armored SSH"):
        ssh_body("-----BEGIN PGP SIGNATURE-----\nAAAA\n-----END PGP SIGNATURE-----\n")


def test_openpgp_body_drops_headers_and_checksum() -> None:
    armored = (
        "-----BEGIN PGP SIGNATURE-----\n"
        "Version: GnuPG v2\n"
        "Comment: hello\n"
        "\n"
        "iHUEABYKAB0WIQ\n"
        "QAAAAA==\n"
        "=PnIE\n"
        "-----END PGP SIGNATURE-----\n"
    )
    assert openpgp_body(armored) == "iHUEABYKAB0WIQQAAAAA=="
    with pytest.raises(ArmorError, match="blank line"):
        openpgp_body(armored.replace("Comment: hello\n\n", "Comment: hello\n"))
    with pytest.raises(ArmorError, match="not base64"):
        openpgp_body(armored.replace("QAAAAA==", "QA!AAA=="))


def packet(tag: int, body: bytes, *, old: bool = False) -> bytes:
    if old:
        return bytes([0x80 | (tag << 2) | 0x01]) + struct.pack(">H", len(body)) + body
    return bytes([0xC0 | tag, len(body)]) + body


def test_only_one_detached_document_signature_passes() -> None:
    v4_binary = bytes([4, 0x00, 22, 8]) + b"\x00" * 20
    check_openpgp_signature(packet(2, v4_binary))
    check_openpgp_signature(packet(2, bytes([4, 0x01, 22, 8]) + b"\x00" * 20, old=True))
    with pytest.raises(ArmorError, match="packet type 11"):
        check_openpgp_signature(packet(11, b"b\x00\x00\x00\x00\x00hello"))  # literal data
    with pytest.raises(ArmorError, match="packet type 8"):
        check_openpgp_signature(packet(8, b"\x01compressed"))  # a signed message, compressed
    with pytest.raises(ArmorError, match="not one packet"):
        check_openpgp_signature(packet(2, v4_binary) + packet(2, v4_binary))
    with pytest.raises(ArmorError, match="signature type 0x13"):
        check_openpgp_signature(packet(2, bytes([4, 0x13, 22, 8])))  # a key certification
    with pytest.raises(ArmorError, match="must give its length"):
        check_openpgp_signature(bytes([0xC2, 0xE1]) + v4_binary)
    with pytest.raises(ArmorError):
        check_openpgp_signature(b"\x00")


# --------------------------------------------------------------------------- OpenPGP keys

T0 = datetime(2025, 1, 1, tzinfo=UTC)
ALICE_FPR = "FF3988CC83EBAED79C1FF2796DE830E7CDEE304E"
SUB_FPR = "1111111111111111111111111111111111111111"


def listing(*, expires: str = "", revoked: str = "u", sub_expires: str = "") -> str:
    created = int(T0.timestamp())
    return "\n".join(
        [
            "tru:o:1:1796163792:1:3:1:5",
            f"pub:{revoked}:255:22:6DE830E7CDEE304E:{created}:{expires}::u:::scSC:::::ed25519:::0:",
            f"fpr:::::::::{ALICE_FPR}:",
            f"uid:u::::{created}::AD66::Alice \\x3a A <Alice@Example.com>::::::::::0:",
            f"uid:r::::{created}::AD67::Old <old@example.com>::::::::::0:",
            f"sub:u:255:22:1111111111111111:{created}:{sub_expires}:::::s:::::ed25519::",
            f"fpr:::::::::{SUB_FPR}:",
        ]
    )


def judge(text: str, when: datetime, owner: str = "alice@example.com", fpr: str = ALICE_FPR) -> str:
    status, message = judge_signature(parse_key_listing(text), fpr, when, owner, when)
    return f"{status.value}: {message}"


def test_openpgp_listing_and_judgement() -> None:
    (cert,) = parse_key_listing(listing())
    assert cert.emails == ("Alice@Example.com",)  # the revoked user id is not one
    assert cert.key(SUB_FPR.lower()) is not None
    noon = T0 + timedelta(hours=12)
    assert judge(listing(), noon).startswith("valid: good signature by alice@example.com")
    assert judge(listing(), noon, fpr=SUB_FPR).startswith("valid")
    assert judge(listing(), noon, owner="old@example.com").startswith("unknown-key: key ")
    assert "no user id bob@example.com" in judge(listing(), noon, owner="bob@example.com")
    assert judge(listing(), noon, fpr="AB" * 20).startswith("unknown-key")
    assert "revoked" in judge(listing(revoked="r"), noon)
    later = str(int((T0 + timedelta(days=1)).timestamp()))
    assert judge(listing(expires=later), noon).startswith("valid")
    assert judge(listing(expires=later), T0 + timedelta(days=2)).startswith("key-expired")
    assert judge(listing(sub_expires=later), T0 + timedelta(days=2), fpr=SUB_FPR).startswith(
        "key-expired: the signature was made at 2025-01-03 00:00:00 UTC; its subkey"
    )
    assert judge(listing(), T0 - timedelta(seconds=1)).startswith("key-not-yet-valid")
    status, message = judge_signature(
        parse_key_listing(listing()), ALICE_FPR, noon, "alice@example.com", T0
    )
    assert status is SignatureStatus.INVALID and "signed at 2025-01-01 00:00:00 UTC" in message


def test_uid_emails() -> None:
    assert uid_email("Alice (work) <alice@example.com>") == "alice@example.com"
    assert uid_email("bob@example.com") == "bob@example.com"
    assert uid_email("No Address") is None
    assert uid_email("Weird <not an address>") is None
    with pytest.raises(ValueError, match="without its fingerprint"):
        parse_key_listing("pub:u:255:22:X:1::::::::\nuid:u::::::::A <a@b>:\n")
