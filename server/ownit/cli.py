"""The `ownit` command line (docs/cli.md). Exit codes: 0 fine, 1 policy says no, 2 usage/input.

Each verb lives in ``ownit/commands/<verb>.py`` with ``add_parser(subparsers)``; modules
import their heavy dependencies inside their handlers so `ownit lsp` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from ownit import __version__
from ownit.core.printable import printable

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_USAGE = 2

# `ownit --help` lists these first, in this order; any other module in ownit/commands/
# (not starting with "_") is a verb too, listed after them alphabetically. A new verb is a
# new module: nothing to register here.
PREFERRED_ORDER = (
    "init",
    "doctor",
    "lsp",
    "status",
    "mark",
    "claim",
    "dismiss",
    "hooks",
    "trailers",
    "verify",
    "blame",
    "checkpoint",
    "agent",
    "policy",
    "report",
    "demo",
)


def command_modules() -> list[str]:
    # A listing of the package folder (pkgutil would import inspect & co. on every hook).
    folder = os.path.join(os.path.dirname(__file__), "commands")
    names = {
        entry[:-3]
        for entry in os.listdir(folder)
        if entry.endswith(".py") and not entry.startswith("_")
    }
    first = [name for name in PREFERRED_ORDER if name in names]
    return first + sorted(names - set(first))


class UsageError(Exception):
    """Bad arguments or input: printed as `ownit: <message>`, exit 2."""


def _columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` tells it (``COLUMNS``,
    then stdout's terminal, else 80), without importing shutil and the compression
    modules it pulls in on every hook and agent checkpoint."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"ownit: {message}\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # as argparse's own, with the width it would find (it subtracts 2 as well)
        return self.formatter_class(prog=self.prog, width=_columns() - 2)  # type: ignore[call-arg]


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="ownit", description="Own the AI-written code you ship.")
    parser.add_argument("--version", action="version", version=f"ownit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in command_modules() if modules is None else modules:
        module = importlib.import_module(f"ownit.commands.{name}")
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    verb = arguments[0] if arguments else ""
    # Hooks run `ownit <verb>` inside other tools (git, agents): import only that verb's
    # module when it is named like one; everything else builds the whole parser.
    only = [verb] if verb in command_modules() else None
    parser = build_parser(only)
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        try:
            result: int = handler(args)
        finally:
            # A progress line (ownit/progress.py, imported by the commands that show one)
            # is cleared before any error message: they never share a line.
            shown = sys.modules.get("ownit.progress")
            if shown is not None:
                shown.finish()
    except UsageError as error:
        print(f"ownit: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # The store's errors say what is wrong and what to do: one line, exit 2, never a
        # traceback. (Imported here: a verb that never touched the store never pays.)
        from ownit.store import StoreError

        if not isinstance(error, StoreError):
            raise
        print(f"ownit: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    return result


def print_notices(notices: Sequence[str]) -> None:
    """What a session noted for the user (a store moved aside or recreated): stderr."""
    for notice in notices:
        print(f"ownit: {printable(notice)}", file=sys.stderr, flush=True)
