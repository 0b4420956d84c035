"""The signing check of `ownit doctor`, where a policy asks for signed claims. The policy key
`signatures: off | warn | require` is not in the loader yet: the check reads it defensively,
so these tests hand it policies that have the attribute (and ones that do not)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ownit.core.policy import default_policy
from ownit.setup.check_signing import check_signing, signature_demands
from tests.conftest import git


@dataclass
class Settings:
    signatures: str | None = None


@dataclass
class Rule:
    name: str
    settings: Settings = field(default_factory=Settings)


@dataclass
class Policy:
    defaults: Settings = field(default_factory=Settings)
    rules: tuple[Rule, ...] = ()


ASKING = Policy(rules=(Rule("release", Settings("require")),))


def test_a_policy_without_the_key_asks_for_nothing(git_repo: Path) -> None:
    assert signature_demands(default_policy()) == []
    assert check_signing(git_repo, default_policy()).status == "skip"
    assert check_signing(git_repo, Policy(defaults=Settings("off"))).status == "skip"


def test_demands_are_read_from_defaults_and_rules() -> None:
    policy = Policy(Settings("warn"), (Rule("release", Settings("require")),))
    assert signature_demands(policy) == [("defaults", "warn"), ("rule 'release'", "require")]


def test_ssh_signing_asked_but_no_key(git_repo: Path) -> None:
    git(git_repo, "config", "gpg.format", "ssh")
    found = check_signing(git_repo, ASKING)
    assert found.status == "fail"
    assert "user.signingKey is not set" in found.detail and "rule 'release'" in found.detail
    assert "git config user.signingKey" in found.fix
    # only `warn` in the policy: a warning, not a failure
    assert check_signing(git_repo, Policy(Settings("warn"))).status == "warn"


def test_ssh_key_file_missing_then_present(git_repo: Path, tmp_path: Path) -> None:
    git(git_repo, "config", "gpg.format", "ssh")
    key = tmp_path / "id_ed25519"
    git(git_repo, "config", "user.signingKey", str(key) + ".pub")
    found = check_signing(git_repo, ASKING)
    assert found.status == "fail" and "which is not a file" in found.detail
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    assert check_signing(git_repo, ASKING).status == "ok"


def test_openpgp_without_a_secret_key(git_repo: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GNUPGHOME", str(tmp_path / "gnupg"))
    (tmp_path / "gnupg").mkdir(mode=0o700)
    git(git_repo, "config", "user.signingKey", "0xDEADBEEFDEADBEEF")
    found = check_signing(git_repo, ASKING)
    assert found.status == "fail" and "no secret key for 0xDEADBEEFDEADBEEF" in found.detail


def test_unknown_gpg_format(git_repo: Path) -> None:
    git(git_repo, "config", "gpg.format", "pgp")
    assert "not ssh or openpgp" in check_signing(git_repo, ASKING).detail
    git(git_repo, "config", "gpg.format", "x509")
    assert "x509, which ownit cannot sign claims with" in check_signing(git_repo, ASKING).detail
