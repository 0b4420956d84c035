"""`ownit hook <name> [ARGS...]`: what the installed git hooks run (not for people).

Git runs each hook with its own arguments, passed on as they are: ``prepare-commit-msg
MSG-FILE [SOURCE [COMMIT]]`` writes ownit's trailers for the staged AI-written lines into
the message; ``commit-msg MSG-FILE`` keeps them in the final message and applies the
policy's commit gate (exit 1: the commit is refused); ``post-commit`` records which claims
the commit carried. A hook never stops a commit because ownit itself failed: the error is
one line on stderr and the commit goes on (``OWNIT_DEBUG=1`` shows the traceback).
Install them with ``ownit hooks install``."""

from __future__ import annotations

import argparse
from typing import Any

from ownit.commands._help import doc_description
from ownit.commit import HOOK_NAMES


def add_parser(subparsers: Any) -> None:
    # No help=: a verb for git, not for people, so `ownit --help` does not list it (next
    # to `hooks`, which is the one people want); it works all the same.
    parser = subparsers.add_parser(
        "hook",
        description=doc_description(__doc__),
        usage=f"ownit hook {{{','.join(HOOK_NAMES)}}} [ARGS...]",
    )
    parser.add_argument("name", choices=HOOK_NAMES, help="the git hook to run")
    parser.add_argument(
        "hook_args",
        nargs=argparse.REMAINDER,
        metavar="ARGS",
        help="the hook's arguments, as git gives them",
    )
    parser.set_defaults(handler=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    # ARGS takes everything after the name, `--help` too (git never passes options).
    if args.hook_args[:1] in (["-h"], ["--help"]):
        args.parser.print_help()
        return 0
    from ownit.commit.runner import run as run_hook

    return run_hook(args.name, list(args.hook_args))
