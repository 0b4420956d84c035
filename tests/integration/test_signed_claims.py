"""Signed claims end to end (issue 11): the hooks sign each AI-Owned claim with git's own
signing configuration (real ssh-keygen ed25519 keys, real gpg), the AI-Signature travels
next to its claim through amend, rebase, cherry-pick, `merge --squash` and a hosting
service's squash merge (a new commit by another committer whose message concatenates the
originals), and `ownit verify` checks it against the allowed signers of the range's BASE
under `signatures: require`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ownit.core.signing import message_signatures
from tests.integration.test_hooks import git, mark, ownit
from tests.support import VENV_BIN, new_ssh_key, run, ssh_public

POLICY = "version: 1\ndefaults:\n  signatures: require\n"


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: new_ssh_key(folder, name) for name in ("dev", "lead", "eve")}


@pytest.fixture
def signed_repo(tmp_path: Path, env: dict[str, str], keys: dict[str, Path]) -> Path:
    """main: the policy (signatures: require) and the allowed signers (dev and lead);
    the developer signs with an ssh key (gpg.format ssh, user.signingKey)."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, env, "init", "-q", "-b", "main")
    for key, value in (
        ("user.name", "Dev Name"),
        ("user.email", "dev@example.com"),
        ("commit.gpgsign", "false"),
        ("gpg.format", "ssh"),
        ("user.signingKey", str(keys["dev"])),
    ):
        git(path, env, "config", key, value)
    (path / ".ownit.yaml").write_text(POLICY)
    (path / ".ownit").mkdir()
    (path / ".ownit" / "allowed_signers").write_text(
        f"dev@example.com {ssh_public(keys['dev'])}\nlead@example.com {ssh_public(keys['lead'])}\n"
    )
    (path / "base.py").write_text("one\ntwo\nthree\n")
    git(path, env, "add", "-A")
    git(path, env, "commit", "-q", "-m", "Initial")
    ownit(path, env, "hooks", "install")
    return path


AI_CODE = "def f():\n    x = 1\n    y = 2\n    return x + y\n"


def commit_ai(repo: Path, env: dict[str, str], name: str, message: str) -> str:
    (repo / name).write_text(AI_CODE + "human()\n")
    mark(repo, name, 1, 4, "copilot", claim=True)
    git(repo, env, "add", name)
    result = git(repo, env, "commit", "-q", "-m", message)
    return result.stderr


def verify(repo: Path, env: dict[str, str], spec: str) -> dict[str, object]:
    result = ownit(repo, env, "verify", spec, "--json", check=False)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def kinds(report: dict[str, object]) -> list[str]:
    return [f["kind"] for f in report["findings"]]  # type: ignore[index, union-attr]


def signed_pairs(repo: Path, env: dict[str, str], rev: str = "HEAD") -> list[tuple[str, bool]]:
    message = git(repo, env, "log", "-1", "--format=%B", rev).stdout
    return [
        (item.claim.location, item.signature is not None)
        for item in message_signatures(message).claims
    ]


def test_hook_signs_and_verify_accepts(signed_repo: Path, env: dict[str, str]) -> None:
    stderr = commit_ai(signed_repo, env, "a.py", "Add a")
    assert "UNSIGNED" not in stderr, stderr
    assert signed_pairs(signed_repo, env) == [("a.py:1-4", True)]
    trailers = git(signed_repo, env, "log", "-1", "--format=%(trailers:key=AI-Signature)").stdout
    assert trailers.startswith("AI-Signature: ")  # git parses it as a trailer
    report = verify(signed_repo, env, "main~1..main")
    assert report["ok"], report
    blame = ownit(signed_repo, env, "blame", "a.py").stdout
    assert "owned dev@example.com" in blame
    # the report's at-the-tip view and the attestation judge the signature too
    tip = json.loads(ownit(signed_repo, env, "report", "main~1..main", "--json").stdout)["atTip"]
    assert (tip["lines"]["owned"], tip["lines"]["invalid"]) == (4, 0), tip
    statement = json.loads(ownit(signed_repo, env, "attest", "main~1..main").stdout)
    summary = statement["predicate"]["summary"]
    assert (summary["valid"], summary["signed"], summary["signaturesValid"]) == (1, 1, 1)


def test_signatures_survive_amend_rebase_cherry_pick_and_squashes(
    signed_repo: Path, env: dict[str, str]
) -> None:
    repo = signed_repo
    git(repo, env, "checkout", "-q", "-b", "topic")
    commit_ai(repo, env, "a.py", "Add a")
    commit_ai(repo, env, "b.py", "Add b")
    first = signed_pairs(repo, env)
    assert first == [("b.py:1-4", True)]
    signature = git(repo, env, "log", "-1", "--format=%(trailers:key=AI-Signature)").stdout

    # amend with a new message: the claim and its signature stay (not signed again)
    git(repo, env, "commit", "-q", "--amend", "-m", "Add b, reworded")
    assert git(repo, env, "log", "-1", "--format=%(trailers:key=AI-Signature)").stdout == signature
    assert verify(repo, env, "main..topic")["ok"]

    # rebase onto a main that moved (lines shift in a.py? no: another file)
    git(repo, env, "checkout", "-q", "main")
    (repo / "other.py").write_text("z = 0\n")
    git(repo, env, "add", "other.py")
    git(repo, env, "commit", "-q", "-m", "Other")
    git(repo, env, "checkout", "-q", "topic")
    git(repo, env, "rebase", "-q", "main")
    assert signed_pairs(repo, env) == [("b.py:1-4", True)]
    assert signed_pairs(repo, env, "HEAD~1") == [("a.py:1-4", True)]
    report = verify(repo, env, "main..topic")
    assert report["ok"], report

    # cherry-pick onto another branch
    git(repo, env, "checkout", "-q", "-b", "picked", "main")
    git(repo, env, "cherry-pick", "topic~1", "topic")
    assert signed_pairs(repo, env) == [("b.py:1-4", True)]
    assert verify(repo, env, "main..picked")["ok"]

    # git merge --squash: one commit, both claims, both signatures
    git(repo, env, "checkout", "-q", "-b", "squashed", "main")
    git(repo, env, "merge", "-q", "--squash", "topic")
    git(repo, env, "commit", "-q", "--no-edit")
    assert sorted(signed_pairs(repo, env)) == [("a.py:1-4", True), ("b.py:1-4", True)]
    report = verify(repo, env, "main..squashed")
    assert report["ok"], report

    # a hosting service's squash merge: a new commit by another committer (and author)
    # whose message concatenates the squashed commits' messages; no hook runs
    messages = git(repo, env, "log", "--reverse", "--format=* %B", "main..topic").stdout
    tree = git(repo, env, "rev-parse", "topic^{tree}").stdout.strip()
    base = git(repo, env, "rev-parse", "main").stdout.strip()
    bot = {
        **env,
        "GIT_COMMITTER_NAME": "GitHub",
        "GIT_COMMITTER_EMAIL": "noreply@github.com",
        "GIT_AUTHOR_NAME": "Merger",
        "GIT_AUTHOR_EMAIL": "merger@example.com",
    }
    squash = run(
        repo,
        bot,
        "git",
        "commit-tree",
        tree,
        "-p",
        base,
        "-m",
        f"Topic (#7)\n\n{messages}",
        check=True,
    ).stdout.strip()
    git(repo, env, "branch", "hosted", squash)
    assert sorted(signed_pairs(repo, env, "hosted")) == [("a.py:1-4", True), ("b.py:1-4", True)]
    report = verify(repo, env, "main..hosted")
    assert report["ok"], report
    # ... while unsigned, those claims by someone who is not the committer would not hold
    stripped = "\n".join(
        line for line in messages.split("\n") if not line.startswith("AI-Signature:")
    )
    unsigned = run(
        repo,
        bot,
        "git",
        "commit-tree",
        tree,
        "-p",
        base,
        "-m",
        f"Topic (#7)\n\n{stripped}",
        check=True,
    ).stdout.strip()
    git(repo, env, "branch", "hosted-unsigned", unsigned)
    assert set(kinds(verify(repo, env, "main..hosted-unsigned"))) == {
        "claim-unsigned",
        "owner-not-committer",
    }


def forge(repo: Path, env: dict[str, str], message: str) -> None:
    (repo / "c.py").write_text(AI_CODE)
    git(repo, env, "add", "c.py")
    git(repo, env, "commit", "-q", "--no-verify", "-m", message)


def test_a_claim_in_another_persons_name_without_their_key_is_rejected(
    signed_repo: Path, env: dict[str, str], keys: dict[str, Path]
) -> None:
    from ownit.core.fingerprint import fingerprint
    from ownit.core.signing import format_signature
    from ownit.core.trailers import ClaimLine, format_claim
    from ownit.git.signing import SigningConfig, sign_claims, ssh_signer

    repo = signed_repo
    fp = fingerprint(AI_CODE.splitlines())
    rationale = "Checked by the lead against the spec and the unit tests"
    claim = ClaimLine("c.py", 1, 4, fp, "copilot", "lead@example.com", rationale)
    # the committer claims in the lead's name (git -c user.email=lead@... would do too)
    # and signs with their own key
    signer = ssh_signer(SigningConfig("ssh", str(keys["dev"]), "ssh-keygen"), repo)  # type: ignore[arg-type]
    (signature,) = sign_claims([claim], signer)
    forge(repo, env, f"Forge\n\n{format_claim(claim)}\n{format_signature(signature)}\n")
    report = verify(repo, env, "main~1..main")
    assert set(kinds(report)) == {"claim-signature-unknown-key", "owner-not-committer"}
    assert "for dev@example.com, not for lead@example.com" in json.dumps(report)
    blame = ownit(repo, env, "blame", "c.py").stdout
    assert "INVALID claim by lead@example.com" in blame and "owned" not in blame

    # unsigned (no signing key set up), committed as that person: rejected as unsigned
    git(repo, env, "reset", "-q", "--hard", "main~1")
    git(repo, env, "config", "--unset", "user.signingKey")
    as_lead = {**env, "GIT_COMMITTER_EMAIL": "lead@example.com"}
    forge(repo, as_lead, f"F\n\n{format_claim(claim)}\n")
    assert kinds(verify(repo, env, "main~1..main")) == ["claim-unsigned"]

    # signed by the lead's own key: accepted although the committer is someone else
    git(repo, env, "reset", "-q", "--hard", "main~1")
    lead = ssh_signer(SigningConfig("ssh", str(keys["lead"]), "ssh-keygen"), repo)  # type: ignore[arg-type]
    (signature,) = sign_claims([claim], lead)
    forge(repo, env, f"Lead\n\n{format_claim(claim)}\n{format_signature(signature)}\n")
    assert verify(repo, env, "main~1..main")["ok"]


def test_a_branch_cannot_add_its_own_key(
    signed_repo: Path, env: dict[str, str], keys: dict[str, Path]
) -> None:
    repo = signed_repo
    git(repo, env, "checkout", "-q", "-b", "evil")
    git(repo, env, "config", "user.email", "eve@example.com")
    git(repo, env, "config", "user.name", "Eve")
    git(repo, env, "config", "user.signingKey", str(keys["eve"]))
    with (repo / ".ownit" / "allowed_signers").open("a") as handle:
        handle.write(f"eve@example.com {ssh_public(keys['eve'])}\n")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "Trust me")
    (repo / "e.py").write_text(AI_CODE)
    from ownit.core.fingerprint import fingerprint
    from ownit.core.signing import format_signature
    from ownit.core.trailers import ClaimLine, format_claim
    from ownit.git.signing import SigningConfig, sign_claims, ssh_signer

    claim = ClaimLine(
        "e.py",
        1,
        4,
        fingerprint(AI_CODE.splitlines()),
        "copilot",
        "eve@example.com",
        "Looked at every line and ran the tests locally",
    )
    signer = ssh_signer(SigningConfig("ssh", str(keys["eve"]), "ssh-keygen"), repo)  # type: ignore[arg-type]
    (signature,) = sign_claims([claim], signer)
    git(repo, env, "add", "e.py")
    git(
        repo,
        env,
        "commit",
        "-q",
        "--no-verify",
        "-m",
        f"E\n\n{format_claim(claim)}\n{format_signature(signature)}\n",
    )
    report = verify(repo, env, "main..evil")
    assert kinds(report) == ["claim-signature-unknown-key"], report
    # once main trusts the key, the same commits verify
    assert verify(repo, env, "evil~1..evil")["ok"]


def test_valid_before_is_honoured(
    signed_repo: Path, env: dict[str, str], keys: dict[str, Path]
) -> None:
    repo = signed_repo
    (repo / ".ownit" / "allowed_signers").write_text(
        f'dev@example.com valid-before="20200101" {ssh_public(keys["dev"])}\n'
    )
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "Dev's old key expired")
    commit_ai(repo, env, "a.py", "Add a")
    assert kinds(verify(repo, env, "main~1..main")) == ["claim-signature-expired"]


def test_unsigned_under_require_is_said_by_the_hook_and_trailers(
    signed_repo: Path, env: dict[str, str]
) -> None:
    repo = signed_repo
    git(repo, env, "config", "--unset", "user.signingKey")
    (repo / "a.py").write_text(AI_CODE)
    mark(repo, "a.py", 1, 4, "copilot", claim=True)
    git(repo, env, "add", "a.py")
    preview = ownit(repo, env, "trailers").stderr
    assert "a.py:1-4 will be committed UNSIGNED" in preview
    assert "user.signingKey is not set" in preview and "requires signed claims" in preview
    data = json.loads(ownit(repo, env, "trailers", "--json").stdout)
    assert [(s["claim"], s["signed"]) for s in data["signatures"]] == [("a.py:1-4", False)]
    result = git(repo, env, "commit", "-q", "-m", "Add a")
    assert "user.signingKey is not set" in result.stderr
    assert "a.py:1-4 is committed UNSIGNED" in result.stderr
    assert kinds(verify(repo, env, "main~1..main")) == ["claim-unsigned"]


def test_openpgp_signing_with_real_gpg(tmp_path: Path, env: dict[str, str]) -> None:
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    gpg_env = {**env, "GNUPGHOME": str(home)}
    run(
        tmp_path,
        gpg_env,
        "gpg",
        "--batch",
        "--passphrase",
        "",
        "--quick-gen-key",
        "Dev Name <dev@example.com>",
        "ed25519",
        "sign",
        "1y",
        check=True,
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, gpg_env, "init", "-q", "-b", "main")
    for key, value in (
        ("user.name", "Dev Name"),
        ("user.email", "dev@example.com"),
        ("commit.gpgsign", "false"),
        ("gpg.format", "openpgp"),
    ):
        git(repo, gpg_env, "config", key, value)
    (repo / ".ownit.yaml").write_text(POLICY)
    (repo / ".ownit" / "openpgp").mkdir(parents=True)
    exported = run(
        repo, gpg_env, "gpg", "--armor", "--export", "dev@example.com", check=True
    ).stdout
    (repo / ".ownit" / "openpgp" / "dev.asc").write_text(exported)
    git(repo, gpg_env, "add", "-A")
    git(repo, gpg_env, "commit", "-q", "-m", "Initial")
    ownit(repo, gpg_env, "hooks", "install")
    stderr = commit_ai(repo, gpg_env, "a.py", "Add a")
    assert "UNSIGNED" not in stderr, stderr
    message = git(repo, gpg_env, "log", "-1", "--format=%B").stdout
    assert " openpgp " in message
    report = verify(repo, gpg_env, "main~1..main")
    assert report["ok"], report
    run(tmp_path, gpg_env, "gpgconf", "--kill", "gpg-agent", check=False)


del VENV_BIN


async def test_the_editor_says_a_claim_will_be_committed_unsigned(
    signed_repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    from lsprotocol import types

    from tests.integration.lsp_helpers import execute, open_file, start, stop
    from tests.integration.lsp_helpers import mark as lsp_mark

    repo = signed_repo
    git(repo, env, "config", "--unset", "user.signingKey")
    (repo / "a.py").write_text(AI_CODE)
    home = tmp_path / "lsp-home"
    home.mkdir()
    client = await start(repo, home)
    uri = open_file(client, repo / "a.py")
    region = await lsp_mark(client, uri, 0, 3)
    answer = await execute(
        client,
        "ownit.claim",
        {"uri": uri, "regionId": region, "rationale": "Checked the sum and the tests cover it"},
    )
    assert "will be committed UNSIGNED" in answer["signatureWarning"]
    assert "user.signingKey is not set" in answer["signatureWarning"]
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=2),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "will be committed UNSIGNED" in hover.contents.value
    assert "requires signed claims" in hover.contents.value
    await stop(client)


@pytest.mark.parametrize("how", ["squash", "fixup"])
def test_a_squash_or_fixup_in_rebase_keeps_both_signatures(
    signed_repo: Path, env: dict[str, str], how: str
) -> None:
    repo = signed_repo
    git(repo, env, "checkout", "-q", "-b", "topic")
    commit_ai(repo, env, "a.py", "Add a")
    commit_ai(repo, env, "b.py", f"{how}! Add a")
    editor = {**env, "GIT_SEQUENCE_EDITOR": "true", "GIT_EDITOR": "true"}
    git(repo, editor, "rebase", "-q", "-i", "--autosquash", "main")
    assert git(repo, env, "rev-list", "--count", "main..topic").stdout.strip() == "1"
    assert sorted(signed_pairs(repo, env)) == [("a.py:1-4", True), ("b.py:1-4", True)]
    report = verify(repo, env, "main..topic")
    assert report["ok"], report


def test_the_statement_checks_signatures_as_verify_does(
    signed_repo: Path, env: dict[str, str]
) -> None:
    commit_ai(signed_repo, env, "a.py", "Add a")
    assert verify(signed_repo, env, "main~1..main")["ok"]
    args = ("report", "--statement", "--json", "main~1..main")
    made = json.loads(ownit(signed_repo, env, *args).stdout)
    assert made["verifyOk"] and made["problems"] == 0, made
    assert [(t["owned"], t["notOwned"]) for t in made["tools"]] == [(4, 0)], made["tools"]
