"""`ownit verify --format sarif|codequality [-o FILE]` on real repositories: SARIF checked
against the OASIS SARIF 2.1.0 schema, Code Quality against GitLab's documented fields,
alerts placed on the tip and following their code as it moves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from ownit.core.fingerprint import fingerprint
from ownit.core.sarif import CONTENT_KEY, SRCROOT
from ownit.core.verify_rules import RULES
from tests.integration.ci_helpers import (
    CO_AUTHOR,
    FP,
    TEXT,
    init_repo,
    owned,
    unowned,
    validate_codequality,
    validate_sarif,
)
from tests.support import OWNIT, commit, git, head, run

ODD = "src/a b#c:d%.py"  # a space, '#', ':' and '%' in a path: all must survive as a URI


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    return init_repo(tmp_path / "repo", env)


def verify_to(repo: Path, env: dict[str, str], fmt: str, rng: str) -> tuple[int, Any]:
    out = repo.parent / f"out.{fmt}.json"
    result = run(repo, env, OWNIT, "verify", "--format", fmt, "-o", str(out), rng)
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout == "", "with -o nothing goes to stdout"
    return result.returncode, json.loads(out.read_text("utf-8"))


def problems_repo(repo: Path, env: dict[str, str]) -> str:
    """Three problems in a range: unclaimed AI lines, AI code still unowned, a forged
    claim. Returns the base."""
    base = head(repo, env)
    commit(repo, env, f"Add odd\n\n{CO_AUTHOR}\n", {ODD: TEXT})
    commit(repo, env, f"Add f\n\n{unowned('f.py', 1, 4, FP)}\n", {"f.py": TEXT})
    commit(repo, env, f"Squash\n\n{owned('base.py', 1, 3, 'fedcba987654')}\n", {})
    return base


def lines_at(repo: Path, env: dict[str, str], path: str, first: int, last: int) -> list[str]:
    text = git(repo, env, "show", f"HEAD:{path}")
    return text.split("\n")[first - 1 : last]


def by_rule(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["ruleId"]: r for r in log["runs"][0]["results"]}


def test_sarif_validates_and_describes_every_problem(repo: Path, env: dict[str, str]) -> None:
    base = problems_repo(repo, env)
    code, log = verify_to(repo, env, "sarif", f"{base}..HEAD")
    assert code == 1
    validate_sarif(log)
    assert log["version"] == "2.1.0"
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "ownit" and driver["semanticVersion"] == driver["version"]
    assert "informationUri" not in driver
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == [rule.id for rule in RULES]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "How to fix it:" in rule["help"]["text"]
    results = by_rule(log)
    assert set(results) == {"ai-commit-unclaimed", "unowned-at-tip", "claim-mismatch"}
    tip = head(repo, env)
    for result in results.values():
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] == "error"
        assert "Fix: " in result["message"]["text"]
        assert result["properties"]["policyRule"] == "defaults"
        assert result["properties"]["fix"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == SRCROOT
    odd = results["ai-commit-unclaimed"]["locations"][0]["physicalLocation"]
    assert odd["artifactLocation"]["uri"] == "src/a%20b%23c%3Ad%25.py"
    assert odd["artifactLocation"]["uri"] == quote(ODD, safe="/")
    assert odd["region"] == {"startLine": 1, "endLine": 4}
    # The fingerprint is ownit's fingerprint of the flagged lines at the tip.
    for result in results.values():
        physical = result["locations"][0]["physicalLocation"]
        region = physical["region"]
        path = physical["artifactLocation"]["uri"]
        path = ODD if path.startswith("src/") else path
        lines = lines_at(repo, env, path, region["startLine"], region["endLine"])
        assert result["partialFingerprints"][CONTENT_KEY] == fingerprint(lines)
    (provenance,) = sarif_run["versionControlProvenance"]
    assert provenance["revisionId"] == tip
    assert provenance["repositoryUri"] == repo.as_uri()
    assert sarif_run["properties"]["range"] == f"{base}..HEAD"
    assert sarif_run["properties"]["ok"] is False
    assert sarif_run["invocations"][0]["exitCode"] == 1


def test_alerts_follow_the_code_as_it_moves(repo: Path, env: dict[str, str]) -> None:
    base = problems_repo(repo, env)
    _, before = verify_to(repo, env, "sarif", f"{base}..HEAD")
    _, quality_before = verify_to(repo, env, "codequality", f"{base}..HEAD")
    # A person adds a header to both files: the flagged code moves down by two lines.
    commit(repo, env, "Headers\n", {ODD: "# one\n# two\n" + TEXT, "f.py": "# a\n# b\n" + TEXT})
    _, after = verify_to(repo, env, "sarif", f"{base}..HEAD")
    _, quality_after = verify_to(repo, env, "codequality", f"{base}..HEAD")
    validate_sarif(after)
    for rule in ("ai-commit-unclaimed", "unowned-at-tip"):
        old, new = by_rule(before)[rule], by_rule(after)[rule]
        assert old["partialFingerprints"] == new["partialFingerprints"]
        region = new["locations"][0]["physicalLocation"]["region"]
        assert region == {"startLine": 3, "endLine": 6}, rule
        assert new["properties"]["atTip"] is True
    # The commit said lines 1-4: the alert shows where they are now, and says so.
    assert by_rule(after)["ai-commit-unclaimed"]["properties"]["linesInCommit"] == "1-4"
    validate_codequality(quality_after)
    assert {i["fingerprint"] for i in quality_before} == {i["fingerprint"] for i in quality_after}
    lines = {i["check_name"]: i["location"]["lines"] for i in quality_after}
    assert lines["unowned-at-tip"] == {"begin": 3, "end": 6}


def test_codequality_report(repo: Path, env: dict[str, str]) -> None:
    base = problems_repo(repo, env)
    code, report = verify_to(repo, env, "codequality", f"{base}..HEAD")
    assert code == 1
    validate_codequality(report)
    issues = {issue["check_name"]: issue for issue in report}
    assert set(issues) == {"ai-commit-unclaimed", "unowned-at-tip", "claim-mismatch"}
    assert issues["claim-mismatch"]["severity"] == "critical"
    assert issues["unowned-at-tip"]["severity"] == "major"
    assert issues["ai-commit-unclaimed"]["location"]["path"] == ODD
    assert "Fix: " in issues["unowned-at-tip"]["description"]


def test_a_clean_range_and_info_notes(repo: Path, env: dict[str, str]) -> None:
    base = head(repo, env)
    # An owned claim for lines 1-4 whose code sits at 3-6: verify says so (info).
    commit(repo, env, f"Add g\n\n{owned('g.py', 1, 4, FP)}\n", {"g.py": "# a\n# b\n" + TEXT})
    code, log = verify_to(repo, env, "sarif", f"{base}..HEAD")
    assert code == 0
    validate_sarif(log)
    (sarif_run,) = log["runs"]
    assert sarif_run["results"] == []
    (note,) = sarif_run["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "claim-moved" and note["level"] == "note"
    code, report = verify_to(repo, env, "codequality", f"{base}..HEAD")
    assert (code, report) == (0, [])


def test_repository_uri_carries_no_credentials(repo: Path, env: dict[str, str]) -> None:
    base = problems_repo(repo, env)
    url = "https://gitlab-ci-token:s3cr3t-t0ken@gitlab.example.com/group/app.git"
    git(repo, env, "remote", "add", "origin", url)
    _, log = verify_to(repo, env, "sarif", f"{base}..HEAD")
    (provenance,) = log["runs"][0]["versionControlProvenance"]
    assert provenance["repositoryUri"] == "https://gitlab.example.com/group/app.git"
    assert "s3cr3t" not in json.dumps(log)


def test_json_and_text_unchanged(repo: Path, env: dict[str, str]) -> None:
    base = problems_repo(repo, env)
    old = run(repo, env, OWNIT, "verify", "--json", f"{base}..HEAD")
    new = run(repo, env, OWNIT, "verify", "--format", "json", f"{base}..HEAD")
    assert old.returncode == new.returncode == 1
    assert json.loads(old.stdout) == json.loads(new.stdout)
    assert set(json.loads(old.stdout)) >= {"range", "base", "tip", "ok", "findings", "info"}
    # -o FILE takes the text too.
    out = repo.parent / "verify.txt"
    text = run(repo, env, OWNIT, "verify", "-o", str(out), f"{base}..HEAD")
    assert text.returncode == 1 and text.stdout == ""
    assert "3 problems" in out.read_text()
    both = run(repo, env, OWNIT, "verify", "--json", "--format", "sarif", f"{base}..HEAD")
    assert both.returncode == 2
    assert both.stderr.strip() == "ownit: give either --json or --format sarif, not both"
    nowhere = run(repo, env, OWNIT, "verify", "--format", "sarif", "-o", "/nonexistent/x", "HEAD")
    assert nowhere.returncode == 2
    assert nowhere.stderr.startswith("ownit: cannot write /nonexistent/x: ")
    assert len(nowhere.stderr.strip().splitlines()) == 1
