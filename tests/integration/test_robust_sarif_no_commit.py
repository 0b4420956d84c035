"""`ownit verify --all --format sarif` before the first commit: a valid SARIF 2.1.0 log
(checked against the OASIS schema) whose run says there is no tip (`null`, as `--json`
says it), never an empty commit id."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.ci_helpers import validate_sarif
from tests.integration.store_harness import git_run, ownit


def test_sarif_before_the_first_commit_has_a_null_tip(tmp_path: Path, env: dict[str, str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    assert git_run(repo, env, "init", "-q", "-b", "main").returncode == 0
    done = ownit(repo, env, "verify", "--all", "--format", "sarif", check=True)
    log = json.loads(done.stdout)
    validate_sarif(log)
    (run,) = log["runs"]
    assert run["properties"]["tip"] is None, run["properties"]
    assert run["properties"]["base"] is None
    assert run["results"] == []
    assert "versionControlProvenance" not in run
    as_json = json.loads(ownit(repo, env, "verify", "--all", "--json", check=True).stdout)
    assert as_json["tip"] is run["properties"]["tip"]
