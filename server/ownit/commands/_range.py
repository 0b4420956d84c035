"""What the verbs over a range of commits (verify, report, attest) share: the policy they
check under, its problems said on stderr when it is not valid."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ownit.core.printable import printable
from ownit.exits import UsageError

if TYPE_CHECKING:
    from ownit.git.range_reads import PolicyAt, PolicyRead


def add_range_parser(
    subparsers: Any, name: str, *, help: str, doc: str | None, range_help: str
) -> argparse.ArgumentParser:
    """The parser of a verb over a range of commits: its help, its module docstring (after
    the usage line) as the description, kept as written, and the optional REV-RANGE."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=help,
        description=doc.split("\n", 2)[2] if doc else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("range", nargs="?", metavar="REV-RANGE", help=range_help)
    return parser


def policy_of(job: PolicyRead) -> PolicyAt:
    """The policy ``job`` read; one that is not valid: each problem on stderr, then a
    :class:`UsageError` saying where to fix it."""
    from ownit.git.range_reads import PolicyAtError

    try:
        return job.result()
    except PolicyAtError as error:
        for problem in error.problems:
            print(printable(str(problem)), file=sys.stderr)
        raise UsageError(str(error)) from None


def warner(verb: str) -> Callable[[str], None]:
    """A ``warn`` for the checks of a range: each message on stderr as ``ownit VERB: …``."""

    def warn(message: str) -> None:
        print(f"ownit {verb}: {printable(message)}", file=sys.stderr)

    return warn
