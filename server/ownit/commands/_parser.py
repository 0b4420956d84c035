"""The `ownit` argument parser: argparse with ownit's help layout (the terminal's width,
no line broken inside a hyphenated word, ``code`` shown as `code`) and its usage errors
(a verb that does not exist is said with the nearest one).

Loaded by :mod:`ownit.cli` once a command line is to be parsed: ``ownit blame`` starts
git before argparse is imported.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from ownit import __version__
from ownit.core.printable import printable
from ownit.exits import EXIT_USAGE


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


def build_parser(modules: Sequence[str]) -> argparse.ArgumentParser:
    """The parser of ``ownit`` with the verbs of these modules of ownit/commands/."""
    parser = _Parser(prog="ownit", description="Own the AI-written code you ship.")
    parser.add_argument("--version", action="version", version=f"ownit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in modules:
        module = importlib.import_module(f"ownit.commands.{name}")
        module.add_parser(subparsers)
    return parser
