"""``ownit ci github``: what the GitHub Action (``action.yml``) runs.

It reads the event GitHub describes (``GITHUB_EVENT_NAME``, ``GITHUB_EVENT_PATH``),
picks the range (a pull request's ``base..head``, a push's ``before..after``), makes the
clone hold it, runs ``ownit verify`` with SARIF output (and ``ownit report`` for the
numbers), then prints the problems, one ``::error`` annotation per problem, appends a
Markdown summary to ``GITHUB_STEP_SUMMARY`` and writes its outputs to ``GITHUB_OUTPUT``.
Everything read from the repository is printed between ``::stop-commands::`` markers, so
no commit subject or path can pass for a workflow command.

Exit code: verify's (0 no problems, 1 problems, 2 it could not check), with ``--mode
warn`` turning 1 into 0.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ownit.ci import common, fetch
from ownit.core import ci_summary
from ownit.core import workflow_commands as wc
from ownit.core.alerts import ERROR
from ownit.core.ci_range import Plan, RangeError, github_plan
from ownit.core.printable import printable


def _payload(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        raise RangeError(
            "GITHUB_EVENT_PATH is not set: this runs inside GitHub Actions"
            " (elsewhere: --range A..B)"
        )
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise RangeError(f"cannot read the event payload {path}: {error}") from None
    if not isinstance(data, dict):
        raise RangeError(f"the event payload {path} is not a JSON object")
    return data


def choose_plan(args: argparse.Namespace, env: Mapping[str, str]) -> Plan:
    if args.range:
        return Plan(args.range, (), "the range input")
    return github_plan(env.get("GITHUB_EVENT_NAME", ""), _payload(env))


def _append(path: str | None, text: str) -> None:
    if not path:
        return
    try:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        print(f"ownit: cannot write {path}: {error.strerror or error}", file=sys.stderr)


def outputs_text(values: Mapping[str, str]) -> str:
    """``GITHUB_OUTPUT`` lines: ``name<<DELIMITER``, the value, the delimiter (a value
    cannot end the block early: the delimiter is random)."""
    out = []
    for name, value in values.items():
        delimiter = f"ownit_{secrets.token_hex(8)}"
        out.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(out)


def main(args: argparse.Namespace) -> int:
    env = os.environ
    cwd = Path.cwd()
    failing = args.mode == "fail"
    sarif_path = Path(args.sarif or Path(env.get("RUNNER_TEMP") or ".") / "ownit.sarif")
    token = wc.new_token()
    outputs: dict[str, str] = {"sarif-file": str(sarif_path), "problems": "0"}
    report: dict[str, Any] | None = None
    checked: common.Checked | None = None
    where = ""

    def say(text: str) -> None:
        print(printable(text))

    print(wc.stop_commands(token), flush=True)
    try:
        try:
            plan = fetch.prepare(cwd, choose_plan(args, env), say)
        except RangeError as error:
            checked = common.Checked(common.EXIT_USAGE, error=str(error))
            plan = None
        if plan is not None and plan.range is None:
            say(f"ownit: {plan.note}")
            _append(env.get("GITHUB_STEP_SUMMARY"), f"## ownit verify\n\n{plan.note}.\n")
            outputs["exit-code"] = "0"
            _append(env.get("GITHUB_OUTPUT"), outputs_text(outputs))
            return 0
        if plan is not None and plan.range is not None:
            where = plan.note
            say(f"ownit verify {plan.range} ({plan.note})")
            checked = common.run_verify(cwd, plan.range, sarif_path)
            for line in checked.stderr.splitlines():
                say(line)
            for line in ci_summary.log_lines(checked.alerts):
                say(line)
            if checked.error is None and args.report:
                report, stderr = common.run_report_json(cwd, plan.range)
                for line in stderr.splitlines():
                    say(line)
    finally:
        print(wc.resume_commands(token), flush=True)
    assert checked is not None
    if checked.error is not None:
        print(wc.command("error", checked.error, title="ownit: could not check the range"))
    else:
        level = ERROR if failing else "warning"
        for line in wc.annotation_lines(checked.alerts, level=level):
            print(line)
    code = checked.exit_code
    if code == 1 and not failing:
        code = 0
    text = ci_summary.summary(
        checked.run,
        checked.alerts,
        exit_code=checked.exit_code,
        failing=failing,
        report=report,
        error=checked.error,
        where=where,
    )
    _append(env.get("GITHUB_STEP_SUMMARY"), text)
    outputs["exit-code"] = str(code)
    outputs["problems"] = str(len(checked.alerts))
    if report is not None:
        lines = report.get("lines") if isinstance(report.get("lines"), dict) else {}
        share = (lines or {}).get("ownedShare")
        outputs["owned-share"] = "" if share is None else str(share)
        outputs["unowned-at-tip"] = str(len(report.get("unownedAtTip") or []))
    if checked.run.get("range"):
        outputs["range"] = str(checked.run["range"])
    _append(env.get("GITHUB_OUTPUT"), outputs_text(outputs))
    return code
