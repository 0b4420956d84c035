"""What the verbs over a range of commits (verify, report, attest) share: the policy they
check under, its problems said on stderr when it is not valid."""

from __future__ import annotations

import sys
from collections.abc import Callable

from ownit.core.printable import printable
from ownit.exits import UsageError
from ownit.git.range_reads import PolicyAt, PolicyAtError, PolicyRead


def policy_of(job: PolicyRead) -> PolicyAt:
    """The policy ``job`` read; one that is not valid: each problem on stderr, then a
    :class:`UsageError` saying where to fix it."""
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
