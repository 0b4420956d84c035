"""`ownit ci github` (what action.yml runs) against real repositories, with the
environment GitHub Actions sets: the event payload of a pull request or a push, the step
summary and output files, a shallow checkout to complete."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.integration.ci_helpers import (
    CO_AUTHOR,
    FP,
    TEXT,
    init_repo,
    owned,
    shallow_clone,
    unowned,
    validate_sarif,
    with_origin,
)
from tests.support import OWNIT, commit, git, head, run

ODD = "src/a b,c:d%.py"  # ',' ':' and '%' must be escaped in an annotation's file=
ZERO = "0" * 40


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    return init_repo(tmp_path / "repo", env)


def pr_branch(repo: Path, env: dict[str, str]) -> tuple[str, str]:
    """A pull request branch with three problems and one owned claim; (base, head)."""
    base = head(repo, env)
    git(repo, env, "checkout", "-q", "-b", "feature")
    commit(repo, env, f"Add odd\n\n{CO_AUTHOR}\n", {ODD: TEXT})
    commit(repo, env, f"Add f\n\n{unowned('f.py', 1, 4, FP)}\n", {"f.py": TEXT})
    commit(repo, env, f"Add g\n\n{owned('g.py', 1, 4, FP)}\n", {"g.py": TEXT})
    # A subject that looks like a workflow command must not act as one.
    forged = f"::error file=x::forged\n\n{owned('base.py', 1, 3, 'fedcba987654')}\n"
    commit(repo, env, forged, {})
    return base, head(repo, env)


def pull_request_payload(base: str, tip: str) -> dict[str, Any]:
    # The fields GitHub sends that matter here, in their real places.
    return {
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "head": {"ref": "feature", "sha": tip, "repo": {"full_name": "acme/app"}},
            "base": {"ref": "main", "sha": base, "repo": {"full_name": "acme/app"}},
            "commits": 4,
        },
        "repository": {"full_name": "acme/app", "default_branch": "main"},
    }


def push_payload(before: str, after: str, ref: str = "refs/heads/main") -> dict[str, Any]:
    return {
        "ref": ref,
        "before": before,
        "after": after,
        "created": before == ZERO,
        "deleted": after == ZERO,
        "forced": False,
        "repository": {"full_name": "acme/app", "default_branch": "main"},
        "head_commit": {"id": after},
    }


def github_env(
    env: dict[str, str], tmp: Path, event: str, payload: dict[str, Any], workspace: Path
) -> dict[str, str]:
    tmp.mkdir(exist_ok=True)
    (tmp / "event.json").write_text(json.dumps(payload))
    (tmp / "summary.md").write_text("")
    (tmp / "output.txt").write_text("")
    return dict(
        env,
        GITHUB_ACTIONS="true",
        GITHUB_EVENT_NAME=event,
        GITHUB_EVENT_PATH=str(tmp / "event.json"),
        GITHUB_STEP_SUMMARY=str(tmp / "summary.md"),
        GITHUB_OUTPUT=str(tmp / "output.txt"),
        GITHUB_WORKSPACE=str(workspace),
        RUNNER_TEMP=str(tmp),
    )


def outputs(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner reads it (``name<<DELIMITER`` blocks)."""
    found: dict[str, str] = {}
    lines = path.read_text().split("\n")
    at = 0
    while at < len(lines):
        line = lines[at]
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, at + 1)
            found[name] = "\n".join(lines[at + 1 : end])
            at = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            found[name] = value
            at += 1
        else:
            at += 1
    return found


def unescape_property(value: str) -> str:
    for escaped, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r")):
        value = value.replace(escaped, char)
    return value.replace("%25", "%")


def commands_outside_stop(stdout: str) -> list[str]:
    """The lines the runner would read as workflow commands: those starting with ``::``,
    except between ``::stop-commands::TOKEN`` and ``::TOKEN::``."""
    active: list[str] = []
    token: str | None = None
    for line in stdout.splitlines():
        stripped = line.lstrip()
        if token is not None:
            if stripped == f"::{token}::":
                token = None
            continue
        if stripped.startswith("::stop-commands::"):
            token = stripped.removeprefix("::stop-commands::")
            continue
        if stripped.startswith("::"):
            active.append(stripped)
    assert token is None, "commands were stopped and never resumed"
    return active


def ci_github(cwd: Path, env: dict[str, str], *args: str) -> Any:
    result = run(cwd, env, OWNIT, "ci", "github", *args)
    assert "Traceback" not in result.stdout
    return result


def test_pull_request_problems(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    with_origin(repo, env)
    base, tip = pr_branch(repo, env)
    genv = github_env(env, tmp_path / "gh", "pull_request", pull_request_payload(base, tip), repo)
    result = ci_github(repo, genv)
    assert result.returncode == 1, result.stdout + result.stderr
    commands = commands_outside_stop(result.stdout)
    # One ::error per problem, nothing else: the forged subject stayed inert.
    assert len(commands) == 3, commands
    assert all(c.startswith("::error file=") for c in commands)
    odd = next(c for c in commands if "ai-commit-unclaimed" in c)
    props = dict(p.split("=", 1) for p in odd.split(" ", 1)[1].split("::", 1)[0].split(","))
    assert unescape_property(props["file"]) == ODD
    assert (props["line"], props["endLine"]) == ("1", "4")
    assert unescape_property(props["title"]) == "ownit: ai-commit-unclaimed"
    assert "%0AFix: " in odd  # the fix is on a line of its own in the annotation
    # The log shows each problem and its fix (inside the stopped block).
    assert "unowned-at-tip" in result.stdout and "fix: ownit claim" in result.stdout
    found = outputs(tmp_path / "gh" / "output.txt")
    assert found["exit-code"] == "1" and found["problems"] == "3"
    assert found["range"] == f"{base}..{tip}"
    assert found["unowned-at-tip"] == "1"
    assert 0 < float(found["owned-share"]) < 1
    sarif = json.loads(Path(found["sarif-file"]).read_text())
    validate_sarif(sarif)
    assert len(sarif["runs"][0]["results"]) == 3
    summary = (tmp_path / "gh" / "summary.md").read_text()
    assert summary.startswith("## ownit verify: ❌ 3 problems")
    # Claims as judged (the report's view): g.py's 4 lines owned; base.py's forged claim
    # (3 lines) owns nothing and counts as invalid; of 15 AI lines.
    assert "| owned share | 27% (4 of 15 AI-written lines) |" in summary, summary
    assert "| unowned at the tip | 1 region |" in summary
    assert "### Problems" in summary and "### Owners" in summary
    assert "dev@example.com" in summary
    assert "| f.py:1-4 | unowned-at-tip |" in summary
    assert "&lt;noreply@anthropic.com>" in summary  # no HTML from repository data


def test_warn_mode_and_no_report(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    with_origin(repo, env)
    base, tip = pr_branch(repo, env)
    genv = github_env(env, tmp_path / "gh", "pull_request", pull_request_payload(base, tip), repo)
    result = ci_github(repo, genv, "--mode", "warn", "--no-report")
    assert result.returncode == 0
    commands = commands_outside_stop(result.stdout)
    assert len(commands) == 3 and all(c.startswith("::warning file=") for c in commands)
    found = outputs(tmp_path / "gh" / "output.txt")
    assert found["exit-code"] == "0" and found["problems"] == "3"
    assert "owned-share" not in found
    summary = (tmp_path / "gh" / "summary.md").read_text()
    assert "mode: warn" in summary and "### Owners" not in summary


def test_shallow_checkout_is_completed(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    bare = with_origin(repo, env)
    base, tip = pr_branch(repo, env)
    git(repo, env, "push", "-q", "origin", "feature")
    # Checked out as actions/checkout does by default: the head commit only.
    work = shallow_clone(bare, tmp_path / "work", env, tip)
    genv = github_env(env, tmp_path / "gh", "pull_request", pull_request_payload(base, tip), work)
    result = ci_github(work, genv)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "the clone is shallow" in result.stdout
    assert git(work, env, "rev-parse", "--is-shallow-repository").strip() == "false"
    sarif = json.loads((tmp_path / "gh" / "ownit.sarif").read_text())
    # Exactly the pull request's four commits were judged, not the base's history.
    assert sarif["runs"][0]["properties"]["commits"] == 4
    assert len(sarif["runs"][0]["results"]) == 3


def test_push_ranges(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    with_origin(repo, env)
    before = head(repo, env)
    after = commit(repo, env, f"Add f\n\n{unowned('f.py', 1, 4, FP)}\n", {"f.py": TEXT})
    git(repo, env, "push", "-q", "origin", "main")
    genv = github_env(env, tmp_path / "push", "push", push_payload(before, after), repo)
    result = ci_github(repo, genv)
    assert result.returncode == 1
    assert outputs(tmp_path / "push" / "output.txt")["range"] == f"{before}..{after}"
    # A new branch (before is all zeros): its commits that are not on the default branch.
    git(repo, env, "checkout", "-q", "-b", "topic")
    topic = commit(repo, env, f"Add h\n\n{owned('h.py', 1, 4, FP)}\n", {"h.py": TEXT})
    git(repo, env, "push", "-q", "origin", "topic")
    payload = push_payload(ZERO, topic, "refs/heads/topic")
    genv = github_env(env, tmp_path / "new", "push", payload, repo)
    result = ci_github(repo, genv)
    found = outputs(tmp_path / "new" / "output.txt")
    assert found["range"] == f"refs/remotes/origin/main...{topic}"
    # main's unowned f.py is not the topic branch's doing: only its own commit counts.
    assert result.returncode == 0, result.stdout
    # A deleted branch: nothing to check.
    genv = github_env(env, tmp_path / "del", "push", push_payload(topic, ZERO), repo)
    result = ci_github(repo, genv)
    assert result.returncode == 0
    assert "nothing to check" in (tmp_path / "del" / "summary.md").read_text()


def test_a_force_push_whose_before_is_gone(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    with_origin(repo, env)
    git(repo, env, "checkout", "-q", "-b", "topic")
    tip = commit(repo, env, f"Add h\n\n{owned('h.py', 1, 4, FP)}\n", {"h.py": TEXT})
    gone = "1234567890abcdef1234567890abcdef12345678"
    payload = push_payload(gone, tip, "refs/heads/topic")
    genv = github_env(env, tmp_path / "forced", "push", payload, repo)
    result = ci_github(repo, genv)
    assert result.returncode == 0, result.stdout
    found = outputs(tmp_path / "forced" / "output.txt")
    assert found["range"] == f"refs/remotes/origin/main...{tip}"
    assert f"{gone} is not in the clone" in result.stdout


def test_events_without_a_range(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    genv = github_env(env, tmp_path / "wd", "workflow_dispatch", {"inputs": {}}, repo)
    result = ci_github(repo, genv)
    assert result.returncode == 2
    (command,) = commands_outside_stop(result.stdout)
    assert command.startswith("::error title=ownit%3A could not check the range::")
    assert "give the range input" in command
    assert outputs(tmp_path / "wd" / "output.txt")["exit-code"] == "2"
    summary = (tmp_path / "wd" / "summary.md").read_text()
    assert summary.startswith("## ownit verify: could not check the range")
    # The range input works for any event.
    commit(repo, env, f"Add f\n\n{unowned('f.py', 1, 4, FP)}\n", {"f.py": TEXT})
    result = ci_github(repo, genv, "--range", "HEAD~1..HEAD")
    assert result.returncode == 1
    # A payload that is not what GitHub sends is a clear error, not a crash.
    bad = pull_request_payload("not-a-sha", "HEAD")
    genv = github_env(env, tmp_path / "bad", "pull_request", bad, repo)
    result = ci_github(repo, genv)
    assert result.returncode == 2
    assert "pull_request.base.sha is not a commit id" in result.stdout


def test_the_action_steps_run_the_script(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    """action.yml's own shell steps (all but the install, whose ownit is this venv's),
    with their ``${{ }}`` expressions filled in as the runner would."""
    import yaml

    with_origin(repo, env)
    base, tip = pr_branch(repo, env)
    action = yaml.safe_load((Path(__file__).parents[2] / "action.yml").read_text())
    steps = {step.get("id") or step["name"]: step for step in action["runs"]["steps"]}
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    step_outputs: dict[str, dict[str, str]] = {"install": {"ownit": OWNIT}}

    def expand(value: str) -> str:
        def one(match: re.Match[str]) -> str:
            expr = match.group(1).strip()
            if expr.startswith("inputs."):
                return str(inputs[expr.removeprefix("inputs.")])
            if expr.startswith("steps."):
                step, _, name = expr.removeprefix("steps.").split(".", 2)
                return step_outputs.get(step, {}).get(name, "")
            if expr == "github.workspace":
                return str(repo)
            raise AssertionError(f"unexpected expression {expr}")

        return re.sub(r"\$\{\{(.*?)\}\}", one, value)

    def run_step(key: str, gh: Path) -> Any:
        step = steps[key]
        genv = github_env(env, gh, "pull_request", pull_request_payload(base, tip), repo)
        genv.update({k: expand(str(v)) for k, v in step.get("env", {}).items()})
        cwd = Path(expand(step.get("working-directory", str(repo))))
        result = run(cwd, genv, "bash", "-e", "-c", step["run"])
        step_outputs[key] = outputs(gh / "output.txt")
        return result

    for mode, expected in (("fail", 1), ("warn", 0)):
        inputs["mode"] = mode
        verify = run_step("verify", tmp_path / f"verify-{mode}")
        assert verify.returncode == 0, verify.stderr  # the SARIF upload still runs
        assert step_outputs["verify"]["code"] == str(expected)
        assert step_outputs["verify"]["exit-code"] == str(expected)
        assert Path(step_outputs["verify"]["sarif-file"]).is_file()
        final = run_step("Fail per the policy", tmp_path / f"final-{mode}")
        assert final.returncode == expected
