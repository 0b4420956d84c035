"""The GitLab CI template: its YAML against GitLab's CI schema, its script run in bash
with the variables a merge request or branch pipeline sets, against real repositories,
and the Code Quality report it writes against GitLab's documented fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.ci_helpers import (
    CO_AUTHOR,
    FP,
    TEXT,
    init_repo,
    owned,
    shallow_clone,
    unowned,
    validate_codequality,
    with_origin,
)
from tests.support import OWNIT, VENV_BIN, commit, git, head, run

TEMPLATE = Path(__file__).parents[2] / "ci" / "gitlab" / "ownit.gitlab-ci.yml"
REPORT = "gl-code-quality-report.json"
ZERO = "0" * 40


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    return init_repo(tmp_path / "repo", env)


def job() -> dict[str, Any]:
    template = yaml.safe_load(TEMPLATE.read_text())
    found: dict[str, Any] = template["ownit-verify"]
    return found


def test_template_is_valid_gitlab_ci() -> None:
    import jsonschema
    from check_jsonschema.builtin_schemas import get_builtin_schema

    template = yaml.safe_load(TEMPLATE.read_text())
    jsonschema.Draft7Validator(get_builtin_schema("vendor.gitlab-ci")).validate(template)
    spec = job()
    assert spec["artifacts"]["reports"]["codequality"] == REPORT
    assert spec["artifacts"]["when"] == "always"
    assert spec["variables"]["GIT_DEPTH"] == "0"
    rules = [rule["if"] for rule in spec["rules"]]
    assert '$CI_PIPELINE_SOURCE == "merge_request_event"' in rules
    assert any("$CI_DEFAULT_BRANCH" in rule for rule in rules)
    script = "\n".join(spec["script"])
    assert f'ci gitlab --mode "$OWNIT_MODE" --codequality {REPORT}' in script


def run_template(cwd: Path, env: dict[str, str], variables: dict[str, str]) -> Any:
    """The job's script as GitLab's shell runner runs it: the job's variables, the
    pipeline's predefined ones, then the script lines."""
    spec = job()
    full = {**env, **{k: str(v) for k, v in spec["variables"].items()}, **variables}
    full["PATH"] = f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin"  # an image with ownit
    return run(cwd, full, "bash", "-e", "-c", "\n".join(spec["script"]))


def mr_branch(repo: Path, env: dict[str, str]) -> tuple[str, str]:
    base = head(repo, env)
    git(repo, env, "checkout", "-q", "-b", "feature")
    commit(repo, env, f"Add a\n\n{CO_AUTHOR}\n", {"src/a.py": TEXT})
    commit(repo, env, f"Add f\n\n{unowned('f.py', 1, 4, FP)}\n", {"f.py": TEXT})
    commit(repo, env, f"Add g\n\n{owned('g.py', 1, 4, FP)}\n", {"g.py": TEXT})
    return base, head(repo, env)


def merge_request_vars(base: str, tip: str, **extra: str) -> dict[str, str]:
    return {
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_IID": "12",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_COMMIT_SHA": tip,
        "CI_COMMIT_BEFORE_SHA": ZERO,
        "CI_DEFAULT_BRANCH": "main",
        **extra,
    }


def test_merge_request_pipeline(repo: Path, env: dict[str, str]) -> None:
    base, tip = mr_branch(repo, env)
    result = run_template(repo, env, merge_request_vars(base, tip))
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads((repo / REPORT).read_text())
    validate_codequality(report)
    assert {issue["check_name"] for issue in report} == {"ai-commit-unclaimed", "unowned-at-tip"}
    where = {issue["check_name"]: issue["location"] for issue in report}
    assert where["unowned-at-tip"] == {"path": "f.py", "lines": {"begin": 1, "end": 4}}
    assert f"ownit verify {base}..{tip} (merge request" in result.stdout
    assert "2 problems; Code Quality report: gl-code-quality-report.json" in result.stdout
    assert "ownit report" in result.stdout  # OWNIT_REPORT defaults to true
    # warn: the same report, the job passes.
    result = run_template(repo, env, merge_request_vars(base, tip, OWNIT_MODE="warn"))
    assert result.returncode == 0
    assert len(json.loads((repo / REPORT).read_text())) == 2


def test_merged_results_pipeline_checks_the_source_head(repo: Path, env: dict[str, str]) -> None:
    base, tip = mr_branch(repo, env)
    # GitLab's merge of the source into the target: CI_COMMIT_SHA is that merge.
    git(repo, env, "checkout", "-q", "main")
    git(repo, env, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    merged = head(repo, env)
    variables = merge_request_vars(base, merged, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=tip)
    result = run_template(repo, env, variables)
    assert result.returncode == 1
    assert f"ownit verify {base}..{tip}" in result.stdout


def test_default_branch_pipelines(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    bare = with_origin(repo, env)
    before = head(repo, env)
    after = commit(repo, env, f"Add g\n\n{owned('g.py', 1, 4, FP)}\n", {"g.py": TEXT})
    git(repo, env, "push", "-q", "origin", "main")
    # GitLab clones with GIT_DEPTH: 0 here; a shallow clone is completed all the same.
    work = shallow_clone(bare, tmp_path / "work", env, after)
    push = {
        "CI_PIPELINE_SOURCE": "push",
        "CI_COMMIT_BRANCH": "main",
        "CI_DEFAULT_BRANCH": "main",
        "CI_COMMIT_SHA": after,
        "CI_COMMIT_BEFORE_SHA": before,
    }
    result = run_template(work, env, push)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ownit verify {before}..{after} (push" in result.stdout
    assert json.loads((work / REPORT).read_text()) == []
    # The first pipeline of a new branch has no before commit: its tip is checked.
    result = run_template(work, env, dict(push, CI_COMMIT_BEFORE_SHA=ZERO))
    assert result.returncode == 0
    assert f"ownit verify {after} (pipeline: the first push of main" in result.stdout


def test_without_ownit_or_a_source(repo: Path, env: dict[str, str]) -> None:
    spec = job()
    full = dict(env, **{k: str(v) for k, v in spec["variables"].items()})
    full["PATH"] = "/usr/bin:/bin"  # no ownit here
    full.update(merge_request_vars(head(repo, env), head(repo, env)))
    result = run(repo, full, "bash", "-e", "-c", "\n".join(spec["script"]))
    assert result.returncode == 2
    assert result.stderr.startswith("ownit: set OWNIT_SOURCE to where ownit comes from")
    assert json.loads((repo / REPORT).read_text()) == []


def test_bad_variables_are_a_clear_error(repo: Path, env: dict[str, str]) -> None:
    result = run(repo, dict(env, CI_COMMIT_SHA="main"), OWNIT, "ci", "gitlab")
    assert result.returncode == 2
    assert "CI_COMMIT_SHA is not a commit id" in result.stdout
    assert json.loads((repo / REPORT).read_text()) == []
