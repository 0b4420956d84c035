"""Signed claims with real SSH keys: `ssh-keygen` ed25519 keys made in tmp dirs, a real
ssh-agent, git's own signing configuration in a real repository, and `ssh-keygen -Y
verify` against git's allowed-signers format."""

from __future__ import annotations

import os
import signal
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
    format_signature,
    message_signatures,
)
from ownit.git.signature_verify import ClaimVerifier
from ownit.git.signing import (
    SigningConfig,
    SigningError,
    read_signing_config,
    sign_claims,
    signer_for,
)

SIGNED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
RATIONALE = "Compared with hmac.compare_digest; length checked first"


def sh(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{args}: {result.stderr}"
    return result.stdout


def new_key(directory: Path, name: str, passphrase: str = "") -> Path:
    path = directory / name
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", str(path))
    return path


def public(key: Path) -> str:
    return " ".join(key.with_name(key.name + ".pub").read_text().split()[:2])


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("ssh-keys")
    return {name: new_key(directory, name) for name in ("alice", "bob", "ca")}


def claim(n: int = 1, owner: str = "alice@example.com", rationale: str = RATIONALE) -> tr.ClaimLine:
    return tr.ClaimLine(f"src/m{n}.py", n, n + 4, f"{n:012x}", "copilot", owner, rationale)


def config(key: Path | str, program: str = "ssh-keygen") -> SigningConfig:
    return SigningConfig(SignatureFormat.SSH, str(key), program)


def sign(
    key: Path | str, claims: list[tr.ClaimLine], when: datetime = SIGNED
) -> list[ClaimSignature]:
    signer = signer_for(config(key), Path.cwd(), "alice@example.com")
    return sign_claims(claims, signer, now=when)


def verify(
    allowed: str | None, pairs: list[tuple[tr.ClaimLine, ClaimSignature]], **options: object
) -> list[SignatureVerdict]:
    with ClaimVerifier(allowed_signers=allowed, **options) as verifier:  # type: ignore[arg-type]
        return verifier.verify(pairs)


def status(allowed: str | None, pair: tuple[tr.ClaimLine, ClaimSignature]) -> SignatureVerdict:
    return verify(allowed, [pair])[0]


def test_round_trip_and_one_byte_changed(keys: dict[str, Path]) -> None:
    allowed = f"alice@example.com {public(keys['alice'])}\n"
    mine = claim()
    (signature,) = sign(keys["alice"], [mine])
    assert signature.signed_at == "20250601120000Z" and signature.format is SignatureFormat.SSH
    verdict = status(allowed, (mine, signature))
    assert verdict.status is SignatureStatus.VALID, verdict.message
    assert verdict.key is not None and verdict.key.startswith("SHA256:")
    # Moved and renamed (what rebase, amend and renames do to a claim): still valid.
    moved = mine.replace(path="lib/renamed.py", first=100, last=104)
    assert status(allowed, (moved, signature)).valid
    # One byte of what was signed changed: rationale, owner's case aside, lines, time, tool.
    changed = [
        mine.replace(rationale=RATIONALE.replace("first", "First")),
        mine.replace(last=mine.last + 1),
        mine.replace(tool="cursor"),
    ]
    for other in changed:
        verdict = status(allowed, (other, signature))
        assert verdict.status is SignatureStatus.INVALID, other
        assert "not what was signed" in verdict.message
    later = signature.replace(signed_at="20250601120001Z")
    assert status(allowed, (mine, later)).status is SignatureStatus.INVALID
    other_code = mine.replace(fingerprint="ffffffffffff")
    assert "is for the code" in status(allowed, (other_code, signature)).message


def test_a_key_only_vouches_for_its_own_owner(keys: dict[str, Path]) -> None:
    allowed = f"alice@example.com {public(keys['alice'])}\nbob@example.com {public(keys['bob'])}\n"
    in_alices_name = claim(owner="alice@example.com")
    (by_bob,) = sign(keys["bob"], [in_alices_name])
    verdict = status(allowed, (in_alices_name, by_bob))
    assert verdict.status is SignatureStatus.UNKNOWN_KEY
    assert "for bob@example.com, not for alice@example.com" in verdict.message
    # Alice's key for Alice's claim, written with another case: e-mails ignore case.
    (by_alice,) = sign(keys["alice"], [in_alices_name.replace(owner_email="Alice@Example.COM")])
    upper = in_alices_name.replace(owner_email="Alice@Example.COM")
    assert status(allowed, (upper, by_alice)).valid
    nobody = f"carol@example.com {public(keys['ca'])}\n"
    assert "has no key for alice@example.com" in status(nobody, (in_alices_name, by_bob)).message
    assert "does not exist" in status(None, (in_alices_name, by_bob)).message
    assert "has no keys" in status("# empty\n", (in_alices_name, by_bob)).message


def test_valid_after_and_valid_before_are_judged_at_signed_at(keys: dict[str, Path]) -> None:
    key = public(keys["alice"])
    allowed = f'alice@example.com valid-after="20250101",valid-before="20251231235959Z" {key}\n'
    mine = claim()
    inside, early, late = (
        sign(keys["alice"], [mine], when)[0]
        for when in (
            SIGNED,
            datetime(2024, 12, 31, 23, 59, tzinfo=UTC),
            datetime(2026, 1, 1, tzinfo=UTC),
        )
    )
    assert status(allowed, (mine, inside)).valid
    verdict = status(allowed, (mine, early))
    assert verdict.status is SignatureStatus.KEY_NOT_YET_VALID
    assert ".ownit/allowed_signers:1" in verdict.message and "valid-after" in verdict.message
    assert status(allowed, (mine, late)).status is SignatureStatus.KEY_EXPIRED
    # The key rotated: the old line ended, a new key began; old claims stay valid.
    rotated = (
        f'alice@example.com valid-before="20250701" {key}\n'
        f'alice@example.com valid-after="20250701" {public(keys["bob"])}\n'
    )
    assert status(rotated, (mine, inside)).valid
    (new,) = sign(keys["bob"], [mine], datetime(2025, 8, 1, tzinfo=UTC))
    assert status(rotated, (mine, new)).valid
    (old_key_later,) = sign(keys["alice"], [mine], datetime(2025, 8, 1, tzinfo=UTC))
    assert status(rotated, (mine, old_key_later)).status is SignatureStatus.KEY_EXPIRED


def test_namespaces_option(keys: dict[str, Path]) -> None:
    key = public(keys["alice"])
    mine = claim()
    (signature,) = sign(keys["alice"], [mine])
    git_only = status(f'alice@example.com namespaces="git" {key}\n', (mine, signature))
    assert git_only.status is SignatureStatus.UNKNOWN_KEY
    assert "may not sign 'ownit-claim' claims" in git_only.message
    both = f'alice@example.com namespaces="git,ownit-*" {key}\n'
    assert status(both, (mine, signature)).valid


def test_a_signature_for_another_namespace_is_no_claim_signature(
    keys: dict[str, Path], tmp_path: Path
) -> None:
    """A commit signature (namespace git) of the same bytes does not vouch for the claim."""
    from ownit.core.signature_armor import ssh_body
    from ownit.core.signing import claim_statement

    mine = claim()
    statement = tmp_path / "statement"
    statement.write_bytes(claim_statement(mine, "20250601120000Z"))
    sh("ssh-keygen", "-Y", "sign", "-n", "git", "-f", str(keys["alice"]), str(statement))
    body = ssh_body((tmp_path / "statement.sig").read_text())
    signature = ClaimSignature(mine.fingerprint, "20250601120000Z", SignatureFormat.SSH, body)
    verdict = status(f"alice@example.com {public(keys['alice'])}\n", (mine, signature))
    assert verdict.status is SignatureStatus.INVALID and "signed for 'git'" in verdict.message


def test_cert_authority(keys: dict[str, Path], tmp_path: Path) -> None:
    user = new_key(tmp_path, "dana")
    ca = str(keys["ca"])
    sh("ssh-keygen", "-q", "-s", ca, "-I", "dana", "-n", "dana@example.com",
       "-V", "20250101:20260101", str(user.with_name("dana.pub")))  # fmt: skip
    cert = user.with_name("dana-cert.pub")
    allowed = f"*@example.com cert-authority {public(keys['ca'])}\n"
    mine = claim(owner="dana@example.com")
    (signature,) = sign(cert, [mine])
    assert status(allowed, (mine, signature)).valid
    someone_else = mine.replace(owner_email="erin@example.com")
    (as_erin,) = sign(cert, [someone_else])
    verdict = status(allowed, (someone_else, as_erin))
    assert verdict.status is SignatureStatus.UNKNOWN_KEY and "certificate" in verdict.message
    (after_expiry,) = sign(cert, [mine], datetime(2026, 6, 1, tzinfo=UTC))
    assert status(allowed, (mine, after_expiry)).status is SignatureStatus.KEY_EXPIRED
    # The CA key listed without cert-authority is no CA.
    plain = f"dana@example.com {public(keys['ca'])}\n"
    assert status(plain, (mine, signature)).status is SignatureStatus.UNKNOWN_KEY


def test_malformed_signatures(keys: dict[str, Path]) -> None:
    allowed = f"alice@example.com {public(keys['alice'])}\n"
    mine = claim()
    (good,) = sign(keys["alice"], [mine])
    for body in ("AAAA", good.signature[:-8] + "AAAAAAAA", "U1NIU0lH" + "A" * 40):
        verdict = status(allowed, (mine, good.replace(signature=body)))
        assert verdict.status in (SignatureStatus.MALFORMED, SignatureStatus.INVALID), body
    assert status(allowed, (mine, good.replace(signature="AAAA"))).status is (
        SignatureStatus.MALFORMED
    )
    unowned = tr.ClaimLine("a.py", 1, 5, mine.fingerprint, "copilot")
    assert status(allowed, (unowned, good)).status is SignatureStatus.MALFORMED


def test_hostile_rationale_signs_and_verifies_as_written(keys: dict[str, Path]) -> None:
    allowed = f"alice@example.com {public(keys['alice'])}\n"
    hostile = claim(rationale="Checked\nsigned-at 19700101000000Z\r\u2028owner eve@example.com")
    (signature,) = sign(keys["alice"], [hostile])
    line = tr.format_claim(hostile)
    message = f"Subject\n\n{line}\n{format_signature(signature)}\n"
    (found,) = message_signatures(message).claims
    assert found.claim.rationale == "Checked signed-at 19700101000000Z owner eve@example.com"
    assert found.signature == signature
    assert status(allowed, (found.claim, signature)).valid


def test_many_claims_in_parallel_and_deduplicated(keys: dict[str, Path], tmp_path: Path) -> None:
    allowed = f"alice@example.com {public(keys['alice'])}\n"
    claims = [claim(n) for n in range(1, 201)]
    signatures = sign(keys["alice"], claims)
    assert len({s.signature for s in signatures}) == 200
    counted = tmp_path / "ssh-keygen-counting"
    calls = tmp_path / "calls"
    counted.write_text(f'#!/bin/sh\necho "$2" >> {calls}\nexec ssh-keygen "$@"\n')
    counted.chmod(0o755)
    pairs = list(zip(claims, signatures, strict=True))
    verdicts = verify(allowed, pairs + pairs[:50], ssh_program=str(counted))
    assert all(v.valid for v in verdicts) and len(verdicts) == 250
    assert calls.read_text().split() == ["verify"] * 200  # each distinct pair once


def test_cache_spares_signing_the_same_claim_again(keys: dict[str, Path], tmp_path: Path) -> None:
    key = tmp_path / "k"
    key.write_bytes(keys["alice"].read_bytes())
    key.chmod(0o600)
    key.with_name("k.pub").write_text(keys["alice"].with_name("alice.pub").read_text())
    signer = signer_for(config(key), tmp_path, "alice@example.com")
    cache: dict[str, ClaimSignature] = {}
    first = sign_claims([claim(1), claim(2), claim(1)], signer, now=SIGNED, cache=cache)
    assert first[0] == first[2] and len(cache) == 2
    key.unlink()  # signing again would fail: a re-run (amend, rebase) must not need to
    moved = claim(1).replace(path="moved.py", first=40, last=44)
    again = sign_claims([moved, claim(2)], signer, now=SIGNED + timedelta(hours=1), cache=cache)
    assert again == first[:2]
    with pytest.raises(SigningError):
        sign_claims([claim(3)], signer, now=SIGNED, cache=cache)


# --------------------------------------------------------------------------- git config


def git_repo(tmp_path: Path, env: dict[str, str], *settings: tuple[str, str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir(parents=True)
    sh("git", "init", "-q", cwd=repo, env=env)
    for key, value in settings:
        sh("git", "config", key, value, cwd=repo, env=env)
    return repo


@pytest.fixture
def hermetic(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return env


def test_git_configuration_is_read(
    keys: dict[str, Path], tmp_path: Path, hermetic: dict[str, str]
) -> None:
    repo = git_repo(
        tmp_path, hermetic, ("gpg.format", "ssh"), ("user.signingKey", str(keys["alice"]))
    )
    settings = read_signing_config(repo)
    assert settings == SigningConfig(SignatureFormat.SSH, str(keys["alice"]), "ssh-keygen")
    signer = signer_for(settings, repo, "alice@example.com")
    assert signer.key_id == public(keys["alice"])
    (signature,) = sign_claims([claim()], signer, now=SIGNED)
    assert status(f"alice@example.com {public(keys['alice'])}\n", (claim(), signature)).valid
    sh("git", "config", "gpg.ssh.program", str(tmp_path / "no-such-ssh-keygen"), cwd=repo)
    missing = signer_for(read_signing_config(repo), repo, "alice@example.com")
    with pytest.raises(SigningError, match=r"is not installed or not on PATH.*gpg\.ssh\.program"):
        sign_claims([claim()], missing)
    allowed = f"alice@example.com {public(keys['alice'])}\n"
    verdict = verify(allowed, [(claim(), signature)], ssh_program=str(tmp_path / "nope"))[0]
    assert verdict.status is SignatureStatus.TOOL_MISSING
    assert verdict.message.startswith(f"{tmp_path / 'nope'} is not installed")


@pytest.mark.parametrize(
    ("settings", "why"),
    [
        ((("gpg.format", "x509"),), "x509, which ownit cannot sign claims with"),
        ((("gpg.format", "smime"),), "not ssh or openpgp"),
        ((("gpg.format", "ssh"),), "user.signingKey is not set: git config gpg.format ssh"),
        ((("gpg.format", "ssh"), ("user.signingKey", "~/.ssh/none.pub")), "which is not a file"),
        ((("gpg.format", "ssh"), ("user.signingKey", "key::not a key")), "not an SSH public key"),
    ],
)
def test_configuration_errors_say_how_to_fix(
    tmp_path: Path, hermetic: dict[str, str], settings: tuple[tuple[str, str], ...], why: str
) -> None:
    repo = git_repo(tmp_path, hermetic, *settings)
    with pytest.raises(SigningError, match=why) as raised:
        signer_for(read_signing_config(repo), repo, "alice@example.com")
    assert "\n" not in str(raised.value)


def test_passphrase_key_without_agent_says_use_the_agent(tmp_path: Path, hermetic: object) -> None:
    locked = new_key(tmp_path, "locked", passphrase="correct horse")
    signer = signer_for(config(locked), tmp_path, "alice@example.com")
    with pytest.raises(SigningError, match=r"has a passphrase.*ssh-add .*locked\b") as raised:
        sign_claims([claim(n) for n in range(1, 6)], signer)
    assert "\n" not in str(raised.value)


# --------------------------------------------------------------------------- ssh-agent


@pytest.fixture
def agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    socket = tmp_path / "agent.sock"
    out = sh("ssh-agent", "-s", "-a", str(socket))
    pid = int(out.split("SSH_AGENT_PID=", 1)[1].split(";", 1)[0])
    monkeypatch.setenv("SSH_AUTH_SOCK", str(socket))
    try:
        yield {"SSH_AUTH_SOCK": str(socket)}
    finally:
        os.kill(pid, signal.SIGTERM)


def test_agent_signs_for_a_public_key_and_a_literal_key(
    tmp_path: Path, agent: dict[str, str], hermetic: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_AUTH_SOCK", agent["SSH_AUTH_SOCK"])
    key = new_key(tmp_path, "agent-key", passphrase="secret")  # only the agent can use it
    add_with_passphrase(key, "secret", agent["SSH_AUTH_SOCK"], tmp_path)
    pub = key.with_name("agent-key.pub")
    allowed = f"alice@example.com {public(key)}\n"
    literal = "key::" + pub.read_text().strip()
    command = f"cat {pub}"
    ways = (
        (("gpg.format", "ssh"), ("user.signingKey", str(pub))),
        (("gpg.format", "ssh"), ("user.signingKey", literal)),
        (("gpg.format", "ssh"), ("gpg.ssh.defaultKeyCommand", command)),
    )
    for n, settings in enumerate(ways):
        repo = git_repo(tmp_path / f"config-{n}", hermetic, *settings)
        signer = signer_for(read_signing_config(repo), repo, "alice@example.com")
        signatures = sign_claims([claim(n) for n in range(1, 21)], signer, now=SIGNED)
        pairs = list(zip([claim(n) for n in range(1, 21)], signatures, strict=True))
        assert all(v.valid for v in verify(allowed, pairs)), settings
    # A key the agent does not hold, then no agent at all: one line saying what to do.
    stranger = new_key(tmp_path, "stranger").with_name("stranger.pub").read_text().strip()
    repo = git_repo(
        tmp_path / "stranger-repo", hermetic, ("gpg.format", "ssh"), ("user.signingKey", stranger)
    )
    signer = signer_for(read_signing_config(repo), repo, "alice@example.com")
    with pytest.raises(SigningError, match="ssh-agent does not hold the key") as raised:
        sign_claims([claim(n) for n in range(1, 4)], signer)
    assert "Signing file" not in str(raised.value)
    monkeypatch.delenv("SSH_AUTH_SOCK")
    repo = git_repo(
        tmp_path / "no-agent", hermetic, ("gpg.format", "ssh"), ("user.signingKey", literal)
    )
    signer = signer_for(read_signing_config(repo), repo, "alice@example.com")
    with pytest.raises(SigningError, match="no agent is running") as raised:
        sign_claims([claim()], signer)
    assert "\n" not in str(raised.value)


def add_with_passphrase(key: Path, passphrase: str, socket: str, tmp_path: Path) -> None:
    """ssh-add a key with a passphrase, the passphrase given by SSH_ASKPASS."""
    askpass = tmp_path / "askpass"
    askpass.write_text(f"#!/bin/sh\necho '{passphrase}'\n")
    askpass.chmod(0o700)
    env = {
        **os.environ,
        "SSH_AUTH_SOCK": socket,
        "SSH_ASKPASS": str(askpass),
        "SSH_ASKPASS_REQUIRE": "force",
        "DISPLAY": ":0",
    }
    result = subprocess.run(
        ["ssh-add", "-q", str(key)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- in commits


def test_signatures_travel_in_commits_and_survive_a_squash_merge(
    keys: dict[str, Path], tmp_path: Path, hermetic: dict[str, str]
) -> None:
    """git reads the AI-Signature line as a trailer, exactly; a hosting service's squash
    merge (a new commit by another committer whose message concatenates the originals)
    keeps every signature valid."""
    repo = git_repo(tmp_path, hermetic, ("user.name", "Alice"), ("user.email", "alice@example.com"))
    allowed = f"alice@example.com {public(keys['alice'])}\n"
    messages = []
    for n in (1, 2):
        claims = [claim(n), claim(n + 10)]
        signatures = sign(keys["alice"], claims)
        lines = [
            line
            for pair in zip(claims, signatures, strict=True)
            for line in (tr.format_claim(pair[0]), format_signature(pair[1]))
        ]
        message = f"Change {n}\n\nWhy it changed.\n\nAssisted-by: copilot\n" + "\n".join(lines)
        sh("git", "commit", "-q", "--allow-empty", "-m", message, cwd=repo, env=hermetic)
        body = sh("git", "log", "-1", "--format=%B", cwd=repo, env=hermetic)
        trailers = subprocess.run(
            ["git", "interpret-trailers", "--parse"],
            input=body,
            capture_output=True,
            text=True,
            check=True,
            cwd=repo,
            env=hermetic,
        ).stdout.splitlines()
        assert trailers == ["Assisted-by: copilot", *lines]
        messages.append(body.strip())
    squashed = "Feature (#12)\n\n" + "\n\n".join(f"* {m}" for m in messages) + "\n"
    sh(
        "git", "-c", "user.name=Hosting", "-c", "user.email=noreply@hosting.example",
        "commit", "-q", "--allow-empty", "-m", squashed, cwd=repo, env=hermetic,
    )  # fmt: skip
    found = message_signatures(sh("git", "log", "-1", "--format=%B", cwd=repo, env=hermetic))
    assert len(found.claims) == 4 and not found.stray
    pairs = [(c.claim, c.signature) for c in found.claims if c.signature is not None]
    assert len(pairs) == 4 and all(v.valid for v in verify(allowed, pairs))
