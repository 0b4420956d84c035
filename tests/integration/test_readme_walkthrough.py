"""The README's "Using it" block, run line by line as written in a fresh repository with
this venv's `ownit` (the `pip install .` line is skipped: the venv has it). Each line must
do what its comment says. A line the test does not know fails it, so README and test stay
in step."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.conftest import git

ROOT = Path(__file__).resolve().parents[2]
RATIONALE = "Token compared with hmac.compare_digest; tested in test_auth"

# src/auth.py before the AI tool touched it (lines 1-9 and, after the insertion, 25-30)
BEFORE = [
    '"""API tokens."""',
    "",
    "import hmac",
    "import os",
    "",
    "",
    "def expected_token():",
    '    return os.environ["API_TOKEN"]',
    "",
    "",
    "def describe():",
    '    return "tokens are compared in constant time"',
]
# lines 10-24: what the AI tool wrote
AI_LINES = [
    "def token_ok(given):",
    '    """True when ``given`` is the API token."""',
    "    expected = expected_token()",
    "    if not given:",
    "        return False",
    "    if len(given) > 512:",
    "        return False",
    "    given_bytes = given.encode()",
    "    expected_bytes = expected.encode()",
    "    if not expected_bytes:",
    "        return False",
    "    same = hmac.compare_digest(given_bytes, expected_bytes)",
    "    return same",
    "",
    "",
]
AFTER = [*BEFORE[:9], *AI_LINES, *BEFORE[9:]]


def readme_block() -> list[tuple[str, str]]:
    """(command, comment) for each line of the README's "Using it" code block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using it", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = []
    for line in block.splitlines():
        command, _, comment = line.partition("  #")
        lines.append((command.strip(), comment.strip(" #")))
    return lines


def run(repo: Path, env: dict[str, str], command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-c", command], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


Result = subprocess.CompletedProcess[str]
Check = Callable[[Path, dict[str, str], Result], None]


def _initialized(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stderr
    for name in ("prepare-commit-msg", "commit-msg", "post-commit"):
        assert "ownit" in (repo / ".git" / "hooks" / name).read_text()
    assert "Preset `default`" in (repo / ".ownit.yaml").read_text()
    assert "to commit: git add .ownit.yaml" in result.stdout


def _doctor_all_well(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^ok +hooks ", result.stdout, re.MULTILINE), result.stdout
    assert "FAIL" not in result.stdout


def _marked(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stderr
    assert "src/auth.py:10-24" in result.stdout


def _unowned_listed(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stderr
    assert re.search(r"src/auth\.py:10-24\b", result.stdout), result.stdout
    listed = json.loads(run(repo, env, "ownit status --json").stdout)["regions"]
    assert [(r["path"], r["lines"], r["tool"]) for r in listed] == [
        ("src/auth.py", [10, 24], "copilot")
    ]


def _claimed(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stderr
    assert "src/auth.py:10-24" in result.stdout
    assert json.loads(run(repo, env, "ownit status --json").stdout)["regions"] == []


def _staged(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stderr
    assert git(repo, "diff", "--cached", "--name-only").split() == ["src/auth.py"]


def _trailers_previewed(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"AI-Owned: src/auth\.py:10-24 [0-9a-f]{12} copilot dev@example\.com -- "
        + re.escape(RATIONALE),
        result.stdout,
    ), result.stdout
    assert git(repo, "log", "-1", "--format=%s").strip() == "Start", "a preview commits nothing"


def _committed_with_trailers(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Check API tokens\n")
    assert "Assisted-by: copilot" in message
    assert "Owned-by: Dev Name <dev@example.com>" in message
    assert "AI-Owned: src/auth.py:10-24 " in message
    assert f" copilot dev@example.com -- {RATIONALE}" in message


def _verified(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    again = run(repo, env, "ownit verify --json origin/main..HEAD")
    assert again.returncode == 0, again.stdout + again.stderr
    checked = json.loads(again.stdout)
    assert (checked["ok"], checked["commits"], checked["aiAssistedCommits"]) == (True, 1, 1)
    assert checked["claims"] == 1, "the commit's claim was checked"


def _sarif_written(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    sarif = json.loads((repo / "ownit.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"] == [], "no problem: nothing to alert"


def _blamed(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    owned = [line for line in lines if "dev@example.com" in line or "Dev Name" in line]
    assert len(owned) >= len(AI_LINES), result.stdout
    assert "hmac.compare_digest" in result.stdout, "the rationale is shown"


def _reported(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stderr
    assert re.search(r"^\|.*\|$", result.stdout, re.MULTILINE), "a Markdown table"
    assert "src/auth.py" in result.stdout
    assert "dev@example.com" in result.stdout or "Dev Name" in result.stdout


def _html_written(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ownit report: wrote report.html"
    page = (repo / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in page
    assert "src/<wbr>auth.py" in page and "dev@example.com" in page
    assert "<script" not in page


def _policy_explained(repo: Path, env: dict[str, str], result: Result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert ".ownit.yaml: valid policy" in result.stdout, "the policy `ownit init` wrote"
    assert "src/auth.py" in result.stdout and "'sensitive'" in result.stdout
    assert "commit: block" in result.stdout


EXPECTATIONS: dict[str, Check] = {
    "ownit init": _initialized,
    "ownit doctor": _doctor_all_well,
    "ownit mark src/auth.py --lines 10-24 --tool copilot": _marked,
    "ownit status": _unowned_listed,
    f'ownit claim src/auth.py:12 -m "{RATIONALE}"': _claimed,
    "ownit trailers": _trailers_previewed,
    "git add src/auth.py": _staged,
    'git commit -m "Check API tokens"': _committed_with_trailers,
    "ownit verify origin/main..HEAD": _verified,
    "ownit verify origin/main..HEAD --format sarif -o ownit.sarif": _sarif_written,
    "ownit blame src/auth.py": _blamed,
    "ownit report --markdown": _reported,
    "ownit report --html report.html": _html_written,
    "ownit policy check && ownit policy explain src/auth.py": _policy_explained,
}


def test_readme_using_it_block_runs_as_written(
    git_repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    repo = git_repo
    git(repo, "config", "user.name", "Dev Name")
    git(repo, "config", "user.email", "dev@example.com")
    (repo / "src").mkdir()
    (repo / "src" / "auth.py").write_text("\n".join(BEFORE) + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Start")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    (repo / "src" / "auth.py").write_text("\n".join(AFTER) + "\n")  # the AI tool's edit

    block = readme_block()
    assert block[0][0] == "pip install .", "the block starts with the install line"
    commands = [command for command, _ in block[1:]]
    unknown = [command for command in commands if command not in EXPECTATIONS]
    assert not unknown, f"README lines this test does not know: {unknown}"
    assert len(commands) == len(EXPECTATIONS)
    for command in commands:
        result = run(repo, env, command)
        assert "Traceback" not in result.stderr, (command, result.stderr)
        EXPECTATIONS[command](repo, env, result)
