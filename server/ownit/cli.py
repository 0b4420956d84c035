"""The `ownit` command line (docs/cli.md). Exit codes: 0 fine, 1 policy says no, 2 usage/input.

Each verb lives in ``ownit/commands/<verb>.py`` with ``add_parser(subparsers)``; modules
import their heavy dependencies inside their handlers so `ownit lsp` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from ownit import __version__
from ownit.core.printable import printable
from ownit.exits import EXIT_BROKEN_PIPE, EXIT_OK, EXIT_USAGE, UsageError

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


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's, without breaking lines inside hyphenated words (`prepare-commit-msg`)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        return textwrap.fill(
            " ".join(text.split()),
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"ownit: {printable(self._unknown_verb(message) or message)}\n")

    def _unknown_verb(self, message: str) -> str | None:
        """argparse's "invalid choice" for a verb, said with the verbs people use (not the
        hidden ones) and the nearest one."""
        import difflib

        for action in self._actions:
            if not isinstance(action, argparse._SubParsersAction):
                continue
            if not message.startswith(f"argument {action.metavar}:"):
                return None  # another argument's choices
            given = message.partition("invalid choice: ")[2].partition(" (choose from")[0]
            if not given:
                return None
            verbs = [choice.dest for choice in action._choices_actions]
            near = difflib.get_close_matches(given.strip("'"), verbs, n=1)
            hint = f"did you mean `{self.prog} {near[0]}`? " if near else ""
            return f"{given} is not a command; {hint}`{self.prog} --help` lists them"
        return None

    def format_help(self) -> str:
        # Descriptions are the modules' docstrings, written for Sphinx-style readers:
        # ``code`` reads as `code` on a terminal.
        return super().format_help().replace("``", "`")

    def format_usage(self) -> str:
        return super().format_usage().replace("``", "`")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # as argparse's own, with the width it would find (it subtracts 2 as well)
        formatter: Any = self.formatter_class  # typeshed knows only `prog`; all take width
        return formatter(prog=self.prog, width=_columns() - 2)  # type: ignore[no-any-return]


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="ownit", description="Own the AI-written code you ship.")
    parser.add_argument("--version", action="version", version=f"ownit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in command_modules() if modules is None else modules:
        module = importlib.import_module(f"ownit.commands.{name}")
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            result = _main(argv)
        except SystemExit as done:  # argparse's --help, --version and usage errors
            if done.code is not None and not isinstance(done.code, int):
                raise
            result = done.code or EXIT_OK
        if not sys.stdout.closed:  # `ownit lsp` closes it when the client hangs up
            sys.stdout.flush()  # a closed pipe shows here, not at exit where it prints a warning
    except BrokenPipeError:
        return _reader_went_away()
    return result


def _reader_went_away() -> int:
    """Whoever read our output stopped (`ownit status | head -1`): stop quietly, as git
    does, with the exit status of a process ended by SIGPIPE (128 + 13). Both streams go to
    /dev/null first, so Python's own flush at exit has nowhere left to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # not a real file: nothing to do
            os.dup2(devnull, stream.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
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
    except BrokenPipeError:
        raise  # main() ends quietly
    except Exception as error:
        # The store's errors say what is wrong and what to do: one line, exit 2, never a
        # traceback. (Imported here: a verb that never touched the store never pays.)
        from ownit.store import StoreError

        if not isinstance(error, StoreError):
            raise
        print(f"ownit: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    return result
