"""Signed claims with real OpenPGP keys: `gpg` in throw-away GNUPGHOMEs (keys made with
--quick-gen-key, times placed with gpg's faked-system-time), git's configuration in a real
repository, and verification against public keys given as text."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ownit.core import trailers as tr
from ownit.core.signing import (
    ClaimSignature,
    SignatureFormat,
    SignatureStatus,
    SignatureVerdict,
)
from ownit.git.signature_verify import ClaimVerifier
from ownit.git.signing import (
    OpenPgpSigner,
    SigningError,
    read_signing_config,
    sign_claims,
    signer_for,
)

RATIONALE = "Compared with hmac.compare_digest; length checked first"
T0 = datetime(2020, 1, 1, tzinfo=UTC)


def gpg(home: Path, *args: str, input: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["gpg", "--homedir", str(home), "--batch", *args],
        input=input,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def new_home(parent: Path, name: str, faked: str | None = None) -> Path:
    home = parent / name
    home.mkdir(mode=0o700)
    if faked is not None:
        fake(home, faked)
    return home


def fake(home: Path, when: str, *extra: str) -> None:
    (home / "gpg.conf").write_text("\n".join([f"faked-system-time {when}", *extra, ""]))


def new_key(home: Path, uid: str, expire: str = "1y") -> str:
    gpg(home, "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", expire)
    listing = gpg(home, "--with-colons", "-k", uid).decode()
    return next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr"))


def kill_agent(home: Path) -> None:
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], check=False)


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    parent = tmp_path_factory.mktemp("gpg")
    found = {"alice": new_home(parent, "alice"), "bob": new_home(parent, "bob")}
    new_key(found["alice"], "Alice Example <alice@example.com>")
    new_key(found["bob"], "Bob Example <bob@example.com>")
    try:
        yield found
    finally:
        for home in found.values():
            kill_agent(home)


def public(home: Path) -> bytes:
    return gpg(home, "--armor", "--export")


def claim(n: int = 1, owner: str = "alice@example.com") -> tr.ClaimLine:
    return tr.ClaimLine(f"src/m{n}.py", n, n + 4, f"{n:012x}", "copilot", owner, RATIONALE)


def sign(
    home: Path,
    claims: list[tr.ClaimLine],
    monkeypatch: pytest.MonkeyPatch,
    *,
    key: str = "",
    when: datetime | None = None,
) -> list[ClaimSignature]:
    monkeypatch.setenv("GNUPGHOME", str(home))
    owner = claims[0].owner_email or ""
    signer = OpenPgpSigner("gpg", key or owner, 4)
    return sign_claims(claims, signer, now=when)


def verify(
    keys: list[tuple[str, bytes]], pairs: list[tuple[tr.ClaimLine, ClaimSignature]]
) -> list[SignatureVerdict]:
    with ClaimVerifier(openpgp_keys=keys) as verifier:
        return verifier.verify(pairs)


def test_round_trip_one_byte_changed_and_the_owners_key(
    homes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = [(".ownit/openpgp/alice.asc", public(homes["alice"]))]
    mine = claim()
    (signature,) = sign(homes["alice"], [mine], monkeypatch)
    assert signature.format is SignatureFormat.OPENPGP
    (verdict,) = verify(keys, [(mine, signature)])
    assert verdict.status is SignatureStatus.VALID, verdict.message
    moved = mine.replace(path="elsewhere.py", first=90, last=94)
    assert verify(keys, [(moved, signature)])[0].valid
    changed = mine.replace(rationale=RATIONALE + ".")
    (verdict,) = verify(keys, [(changed, signature)])
    assert verdict.status is SignatureStatus.INVALID and "not what was signed" in verdict.message
    # Bob signs a claim in Alice's name: his key is not in the keyring, or is, with his uid.
    (by_bob,) = sign(homes["bob"], [mine], monkeypatch, key="bob@example.com")
    (verdict,) = verify(keys, [(mine, by_bob)])
    assert verdict.status is SignatureStatus.UNKNOWN_KEY and "does not hold" in verdict.message
    both = [*keys, ("bob.asc", public(homes["bob"]))]
    (verdict,) = verify(both, [(mine, by_bob)])
    assert verdict.status is SignatureStatus.UNKNOWN_KEY
    assert "has no user id alice@example.com (its user ids: bob@example.com)" in verdict.message


def test_git_configuration_and_errors(
    homes: dict[str, Path], tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GNUPGHOME", str(homes["alice"]))
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    settings = read_signing_config(repo)  # nothing set: openpgp, as git's default
    assert (settings.format, settings.signing_key, settings.program) == (
        SignatureFormat.OPENPGP,
        "",
        "gpg",
    )
    signer = signer_for(settings, repo, "alice@example.com")
    assert signer.key_id == "openpgp:alice@example.com"
    (signature,) = sign_claims([claim()], signer)
    keys = [("alice.asc", public(homes["alice"]))]
    assert verify(keys, [(claim(), signature)])[0].valid
    subprocess.run(["git", "-C", str(repo), "config", "user.signingKey", "nobody@example.com"])
    stranger = signer_for(read_signing_config(repo), repo, "alice@example.com")
    with pytest.raises(
        SigningError, match=r"gpg has no secret key for nobody@example\.com"
    ) as error:
        sign_claims([claim(n) for n in range(1, 50)], stranger)
    assert "\n" not in str(error.value) and "gpg.format ssh" in str(error.value)
    subprocess.run(["git", "-C", str(repo), "config", "gpg.program", str(tmp_path / "no-gpg")])
    missing = signer_for(read_signing_config(repo), repo, "alice@example.com")
    with pytest.raises(SigningError, match="not installed or not on PATH: install GnuPG"):
        sign_claims([claim()], missing)
    with ClaimVerifier(openpgp_keys=keys, gpg_program=str(tmp_path / "no-gpg")) as verifier:
        (verdict,) = verifier.verify([(claim(), signature)])
    assert verdict.status is SignatureStatus.TOOL_MISSING


def test_key_validity_is_judged_when_the_signature_was_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = new_home(tmp_path, "past", faked="20200101T000000")
    try:
        fingerprint = new_key(home, "Past <past@example.com>", expire="1d")
        mine = claim(owner="past@example.com")
        fake(home, "20200101T020000")
        (at_two,) = sign(home, [mine], monkeypatch, when=T0 + timedelta(hours=2))
        while_valid = public(home)  # expires a day after it was made
        fake(home, "20200101T010000")
        gpg(home, "--passphrase", "", "--pinentry-mode", "loopback", "--quick-set-expire",
            fingerprint, "20200101T013000")  # fmt: skip
        shortened = public(home)  # now expires at 01:30
        fake(home, "20191231T230000", "ignore-time-conflict")
        (before_key,) = sign(home, [mine], monkeypatch, when=T0 - timedelta(hours=1))
    finally:
        kill_agent(home)
    # Long expired today, but valid when it signed: as valid-after/valid-before for SSH.
    (verdict,) = verify([("past.asc", while_valid)], [(mine, at_two)])
    assert verdict.valid, verdict.message
    (verdict,) = verify([("past.asc", shortened)], [(mine, at_two)])
    assert verdict.status is SignatureStatus.KEY_EXPIRED
    assert "2020-01-01 02:00:00 UTC" in verdict.message and "expired at" in verdict.message
    (verdict,) = verify([("past.asc", while_valid)], [(mine, before_key)])
    assert verdict.status is SignatureStatus.KEY_NOT_YET_VALID
    # The trailer's signed-at is what the signature's own time must agree with.
    moved_time = at_two.replace(signed_at="20200101050000Z")
    (verdict,) = verify([("past.asc", while_valid)], [(mine, moved_time)])
    assert verdict.status is SignatureStatus.INVALID  # the statement differs: bad signature


def test_signed_message_or_garbage_is_malformed(
    homes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signed *message* carries its own text; gpg --verify would check that instead."""
    import base64

    from ownit.core.signing import claim_statement

    mine = claim()
    (good,) = sign(homes["alice"], [mine], monkeypatch)
    statement = claim_statement(mine, good.signed_at)
    message = gpg(homes["alice"], "-u", "alice@example.com", "--sign", input=statement)
    inline = good.replace(signature=base64.b64encode(message).decode())
    keys = [("alice.asc", public(homes["alice"]))]
    verdicts = verify(keys, [(mine, inline), (mine, good.replace(signature="AAAA"))])
    assert [v.status for v in verdicts] == [SignatureStatus.MALFORMED] * 2
    assert "packet type" in verdicts[0].message


def test_many_openpgp_signatures(homes: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    claims = [claim(n) for n in range(1, 61)]
    signatures = sign(homes["alice"], claims, monkeypatch)
    keys = [("alice.asc", public(homes["alice"])), ("bob.asc", public(homes["bob"]))]
    verdicts = verify(keys, list(zip(claims, signatures, strict=True)))
    assert all(v.valid for v in verdicts), {v.message for v in verdicts}
