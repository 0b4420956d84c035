"""Help texts shared by the verbs' parsers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ownit.exits import UsageError

# The help of --json, the same for every verb that has it.
JSON_HELP = "print one JSON document on stdout instead of text"


def doc_description(doc: str | None) -> str | None:
    """A verb module's docstring without its first paragraph (the one-line summary, which
    is the verb's help in the list), for ``description=``."""
    if not doc:
        return None
    parts = doc.split("\n\n", 1)
    return parts[1] if len(parts) > 1 else None


def missing_action(
    parser: argparse.ArgumentParser, message: str
) -> Callable[[argparse.Namespace], int]:
    """The handler of a verb given without its action (`ownit policy`): its usage on
    stderr, then ``message`` as a usage error."""

    def run(_: argparse.Namespace) -> int:
        parser.print_usage(sys.stderr)
        raise UsageError(message)

    return run
