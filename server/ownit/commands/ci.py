"""`ownit ci github|gitlab`: the scripts the GitHub Action and the GitLab CI template run.

Each reads the range from the CI service's event (or ``--range``), makes the clone hold
it (a shallow clone is completed once), runs ``ownit verify`` (and ``ownit report``),
and shows the result where the service shows it: annotations, a job summary, SARIF for
code scanning and step outputs on GitHub; a Code Quality report and the log on GitLab.
Exit 0: no problems (or ``--mode warn``); 1: problems; 2: the range could not be checked.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ci",
        help="run verify in GitHub Actions or GitLab CI (what action.yml and the template run)",
        description=__doc__.split("\n", 2)[2] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    services = parser.add_subparsers(dest="service", metavar="SERVICE", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--range", metavar="REV-RANGE", help="check this range instead of the event's"
        )
        sub.add_argument(
            "--mode",
            choices=("fail", "warn"),
            default="fail",
            help="fail (default): problems fail the job; warn: they are reported only",
        )
        sub.add_argument(
            "--report",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="add ownit report's numbers (owned share, owners, unowned at the tip)",
        )

    github = services.add_parser(
        "github",
        help="for GitHub Actions: annotations, job summary, SARIF, step outputs",
        description="Run inside a GitHub Actions job (reads GITHUB_EVENT_NAME, "
        "GITHUB_EVENT_PATH; writes GITHUB_STEP_SUMMARY, GITHUB_OUTPUT).",
    )
    common(github)
    github.add_argument(
        "--sarif", metavar="FILE", help="where the SARIF goes (default $RUNNER_TEMP/ownit.sarif)"
    )
    github.set_defaults(handler=_github)

    gitlab = services.add_parser(
        "gitlab",
        help="for GitLab CI: a Code Quality report and the log",
        description="Run inside a GitLab CI job (reads CI_PIPELINE_SOURCE, CI_COMMIT_SHA, "
        "CI_COMMIT_BEFORE_SHA, CI_MERGE_REQUEST_DIFF_BASE_SHA, ...).",
    )
    common(gitlab)
    gitlab.add_argument(
        "--codequality",
        metavar="FILE",
        default="gl-code-quality-report.json",
        help="the Code Quality report (default gl-code-quality-report.json)",
    )
    gitlab.add_argument("--sarif", metavar="FILE", help="also keep the SARIF log here")
    gitlab.set_defaults(handler=_gitlab)


def _github(args: argparse.Namespace) -> int:
    from ownit.ci import github

    return github.main(args)


def _gitlab(args: argparse.Namespace) -> int:
    from ownit.ci import gitlab

    return gitlab.main(args)
