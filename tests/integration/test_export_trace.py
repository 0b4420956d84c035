"""`ownit export agent-trace` on real repositories: records valid against the Agent Trace
schema, from the working tree's regions or a range's trailer lines, and a round trip:
`ownit import agent-trace` of the export, in a fresh clone, yields the same regions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import git
from tests.support import ownit

SCHEMA = json.loads(
    (
        Path(__file__).parents[1] / "fixtures" / "agent-trace" / "trace-record.schema.json"
    ).read_text()
)
CODE = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(12))
RATIONALE = "Checked each branch against the tests and the spec"


def records_of(text: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for record in records:
        validator.validate(record)
    return records


def regions(repo: Path, env: dict[str, str]) -> list[tuple[str, list[int], str, Any]]:
    listed = json.loads(ownit(repo, env, "status", "--all", "--json").stdout)["regions"]
    return sorted(
        (r["path"], r["lines"], r["tool"], r["model"])
        for r in listed
        if r["ownership"] != "dismissed"
    )


def fresh_clone(repo: Path, where: Path) -> Path:
    """A clone of ``repo`` with the same working tree files and no ownit store."""
    git(where.parent, "clone", "-q", str(repo), str(where))
    for path in repo.rglob("*"):
        rel = path.relative_to(repo)
        if rel.parts[0] != ".git" and path.is_file():
            (where / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, where / rel)
    return where


@pytest.fixture
def repo(git_repo: Path, env: dict[str, str]) -> Path:
    (git_repo / "src").mkdir()
    (git_repo / "src" / "calc.py").write_text(CODE)
    (git_repo / "src" / "util.py").write_text(CODE)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "start")
    assert ownit(git_repo, env, "init", "--no-agents").returncode == 0
    return git_repo


def mark(repo: Path, env: dict[str, str], path: str, lines: str, *extra: str) -> None:
    done = ownit(repo, env, "mark", path, "--lines", lines, *extra)
    assert done.returncode == 0, done.stderr


def test_working_tree_export_round_trips(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    mark(repo, env, "src/calc.py", "4-6", "--tool", "claude-code", "--model", "claude-opus-4-5")
    mark(repo, env, "src/calc.py", "10-11", "--tool", "copilot")
    mark(repo, env, "src/util.py", "1-2", "--tool", "cursor", "--model", "gpt-5")
    mark(repo, env, "src/util.py", "7-8", "--tool", "cursor", "--model", "gpt-5")
    assert ownit(repo, env, "claim", "src/util.py:1", "-m", RATIONALE).returncode == 0
    mark(repo, env, "src/util.py", "19-20", "--tool", "copilot")
    assert ownit(repo, env, "dismiss", "src/util.py:19", "-m", "Written by hand").returncode == 0
    # the working tree differs from HEAD: no vcs in the records
    (repo / "src" / "calc.py").write_text("# header\n" + CODE)

    done = ownit(repo, env, "export", "agent-trace")
    assert done.returncode == 0, done.stderr
    records = records_of(done.stdout)
    assert [r["tool"]["name"] for r in records] == ["claude-code", "copilot", "cursor"]
    assert all("vcs" not in r for r in records)
    exported = regions(repo, env)
    assert ("src/util.py", [19, 20], "copilot", None) not in exported, "dismissed: not AI-written"
    assert ("src/calc.py", [5, 7], "claude-code", "claude-opus-4-5") in exported

    trace = tmp_path / "traces.jsonl"
    assert ownit(repo, env, "export", "agent-trace", "-o", str(trace)).returncode == 0
    assert records_of(trace.read_text())
    clone = fresh_clone(repo, tmp_path / "clone")
    assert regions(clone, env) == []
    imported = ownit(clone, env, "import", "agent-trace", str(trace))
    assert imported.returncode == 0, imported.stderr
    assert regions(clone, env) == exported
    again = ownit(clone, env, "import", "agent-trace", str(trace))
    assert "imported 0 range(s)" in again.stdout


def test_a_clean_working_tree_names_head(repo: Path, env: dict[str, str]) -> None:
    mark(repo, env, "src/calc.py", "1-2", "--tool", "copilot")
    (record,) = records_of(ownit(repo, env, "export", "agent-trace").stdout)
    head = git(repo, "rev-parse", "HEAD").strip()
    assert record["vcs"] == {"type": "git", "revision": head}


def test_range_export_from_trailers(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    mark(repo, env, "src/calc.py", "4-6", "--tool", "claude-code", "--model", "claude-opus-4-5")
    assert ownit(repo, env, "claim", "src/calc.py:4", "-m", RATIONALE).returncode == 0
    lines = CODE.splitlines(keepends=True)
    lines[9:11] = ["def f3(x):  # rewritten\n", "    return x + 33\n"]
    (repo / "src" / "util.py").write_text("".join(lines))
    mark(repo, env, "src/util.py", "10-11", "--tool", "copilot")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "AI code")
    first = git(repo, "rev-parse", "HEAD").strip()
    message = git(repo, "log", "-1", "--format=%B")
    assert "AI-Owned: src/calc.py:4-6" in message and "AI-Unowned: src/util.py:10-11" in message
    # a commit whose trailer claims lines it does not hold, and one with a path outside,
    # made without ownit's hooks (which would not let such lines through)
    (repo / "src" / "calc.py").write_text(CODE + "# more\n")
    git(repo, "add", "-A")
    git(
        repo,
        "-c",
        f"core.hooksPath={repo / 'no-hooks'}",
        "commit",
        "-q",
        "-m",
        "Forged\n\nAI-Owned: src/calc.py:1-2 000000000000 copilot a@b.c -- x\n"
        "AI-Unowned: ../../etc/passwd:1-2 000000000000 copilot\n",
    )

    done = ownit(repo, env, "export", "agent-trace", "HEAD~2..HEAD")
    assert done.returncode == 0, done.stderr
    records = records_of(done.stdout)
    assert {r["vcs"]["revision"] for r in records} == {first}
    by_tool = {r["tool"]["name"]: r for r in records}
    claude = by_tool["claude-code"]["files"][0]["conversations"][0]
    assert claude["contributor"] == {"type": "ai", "model_id": "claude-opus-4-5"}
    assert claude["ranges"][0]["start_line"] == 4 and claude["ranges"][0]["end_line"] == 6
    assert "does not match the committed lines" in done.stderr
    assert "../../etc/passwd:1-2: not a path in the repository" in done.stderr

    # the range's records, imported in a fresh clone, find the lines by content hash
    trace = tmp_path / "range.jsonl"
    trace.write_text(done.stdout)
    clone = fresh_clone(repo, tmp_path / "clone")
    assert ownit(clone, env, "import", "agent-trace", str(trace)).returncode == 0
    assert regions(clone, env) == [
        ("src/calc.py", [4, 6], "claude-code", "claude-opus-4-5"),
        ("src/util.py", [10, 11], "copilot", None),
    ]


def test_bad_ranges_and_outside_a_repository(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    bad = ownit(repo, env, "export", "agent-trace", "nope..HEAD")
    assert bad.returncode == 2 and "unknown revision 'nope'" in bad.stderr
    assert ownit(repo, env, "export").returncode == 2
    plain = tmp_path / "plain"
    plain.mkdir()
    assert ownit(plain, env, "export", "agent-trace").returncode == 2
    empty = ownit(repo, env, "export", "agent-trace")
    assert empty.returncode == 0 and empty.stdout == "", "no region: no record"
