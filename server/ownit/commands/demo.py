"""`ownit demo`: a real end-to-end walkthrough on a throw-away repository."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="walk through ownit end to end in a temp repo")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ownit.demo import run_demo

    return run_demo(print, keep=args.keep)
