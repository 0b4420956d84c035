"""action.yml's structure: valid against the GitHub action metadata schema (SchemaStore's,
as check-jsonschema ships it), composite, every input used and defined, every step
output it reads written by an earlier step, and the script call one ownit accepts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ownit.cli import build_parser

ACTION = Path(__file__).parents[2] / "action.yml"
# What `ownit ci github` writes to GITHUB_OUTPUT, and what the step's shell adds.
SCRIPT_OUTPUTS = {"exit-code", "problems", "sarif-file", "owned-share", "unowned-at-tip", "range"}


def load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text())
    return data


def expressions(node: object) -> list[str]:
    if isinstance(node, str):
        return [m.strip() for m in re.findall(r"\$\{\{(.*?)\}\}", node)]
    if isinstance(node, dict):
        return [e for value in node.values() for e in expressions(value)]
    if isinstance(node, list):
        return [e for value in node for e in expressions(value)]
    return []


def test_valid_composite_action() -> None:
    import jsonschema
    from check_jsonschema.builtin_schemas import get_builtin_schema

    action = load()
    jsonschema.Draft7Validator(get_builtin_schema("vendor.github-actions")).validate(action)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"range", "mode", "sarif", "report", "python-version"}
    for step in action["runs"]["steps"]:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step["shell"] == "bash"
        else:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"]), step["uses"]


def test_inputs_and_step_outputs_are_consistent() -> None:
    action = load()
    steps = action["runs"]["steps"]
    used_inputs: set[str] = set()
    seen_ids: list[str] = []
    written: dict[str, set[str]] = {
        "python": {"python-path"},
        "install": {"ownit"},
        "verify": SCRIPT_OUTPUTS | {"code"},
    }
    for step in steps:
        for expr in expressions(step):
            for name in re.findall(r"inputs\.([\w-]+)", expr):
                assert name in action["inputs"], f"{name} is not an input"
                used_inputs.add(name)
            for step_id, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
                assert step_id in seen_ids, f"{step_id} is read before it runs"
                assert output in written[step_id], f"{step_id} does not write {output}"
        if "id" in step:
            seen_ids.append(step["id"])
    assert used_inputs == set(action["inputs"]), "every input is used"
    for name, spec in action["outputs"].items():
        (expr,) = expressions(spec["value"])
        assert expr == f"steps.verify.outputs.{name}"
        assert name in SCRIPT_OUTPUTS


def test_steps_install_from_the_checkout_and_call_the_script() -> None:
    steps = {step.get("id", step["name"]): step for step in load()["runs"]["steps"]}
    install = steps["install"]
    assert install["env"]["OWNIT_SOURCE"] == "${{ github.action_path }}"
    assert 'pip install --quiet --disable-pip-version-check "$OWNIT_SOURCE"' in install["run"]
    verify = steps["verify"]
    assert "ci github --mode" in verify["run"] and '"$OWNIT" "${args[@]}"' in verify["run"]
    upload = steps["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "inputs.sarif == 'true'" in upload["if"] and "always()" in upload["if"]
    # Every option the step can pass is one `ownit ci github` accepts.
    args = build_parser(["ci"]).parse_args(
        ["ci", "github", "--mode", "warn", "--sarif", "x.sarif", "--range", "a..b", "--no-report"]
    )
    assert (args.mode, args.sarif, args.range, args.report) == ("warn", "x.sarif", "a..b", False)
