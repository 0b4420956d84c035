"""git/amend: reading `git commit`'s command line as git does (no git run)."""

from __future__ import annotations

import pytest

from ownit.commit import amend

TABLE = amend.long_options(amend._GIT_239_LONG)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--amend"], True),
        (["--amend", "-m", "x"], True),
        (["-m", "x", "--amend"], True),
        (["--am", "--no-edit"], True),
        (["--amen"], True),
        (["--amend", "--no-amend"], False),
        (["--amend", "--no-am"], False),
        (["-m", "--amend"], False),  # the message is "--amend"
        (["-m--amend"], False),
        (["--message", "--amend"], False),
        (["--mess", "--amend"], False),  # abbreviated --message takes the next word
        (["--message=--amend"], False),
        (["-am", "--amend"], False),  # -a, then -m with its message
        (["-qam", "x", "--amend"], True),
        (["-F", "--amend"], False),
        (["-C", "HEAD"], False),
        (["-c", "HEAD", "--amend"], True),
        (["--reuse-message", "HEAD"], False),
        (["--fixup=amend:HEAD"], False),
        (["--fixup", "amend:HEAD"], False),
        (["-S", "--amend"], True),  # -S's key can only be attached
        (["-Skey", "--amend"], True),
        (["--gpg-sign", "--amend"], True),
        (["--", "--amend"], False),  # a pathspec
        (["file.py", "--amend"], True),  # options after a pathspec still count
        (["--author", "--amend <x@y>"], False),
        ([], False),
    ],
)
def test_amend_in_commit_args(args: list[str], expected: bool) -> None:
    assert amend.amend_in_commit_args(args, TABLE) is expected


def test_long_option_table() -> None:
    assert TABLE["message"] is True and TABLE["amend"] is False and TABLE["no-amend"] is False
    assert TABLE["gpg-sign"] is False  # optional argument: attached only
    assert "" not in TABLE


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["git", "commit", "--amend"], ("commit", ["--amend"])),
        (["/usr/bin/git", "-C", "dir", "-c", "a=b", "commit"], ("commit", [])),
        (["git", "--git-dir=.git", "--no-pager", "ci", "-m", "x"], ("ci", ["-m", "x"])),
        (["git", "--work-tree", "w", "commit", "-a"], ("commit", ["-a"])),
        (["git-commit", "--amend"], ("commit", ["--amend"])),
        (["sh", "-c", "git commit --amend"], None),
        (["git"], None),
        ([], None),
    ],
)
def test_git_subcommand(argv: list[str], expected: tuple[str, list[str]] | None) -> None:
    assert amend._git_subcommand(argv) == expected
