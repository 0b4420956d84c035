"""`ownit attest` on a real repository with real SSH-signed claims: the in-toto Statement
v1 validates against the Statement schema (tests/fixtures/in-toto, written from the
specification) and its predicate against ownit's documented schema
(docs/attestation.schema.json); every claim of the range is listed with its validity and
signature status; the unowned AI-written lines at the tip are there."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ownit.core import trailers as tr
from ownit.core.attestation import PREDICATE_TYPE, STATEMENT_TYPE
from ownit.core.fingerprint import fingerprint
from ownit.core.signing import SignatureFormat, format_signature
from ownit.git.signing import SigningConfig, sign_claims, signer_for
from tests.support import OWNIT, commit, git, new_repo, new_ssh_key, run, ssh_public

ROOT = Path(__file__).resolve().parents[2]
ALICE = "alice@example.com"
RATIONALE = "Compared with hmac.compare_digest; length checked first"
A_CODE = ["def f(x):", "    if x < 0:", "        return 0", "    return x * 2"]
B_CODE = ["def g(y):", "    return y + 1", "# end"]
C_CODE = ["one = 1", "two = 2", "three = 3"]
D_CODE = ["import os", "HOME = os.environ['HOME']"]


def signed(claim: tr.ClaimLine, key: Path) -> str:
    signer = signer_for(
        SigningConfig(SignatureFormat.SSH, str(key), "ssh-keygen"), Path.cwd(), ALICE
    )
    [signature] = sign_claims([claim], signer, now=datetime(2025, 6, 1, 12, 0, tzinfo=UTC))
    return f"{tr.format_claim(claim)}\n{format_signature(signature)}"


def schema(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def validate(document: Any, path: Path) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        schema(path), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


STATEMENT_SCHEMA = ROOT / "tests" / "fixtures" / "in-toto" / "statement-v1.schema.json"
PREDICATE_SCHEMA = ROOT / "docs" / "attestation.schema.json"


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A base trusting Alice's key; then a claim Alice signed, one signed with Bob's key
    in Alice's name, a forged unsigned claim, an AI-Unowned claim and an AI-assisted
    commit with no claim. Returns the repository and its base."""
    keys = tmp_path / "keys"
    keys.mkdir()
    alice, bob = new_ssh_key(keys, "alice"), new_ssh_key(keys, "bob")
    path = tmp_path / "repo"
    new_repo(path, env, ALICE, "Alice Martin")
    base = commit(
        path, env, "Trust Alice\n", {".ownit/allowed_signers": [f"{ALICE} {ssh_public(alice)}"]}
    )
    good = tr.ClaimLine("a.py", 1, 4, fingerprint(A_CODE), "copilot", ALICE, RATIONALE)
    commit(path, env, f"Add f\n\n{signed(good, alice)}\n", {"a.py": A_CODE})
    wrong_key = tr.ClaimLine("b.py", 1, 3, fingerprint(B_CODE), "copilot", ALICE, RATIONALE)
    commit(path, env, f"Add g\n\n{signed(wrong_key, bob)}\n", {"b.py": B_CODE})
    forged = tr.ClaimLine("c.py", 1, 3, "deadbeef0000", "copilot", ALICE, RATIONALE)
    commit(path, env, f"Add c\n\n{tr.format_claim(forged)}\n", {"c.py": C_CODE})
    unowned = tr.ClaimLine("d.py", 1, 2, fingerprint(D_CODE), "claude-code")
    commit(path, env, f"Add d\n\n{tr.format_claim(unowned)}\n", {"d.py": D_CODE})
    commit(
        path,
        env,
        "Add e\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
        {"e.py": ["e = 1", "f = 2"]},
    )
    return path, base


def test_the_statement_validates_and_says_it_all(
    repo: tuple[Path, str], env: dict[str, str]
) -> None:
    path, base = repo
    out = path.parent / "ownit.intoto.json"
    result = run(path, env, OWNIT, "attest", f"{base}..HEAD", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    statement = json.loads(out.read_text("utf-8"))
    validate(statement, STATEMENT_SCHEMA)
    validate(statement["predicate"], PREDICATE_SCHEMA)
    tip = git(path, env, "rev-parse", "HEAD").strip()
    assert statement["_type"] == STATEMENT_TYPE
    assert statement["predicateType"] == PREDICATE_TYPE
    [subject] = statement["subject"]
    assert subject["digest"] == {"gitCommit": tip}
    predicate = statement["predicate"]
    assert predicate["range"] == {"spec": f"{base}..HEAD", "base": base, "tip": tip, "commits": 5}
    assert predicate["trustedKeysFrom"] == base
    claims = {c["path"]: c for c in predicate["claims"]}
    assert set(claims) == {"a.py", "b.py", "c.py", "d.py"}
    assert claims["a.py"]["validity"] == "valid"
    assert claims["a.py"]["signature"]["status"] == "valid"
    assert claims["a.py"]["signature"]["key"].startswith("SHA256:")
    assert claims["b.py"]["validity"] == "valid"
    assert claims["b.py"]["signature"]["status"] == "unknown-key"
    assert claims["c.py"]["validity"] == "invalid"
    assert claims["c.py"]["problem"] == "claim-mismatch"
    assert claims["c.py"]["signature"]["status"] == "unsigned"
    assert claims["d.py"]["kind"] == "AI-Unowned" and claims["d.py"]["owner"] is None
    assert claims["d.py"]["signature"]["status"] == "not-applicable"
    assert predicate["summary"] == {
        "claims": 4,
        "valid": 3,
        "invalid": 1,
        "owned": 3,
        "signed": 2,
        "signaturesValid": 1,
    }
    tip_lines = predicate["atTip"]
    assert tip_lines["lines"]["owned"] == 7 and tip_lines["lines"]["invalid"] == 3
    assert tip_lines["lines"]["unowned"] == 4  # d.py (AI-Unowned) and e.py (no claim)
    where = {(r["path"], r["status"]) for r in tip_lines["unowned"]}
    assert where == {("c.py", "invalid"), ("d.py", "unowned"), ("e.py", "unowned")}


def test_predicate_only_and_all_history(repo: tuple[Path, str], env: dict[str, str]) -> None:
    path, _ = repo
    result = run(path, env, OWNIT, "attest", "--predicate-only")
    assert result.returncode == 0, result.stderr
    predicate = json.loads(result.stdout)
    validate(predicate, PREDICATE_SCHEMA)
    assert predicate["range"]["base"] is None and predicate["range"]["commits"] == 6
    tip = git(path, env, "rev-parse", "HEAD").strip()
    # With no base, the keys are the tip's (the only ones there are), and it says so.
    assert predicate["trustedKeysFrom"] == tip
    claims = {c["path"]: c for c in predicate["claims"]}
    assert claims["a.py"]["signature"]["status"] == "valid"


def test_the_keys_are_read_where_the_policy_says(tmp_path: Path, env: dict[str, str]) -> None:
    """A policy naming its own allowed-signers file: attest reads the keys there."""
    alice = new_ssh_key(tmp_path, "alice")
    path = tmp_path / "repo"
    new_repo(path, env, ALICE, "Alice Martin")
    base = commit(
        path,
        env,
        "Trust Alice\n",
        {
            ".ownit.yaml": ["version: 1", "allowed_signers: security/signers"],
            "security/signers": [f"{ALICE} {ssh_public(alice)}"],
        },
    )
    good = tr.ClaimLine("a.py", 1, 4, fingerprint(A_CODE), "copilot", ALICE, RATIONALE)
    commit(path, env, f"Add f\n\n{signed(good, alice)}\n", {"a.py": A_CODE})
    result = run(path, env, OWNIT, "attest", f"{base}..HEAD", "--predicate-only")
    assert result.returncode == 0, result.stderr
    [claim] = json.loads(result.stdout)["claims"]
    assert claim["signature"]["status"] == "valid", claim


def test_usage_errors(tmp_path: Path, env: dict[str, str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    result = run(outside, env, OWNIT, "attest")
    assert result.returncode == 2 and "not inside a git repository" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, env, "init", "-q")
    result = run(empty, env, OWNIT, "attest")
    assert result.returncode == 2 and "no commits yet" in result.stderr
    git(
        empty,
        env,
        "-c",
        "user.name=A",
        "-c",
        "user.email=a@example.com",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "one",
    )
    result = run(empty, env, OWNIT, "attest", "nosuch..HEAD")
    assert result.returncode == 2 and "unknown revision" in result.stderr
