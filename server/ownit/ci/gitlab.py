"""``ownit ci gitlab``: what the GitLab CI template (``ci/gitlab/ownit.gitlab-ci.yml``)
runs.

It picks the range from GitLab's predefined variables (a merge request pipeline:
``CI_MERGE_REQUEST_DIFF_BASE_SHA..`` its source branch's head; a branch pipeline:
``CI_COMMIT_BEFORE_SHA..CI_COMMIT_SHA``), makes the clone hold it, runs ``ownit verify``
and writes a Code Quality report (the merge request shows its issues in the diff), then
prints the problems and, when asked, ``ownit report`` for the range.

Exit code: verify's (0 no problems, 1 problems, 2 it could not check), with ``--mode
warn`` turning 1 into 0.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from ownit.ci import common, fetch
from ownit.ci.output import write_json
from ownit.core import ci_summary, codequality
from ownit.core.ci_range import Plan, RangeError, gitlab_plan
from ownit.core.printable import printable


def say(text: str) -> None:
    print(printable(text), flush=True)


def main(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    report_path = args.codequality
    try:
        chosen = Plan(args.range, (), "the range input") if args.range else gitlab_plan(os.environ)
        plan = fetch.prepare(cwd, chosen, say)
    except RangeError as error:
        say(f"ownit: {error}")
        write_json([], report_path)
        return common.EXIT_USAGE
    if plan.range is None:
        say(f"ownit: {plan.note}")
        write_json([], report_path)
        return 0
    say(f"ownit verify {plan.range} ({plan.note})")
    with tempfile.TemporaryDirectory(prefix="ownit-") as scratch:
        sarif_path = Path(args.sarif) if args.sarif else Path(scratch) / "ownit.sarif"
        checked = common.run_verify(cwd, plan.range, sarif_path)
    for line in checked.stderr.splitlines():
        say(line)
    write_json(codequality.build(checked.alerts), report_path)
    if checked.error is not None:
        say(f"ownit: could not check the range: {checked.error}")
        return checked.exit_code
    for line in ci_summary.log_lines(checked.alerts):
        say(line)
    count = len(checked.alerts)
    say(
        f"{count} problem{'s' if count != 1 else ''}; Code Quality report: {report_path}"
        if count
        else f"no problems; Code Quality report: {report_path}"
    )
    if args.report:
        text, stderr = common.run_report_text(cwd, plan.range)
        for line in (text + stderr).splitlines():
            say(line)
    if checked.exit_code == 1 and args.mode != "fail":
        return 0
    return checked.exit_code
