"""`ownit hook <name> [ARGS...]`: what the installed git hooks run (not for people)."""

from __future__ import annotations

import argparse
from typing import Any

HOOK_NAMES = ("prepare-commit-msg", "commit-msg", "post-commit")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "hook", help="run one of ownit's git hooks (git calls this; see `ownit hooks`)"
    )
    parser.add_argument("name", choices=HOOK_NAMES)
    parser.add_argument("hook_args", nargs=argparse.REMAINDER, metavar="ARGS")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit.git.hook_runner import run as run_hook

    return run_hook(args.name, list(args.hook_args))
