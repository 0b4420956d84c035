"""`ownit policy check|explain` run as a real process in a real `git init` repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "policy.example.yaml"


def _ownit_command() -> list[str]:
    script = Path(sys.executable).parent / "ownit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ownit"]


def ownit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(
        [*_ownit_command(), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is required for these tests")
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_check_without_policy_file_says_the_built_in_defaults_apply(repo: Path) -> None:
    result = ownit(repo, "policy", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("no .ownit.yaml: the built-in defaults apply")
    assert "2 rules" in result.stdout and "ownit policy example" in result.stdout
    result = ownit(repo, "policy", "check", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "file": None,
        "valid": True,
        "problems": [],
        "rules": ["tests", "sensitive"],
        "builtin": True,
    }
    (repo / "sub").mkdir()
    result = ownit(repo / "sub", "policy", "check")
    assert result.returncode == 0
    assert result.stdout.startswith("no ../.ownit.yaml: the built-in defaults apply")


def test_check_a_named_file_that_does_not_exist_is_a_usage_error(repo: Path) -> None:
    result = ownit(repo, "policy", "check", ".ownit.yaml")
    assert result.returncode == 2
    assert result.stderr.strip() == "ownit: .ownit.yaml: no such file"


def test_example_prints_the_shipped_example_which_is_valid(repo: Path) -> None:
    result = ownit(repo, "policy", "example")
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXAMPLE.read_text(encoding="utf-8")
    (repo / ".ownit.yaml").write_text(result.stdout, encoding="utf-8")
    check = ownit(repo, "policy", "check")
    assert check.returncode == 0, check.stdout
    assert "valid policy, version 1, 2 rules" in check.stdout


def test_sensitive_rule_covers_files_named_like_its_folders(repo: Path) -> None:
    for path in ("src/auth.py", "auth.go", "lib/crypto.ts", "config/secrets.yaml"):
        result = ownit(repo, "policy", "explain", path)
        assert "'sensitive' via" in result.stdout, (path, result.stdout)
        assert "commit: block" in result.stdout
    for path in ("src/authz.py", "src/author.py", "docs/security-notes.md"):
        result = ownit(repo, "policy", "explain", path)
        assert "no rule matches" in result.stdout, (path, result.stdout)


def test_check_finds_the_policy_at_the_repository_root_from_a_subdirectory(repo: Path) -> None:
    shutil.copyfile(EXAMPLE, repo / ".ownit.yaml")
    (repo / "src" / "deep").mkdir(parents=True)
    result = ownit(repo / "src" / "deep", "policy", "check")
    assert result.returncode == 0, result.stderr
    assert "valid policy, version 1, 2 rules" in result.stdout
    result = ownit(repo / "src" / "deep", "policy", "check", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "file": "../../.ownit.yaml",
        "valid": True,
        "problems": [],
        "rules": ["tests", "sensitive"],
    }


def test_check_reports_problems_with_positions(repo: Path) -> None:
    (repo / ".ownit.yaml").write_text(
        "version: 1\ndefaults:\n  severty: error\n"
        "rules:\n  - paths: ['src/**x']\n    commit: blok\n",
        encoding="utf-8",
    )
    result = ownit(repo, "policy", "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(".ownit.yaml:3:3: defaults: unknown key 'severty'")
    assert "did you mean 'severity'?" in lines[0]
    assert lines[1].startswith(".ownit.yaml:5:13: rules[0].paths[0]: bad path glob")
    assert lines[2].startswith(".ownit.yaml:6:13: rules[0].commit: expected one of block")
    assert "3 problems" in result.stderr

    result = ownit(repo, "policy", "check", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert [(p["line"], p["column"]) for p in data["problems"]] == [(3, 3), (5, 13), (6, 13)]


def test_check_an_explicit_file_and_hostile_ones(repo: Path) -> None:
    (repo / "tagged.yaml").write_text("!!python/object/apply:os.system ['touch pwned']\n")
    result = ownit(repo, "policy", "check", "tagged.yaml")
    assert result.returncode == 1
    assert "tagged.yaml:1:1:" in result.stdout and "not allowed" in result.stdout
    assert not (repo / "pwned").exists()

    (repo / "huge.yaml").write_text("version: 1\n#" + "x" * 400_000 + "\n")
    result = ownit(repo, "policy", "check", "huge.yaml")
    assert result.returncode == 1
    assert "bytes" in result.stdout

    (repo / "latin1.yaml").write_bytes(b"version: 1\n# caf\xe9\n")
    result = ownit(repo, "policy", "check", "latin1.yaml")
    assert result.returncode == 1
    assert "latin1.yaml:2:6: not UTF-8" in result.stdout

    assert ownit(repo, "policy", "check", "missing.yaml").returncode == 2
    (repo / "adir").mkdir()
    assert ownit(repo, "policy", "check", "adir").returncode == 2


def test_check_the_example_file_itself(repo: Path) -> None:
    result = ownit(repo, "policy", "check", str(EXAMPLE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_explain_with_builtin_defaults(repo: Path) -> None:
    result = ownit(repo, "policy", "explain", "src/auth/token.py")
    assert result.returncode == 0, result.stderr
    assert "built-in defaults" in result.stdout
    assert "'sensitive' via '**/auth/**'" in result.stdout
    assert "commit: block" in result.stdout


def test_explain_with_repository_policy_json(repo: Path) -> None:
    (repo / ".ownit.yaml").write_text(
        "version: 1\n"
        "handles:\n"
        "  '@acme/sec': [alice@example.com]\n"
        "rules:\n"
        "  - name: everything\n"
        "    paths: ['**']\n"
        "    severity: hint\n"
        "  - name: payments\n"
        "    paths: ['payments/']\n"
        "    severity: error\n"
        "    codeowner: true\n"
        "    owners: ['@acme/sec']\n",
        encoding="utf-8",
    )
    (repo / ".gitattributes").write_text("payments/gen/** linguist-generated\n")
    (repo / ".github").mkdir()
    (repo / ".github" / "CODEOWNERS").write_text("payments/ @acme/sec\n")
    (repo / "payments").mkdir()
    result = ownit(repo / "payments", "policy", "explain", "api.py", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["path"] == "payments/api.py"
    assert data["excluded"] is False
    assert [(r["name"], r["pattern"], r["line"]) for r in data["rules"]] == [
        ("everything", "**", 5),
        ("payments", "payments/", 8),
    ]
    assert data["effective"]["severity"] == "error"
    assert data["effective"]["origins"]["severity"] == "payments"
    assert data["effective"]["owners"] == ["@acme/sec"]
    assert data["codeowners"] == ["@acme/sec"]

    result = ownit(repo, "policy", "explain", "payments/gen/x.py", "--json")
    assert json.loads(result.stdout)["excludedBecause"] == (
        "marked linguist-generated in .gitattributes"
    )
    text = ownit(repo, "policy", "explain", "payments/api.py").stdout
    assert "CODEOWNERS (.github/CODEOWNERS) lists: @acme/sec" in text


def test_explain_with_an_invalid_policy_says_so(repo: Path) -> None:
    (repo / ".ownit.yaml").write_text("version: 1\nrulez: []\n")
    result = ownit(repo, "policy", "explain", "a.py")
    assert result.returncode == 1
    assert ".ownit.yaml:2:1:" in result.stderr


def test_explain_refuses_paths_outside_the_repository(repo: Path) -> None:
    result = ownit(repo, "policy", "explain", "../elsewhere.py")
    assert result.returncode == 2
    assert "outside the repository" in result.stderr


def test_policy_without_action_is_a_usage_error(repo: Path) -> None:
    assert ownit(repo, "policy").returncode == 2
