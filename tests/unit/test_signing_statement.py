"""The signed statement, the AI-Signature grammar and how signatures pair with claims
(core/signing.py): pure, no keys needed."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownit.core import trailers as tr
from ownit.core.signing import (
    MAX_SIGNATURE_CHARS,
    ClaimSignature,
    SignatureFormat,
    SignatureSyntaxError,
    as_written,
    claim_statement,
    format_signature,
    message_signatures,
    parse_signature_value,
    parse_signed_at,
    signed_at_stamp,
    signing_cache_key,
)

CLAIM = tr.ClaimLine(
    "src/auth/token.py", 41, 58, "3f9a1c2b7d4e", "copilot", "dev@example.com", "Uses hmac"
)
SIG = base64.b64encode(b"\x00signature bytes\xff" * 3).decode()
SIGNATURE = ClaimSignature("3f9a1c2b7d4e", "20250301120000Z", SignatureFormat.SSH, SIG)


def test_statement_is_exactly_the_documented_bytes() -> None:
    assert claim_statement(CLAIM, "20250301120000Z") == (
        b"ownit-claim-v1\n"
        b"fingerprint 3f9a1c2b7d4e\n"
        b"lines 18\n"
        b"tool copilot\n"
        b"owner dev@example.com\n"
        b"rationale Uses hmac\n"
        b"signed-at 20250301120000Z\n"
    )


def test_statement_leaves_out_place_so_it_survives_reanchoring() -> None:
    moved = CLAIM.replace(path="renamed/token.py", first=7, last=24)
    assert claim_statement(moved, "20250301120000Z") == claim_statement(CLAIM, "20250301120000Z")
    longer = tr.ClaimLine(CLAIM.path, 41, 59, CLAIM.fingerprint, CLAIM.tool, CLAIM.owner_email)
    assert b"lines 19\n" in claim_statement(longer, "20250301120000Z")


HOSTILE = [
    "ok\nsigned-at 19700101000000Z",
    "line one\r\nowner eve@example.com",
    "tab\tand\x0bvertical\x0cfeed\x1b[31m",
    "unicode line\u2028separator\u2029paragraph\u0085next",
    "bidi \u202eoverride\u200b zero width",
    "\x00nul and \x7f del",
    "  lots   of   space  ",
]


@pytest.mark.parametrize("rationale", HOSTILE)
def test_hostile_values_cannot_add_statement_lines(rationale: str) -> None:
    claim = tr.ClaimLine(
        "a.py", 1, 2, "0123456789ab", "tool\nsigned-at x", "eve@ex\nample.com", rationale
    )
    statement = claim_statement(claim, "20250301120000Z").decode()
    lines = statement.split("\n")
    assert lines[-1] == "" and len(lines) == 8
    names = [line.split(" ", 1)[0] for line in lines[:-1]]
    assert names == [
        "ownit-claim-v1",
        "fingerprint",
        "lines",
        "tool",
        "owner",
        "rationale",
        "signed-at",
    ]
    assert all(c.isprintable() for c in statement.replace("\n", ""))
    # The trailer carries the same single-line rationale: written, read back, same statement.
    line = tr.format_claim(claim)
    assert "\n" not in line and "\r" not in line
    parsed = tr.parse_trailer(*line.split(": ", 1))
    assert isinstance(parsed, tr.ClaimLine)
    assert claim_statement(parsed, "20250301120000Z").decode() == statement


def test_as_written_is_what_the_trailer_says() -> None:
    long = tr.ClaimLine("a.py", 1, 1, "0123456789ab", "", "", "word " * 100)
    written = as_written(long, max_rationale=40)
    assert written.rationale.endswith("…") and len(written.rationale) == 40
    assert (written.tool, written.owner_email) == ("unknown", "unknown")
    assert as_written(written, 40) == written
    with pytest.raises(ValueError, match="AI-Unowned"):
        claim_statement(tr.ClaimLine("a.py", 1, 1, "0123456789ab", "copilot"), "20250301120000Z")


def test_signed_at_is_utc_seconds_with_z() -> None:
    when = datetime(2025, 3, 1, 13, 0, 0, tzinfo=timezone(timedelta(hours=1)))
    assert signed_at_stamp(when) == "20250301120000Z"
    assert parse_signed_at("20250301120000Z") == datetime(2025, 3, 1, 12, tzinfo=UTC)
    for bad in ("20250301120000", "20250301120000z", "2025030112000Z", "20250230120000Z"):
        with pytest.raises(ValueError):
            parse_signed_at(bad)
    with pytest.raises(ValueError, match="time zone"):
        signed_at_stamp(datetime(2025, 3, 1))


def test_signature_trailer_round_trip() -> None:
    line = format_signature(SIGNATURE)
    assert line == f"AI-Signature: 3f9a1c2b7d4e 20250301120000Z ssh {SIG}"
    assert parse_signature_value(line.split(": ", 1)[1]) == SIGNATURE
    assert parse_signature_value(f"  3f9a1c2b7d4e 20250301120000Z openpgp {SIG} ").format == (
        SignatureFormat.OPENPGP
    )


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (f"3f9a1c2b7d4e 20250301120000Z ssh {SIG} extra", "four fields"),
        (f"3f9a1c2b7d4e  20250301120000Z ssh {SIG}", "four fields"),
        (f"3f9a1c2b7d4e\t20250301120000Z ssh {SIG}", "four fields"),
        ("3f9a1c2b7d4e 20250301120000Z ssh", "four fields"),
        (f"3F9A1C2B7D4E 20250301120000Z ssh {SIG}", "12 lowercase hex"),
        (f"3f9a1c2b7d4 20250301120000Z ssh {SIG}", "12 lowercase hex"),
        (f"3f9a1c2b7d4e 20250301120000 ssh {SIG}", "YYYYMMDDHHMMSSZ"),
        (f"3f9a1c2b7d4e 20251301120000Z ssh {SIG}", "real date"),
        (f"3f9a1c2b7d4e 20250301120000Z x509 {SIG}", "unknown signature format"),
        (f"3f9a1c2b7d4e 20250301120000Z SSH {SIG}", "unknown signature format"),
        ("3f9a1c2b7d4e 20250301120000Z ssh AAAA!AAA", "base64"),
        ("3f9a1c2b7d4e 20250301120000Z ssh AAAAA", "base64"),
        ("3f9a1c2b7d4e 20250301120000Z ssh AA=A", "base64"),
        (f"3f9a1c2b7d4e 20250301120000Z ssh {'A' * (MAX_SIGNATURE_CHARS + 4)}", "at most"),
    ],
)
def test_signature_grammar_rejects_everything_else(value: str, why: str) -> None:
    with pytest.raises(SignatureSyntaxError, match=why):
        parse_signature_value(value)


@given(
    fp=st.from_regex(r"[0-9a-f]{12}", fullmatch=True),
    when=st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC)
    ),
    kind=st.sampled_from(list(SignatureFormat)),
    blob=st.binary(min_size=1, max_size=600),
)
def test_signature_trailer_is_canonical(
    fp: str, when: datetime, kind: SignatureFormat, blob: bytes
) -> None:
    signature = ClaimSignature(fp, signed_at_stamp(when), kind, base64.b64encode(blob).decode())
    value = format_signature(signature).split(": ", 1)[1]
    assert parse_signature_value(value) == signature
    assert signature.signature_bytes == blob


@given(st.text(max_size=80))
def test_any_value_is_parsed_or_refused_cleanly(value: str) -> None:
    try:
        parsed = parse_signature_value(value)
    except SignatureSyntaxError:
        return
    assert format_signature(parsed) == f"AI-Signature: {value.strip()}"


def test_cache_key_ignores_place_and_time_but_not_what_is_said() -> None:
    key = signing_cache_key(CLAIM, "ssh-ed25519 AAAA")
    moved = tr.ClaimLine(
        "b.py", 1, 18, CLAIM.fingerprint, CLAIM.tool, CLAIM.owner_email, "Uses hmac"
    )
    assert signing_cache_key(moved, "ssh-ed25519 AAAA") == key
    other = tr.ClaimLine("b.py", 1, 18, CLAIM.fingerprint, CLAIM.tool, CLAIM.owner_email, "Other")
    assert signing_cache_key(other, "ssh-ed25519 AAAA") != key
    assert signing_cache_key(CLAIM, "ssh-ed25519 BBBB") != key
    assert len(key) == 64


# --------------------------------------------------------------------------- pairing


def owned(path: str, fp: str, email: str = "dev@example.com") -> str:
    return tr.format_claim(tr.ClaimLine(path, 1, 3, fp, "copilot", email, "Checked by hand"))


def signature_line(fp: str) -> str:
    return format_signature(ClaimSignature(fp, "20250301120000Z", SignatureFormat.SSH, SIG))


def test_signature_belongs_to_the_claim_directly_above() -> None:
    message = "\n".join(
        [
            "Subject",
            "",
            "Body text.",
            "",
            owned("a.py", "aaaaaaaaaaaa"),
            signature_line("aaaaaaaaaaaa"),
            owned("b.py", "bbbbbbbbbbbb"),
            "AI-Unowned: c.py:1-2 cccccccccccc copilot",
            signature_line("cccccccccccc"),
            owned("d.py", "dddddddddddd"),
            signature_line("eeeeeeeeeeee"),
            "ai-signature: " + signature_line("ffffffffffff").split(": ", 1)[1],
            "",
        ]
    )
    found = message_signatures(message)
    assert [(c.claim.path, c.signature is not None) for c in found.claims] == [
        ("a.py", True),
        ("b.py", False),
        ("d.py", False),
    ]
    assert [why for _, why in found.stray] == [
        "no AI-Owned line directly before it",
        "its fingerprint is not dddddddddddd, the claim's above it",
        "no AI-Owned line directly before it",
    ]


def test_malformed_signature_is_reported_on_its_claim() -> None:
    message = f"S\n\n{owned('a.py', 'aaaaaaaaaaaa')}\nAI-Signature: aaaaaaaaaaaa soon ssh AAAA\n"
    (claim,) = message_signatures(message).claims
    assert claim.signature is None
    assert claim.problem is not None and "YYYYMMDDHHMMSSZ" in claim.problem


def test_squashed_and_commented_messages() -> None:
    pair = f"{owned('a.py', 'aaaaaaaaaaaa')}\n{signature_line('aaaaaaaaaaaa')}"
    indented = "\n".join("    " + line for line in pair.split("\n"))
    # git merge --squash indents each commit's message; a hosting service's squash merge
    # puts the commits' messages in the body, one after the other.
    squash = (
        f"Squashed\n\n* First\n\n{pair}\n\n* Second\n\n{pair}\n\n"
        f"Squashed commit of:\n\n{indented}\n"
    )
    found = message_signatures(squash)
    assert len(found.claims) == 1 and found.claims[0].signature is not None
    assert not found.stray
    commented = f"S\n\n# {pair.split(chr(10))[0]}\n# {signature_line('aaaaaaaaaaaa')}\n"
    assert message_signatures(commented).claims == ()
    scissors = f"S\n\n# ------------------------ >8 ------------------------\n{pair}\n"
    assert message_signatures(scissors).claims == ()
    assert message_signatures(f"{pair}\n").stray  # the subject line is never a claim
