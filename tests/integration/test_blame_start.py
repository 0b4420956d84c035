"""`ownit blame` starts git blame before its arguments are parsed (ownit/git/blame_start.py):
the verb takes that process when it asks for the same blame, and a blame no one takes
is ended, never left running or unreaped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ownit import cli
from ownit.git import blame_start

CODE = "def f(x):\n    return x * 2\n"


@pytest.mark.parametrize(
    ("arguments", "plain"),
    [
        (["a.py"], ("a.py", [], [])),
        (
            ["--json", "-L", "1,2", "-L3,4", "-M", "-C", "-C", "a.py"],
            ("a.py", ["1,2", "3,4"], ["-M", "-C", "-C"]),
        ),
        (["a.py", "-M"], ("a.py", [], ["-M"])),
    ],
)
def test_plain_command_lines_are_read_as_argparse_would(
    arguments: list[str], plain: tuple[str, list[str], list[str]]
) -> None:
    from ownit.cli import build_parser
    from ownit.commands import blame

    read = blame_start.plain_blame(arguments)
    assert read is not None and (read.file, read.ranges, read.moves()) == plain
    # the verb's options, read without argparse, are argparse's
    assert vars(blame.plain_arguments(arguments)) == vars(
        build_parser(["blame"]).parse_args(["blame", *arguments])
    )


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["--contents", "-", "a.py"],  # the text comes on stdin: started by the verb
        ["-h"],
        ["a.py", "b.py"],  # argparse refuses it
        ["-C", "-C", "-C", "-C", "a.py"],  # the verb refuses it
        ["-L"],
        ["-L", "-1,2", "a.py"],  # argparse reads a leading "-" its own way
        ["-MC", "a.py"],
        ["--js", "a.py"],  # an abbreviation argparse would expand
        ["--", "a.py"],
    ],
)
def test_other_command_lines_wait_for_the_parser(arguments: list[str]) -> None:
    assert blame_start.plain_blame(arguments) is None


@pytest.fixture
def in_repo(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.conftest import git

    (git_repo / "a.py").write_text(CODE, encoding="utf-8")
    git(git_repo, "add", "a.py")
    git(git_repo, "commit", "-q", "-m", "add a.py")
    monkeypatch.chdir(git_repo)
    return git_repo


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_blame_started_early_is_the_one_the_verb_uses(
    in_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[object] = []
    take = blame_start.take

    def spy(*args: object) -> object:
        taken.append(take(*args))  # type: ignore[arg-type]
        return taken[-1]

    monkeypatch.setattr(blame_start, "take", spy)
    assert cli.main(["blame", "a.py"]) == 0
    assert len(taken) == 1 and isinstance(taken[0], blame_start.EarlyBlame)
    early = capsys.readouterr().out
    # the same text as a blame the verb starts itself (a shape not started early)
    assert cli.main(["blame", "a.py", "--contents", "a.py"]) == 0
    assert capsys.readouterr().out == early
    assert blame_start._early is None


def test_a_blame_no_one_takes_is_ended_and_reaped(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blame_start.start_early(["a.py"])
    assert blame_start._early is not None
    pid = blame_start._early[1].pid
    blame_start.discard()
    assert blame_start._early is None and _reaped(pid)
    # through the command line: a usage error after the blame started
    assert cli.main(["blame", "a.py", "-C", "-C", "-C", "-C"]) == 2
    assert "-C can be given at most three times" in capsys.readouterr().err
    assert blame_start._early is None


def test_a_different_blame_is_not_taken(in_repo: Path) -> None:
    blame_start.start_early(["a.py"])
    assert blame_start._early is not None
    pid = blame_start._early[1].pid
    assert blame_start.take(os.getcwd(), "a.py", ["1,1"], []) is None
    assert blame_start._early is None and _reaped(pid)
    blame_start.start_early(["a.py"])
    process = blame_start.take(os.getcwd(), "a.py", [], [])
    assert process is not None
    out, err = process.communicate()
    assert process.returncode == 0 and err == b""
    assert out.count(b"\n\t") == 2  # the two lines of a.py
