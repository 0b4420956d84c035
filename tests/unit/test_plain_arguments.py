"""Verbs run on every event of another tool read their usual command line themselves
(``plain_arguments``), without argparse: what they read must be what argparse reads, and
any other command line must go to argparse (its messages, its help)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownit.cli import build_parser
from ownit.commands import checkpoint, status

PLAIN = [
    (checkpoint, ["--agent", "claude-code"]),
    (checkpoint, ["--agent=cursor"]),
    (checkpoint, ["--agent", ""]),
    (checkpoint, ["--agent=-x"]),
    (status, []),
    (status, ["--json"]),
    (status, ["--all", "--json"]),
    (status, ["--json", "--json"]),
]


@pytest.mark.parametrize(("verb", "arguments"), PLAIN)
def test_a_plain_command_line_reads_as_argparse_reads_it(
    verb: object, arguments: list[str]
) -> None:
    name = verb.__name__.rsplit(".", 1)[1]  # type: ignore[attr-defined]
    plain = verb.plain_arguments(arguments)  # type: ignore[attr-defined]
    parsed = build_parser([name]).parse_args([name, *arguments])
    assert plain is not None
    assert vars(plain) == vars(parsed)


@pytest.mark.parametrize(
    ("verb", "arguments"),
    [
        (checkpoint, []),
        (checkpoint, ["--agent"]),
        (checkpoint, ["--agent", "-x"]),  # argparse: "expected one argument"
        (checkpoint, ["--agent", "a", "--model", "m"]),
        (checkpoint, ["--ag", "a"]),  # an abbreviation argparse expands
        (checkpoint, ["--before", "a.py"]),
        (checkpoint, ["-h"]),
        (status, ["--help"]),
        (status, ["--js"]),
        (status, ["extra"]),
    ],
)
def test_any_other_command_line_goes_to_argparse(verb: object, arguments: list[str]) -> None:
    assert verb.plain_arguments(arguments) is None  # type: ignore[attr-defined]


_PROBE = """
import json, sys
from ownit import cli
code = cli.main(sys.argv[1:])
print(json.dumps([code, "argparse" in sys.modules]))
"""


@pytest.mark.parametrize(
    ("arguments", "stdin", "code"),
    [
        (["checkpoint", "--agent", "claude-code"], '{"tool_name": "Read", "tool_input": {}}', 0),
        (["status"], "", 2),  # outside a repository: its message, after the imports
    ],
)
def test_the_plain_command_lines_do_not_load_argparse(
    tmp_path: Path, arguments: list[str], stdin: str, code: int
) -> None:
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *arguments],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == [code, False], done.stderr
