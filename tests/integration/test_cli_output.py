"""What the verbs print, as a new user reads it, on real repositories through the real CLI
process: `mark` over a region says what happened, `trailers` speaks as a preview, `status`
columns line up, every `--help` is complete, policy origins are true without a policy file,
a closed pipe ends quietly, and repository text never reaches the terminal raw."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

import pytest

from ownit.cli import build_parser
from ownit.core.columns import display_width
from tests.conftest import git
from tests.support import OWNIT_MODULE, ownit, write


@pytest.fixture
def repo(git_repo: Path) -> Path:
    write(git_repo, "src/util.py", "def a():\n    return 1\n\n\ndef b(x):\n    return x * 2\n")
    write(git_repo, "src/auth.py", "".join(f"x{i} = {i}\n" for i in range(1, 31)))
    git(git_repo, "add", ".")
    git(git_repo, "commit", "-q", "-m", "init")
    return git_repo


def regions(repo: Path, env: dict[str, str]) -> list[dict[str, object]]:
    listed = ownit(repo, env, "status", "--all", "--json")
    assert listed.returncode == 0, listed.stderr
    found: list[dict[str, object]] = json.loads(listed.stdout)["regions"]
    return found


# --------------------------------------------------------------------------- mark


def test_mark_inside_a_region_of_another_tool_changes_nothing_and_says_so(
    repo: Path, env: dict[str, str]
) -> None:
    assert ownit(repo, env, "mark", "src/util.py", "--lines", "5-6", "--tool", "claude-code")
    done = ownit(repo, env, "mark", "src/util.py", "--lines", "5", "--tool", "copilot")
    assert done.returncode == 2, done
    assert "marked" not in done.stdout
    assert "src/util.py:5 is already inside region 5-6" in done.stderr
    assert "claude-code" in done.stderr and "nothing changed" in done.stderr
    assert [(r["lines"], r["tool"]) for r in regions(repo, env)] == [([5, 6], "claude-code")]


def test_mark_inside_a_region_of_the_same_tool_is_already_marked(
    repo: Path, env: dict[str, str]
) -> None:
    first = ownit(repo, env, "mark", "src/util.py", "--lines", "5-6", "--tool", "claude-code")
    assert first.stdout.startswith("marked src/util.py:5-6 as AI-written (claude-code)")
    again = ownit(repo, env, "mark", "src/util.py", "--lines", "5", "--tool", "claude-code")
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        "already marked: src/util.py:5 is inside region 5-6, AI-written (claude-code);"
        " nothing changed\n"
    )
    as_json = ownit(
        repo, env, "mark", "src/util.py", "--lines", "6", "--tool", "claude-code", "--json"
    )
    answer = json.loads(as_json.stdout)
    assert answer["changed"] is False and answer["lines"] == [5, 6]
    assert len(regions(repo, env)) == 1


def test_mark_over_a_region_names_the_overlap(repo: Path, env: dict[str, str]) -> None:
    ownit(repo, env, "mark", "src/util.py", "--lines", "5-6", "--tool", "claude-code")
    wider = ownit(repo, env, "mark", "src/util.py", "--lines", "4-6", "--tool", "copilot")
    assert wider.returncode == 0, wider.stderr
    first, second = wider.stdout.splitlines()
    assert first.startswith("marked src/util.py:4-6 as AI-written (copilot); region ")
    assert second == (
        "  it overlaps region 5-6 (claude-code), which stays as it was: each region is owned"
        " on its own"
    )
    # status's "own it" command for the inner region owns that one, not the wider one
    shown = ownit(repo, env, "status").stdout
    assert "ownit claim src/util.py:5 " in shown
    claimed = ownit(
        repo, env, "claim", "src/util.py:5", "-m", "checked: doubles x, test_b covers it"
    )
    assert claimed.stdout.startswith("owned src/util.py:5-6 "), claimed.stdout


# --------------------------------------------------------------------------- trailers


def test_trailers_preview_speaks_of_a_commit_not_yet_made(repo: Path, env: dict[str, str]) -> None:
    write(repo, "src/util.py", (repo / "src/util.py").read_text() + "\n\ndef c():\n    pass\n")
    ownit(repo, env, "mark", "src/util.py", "--lines", "9-10", "--tool", "claude-code")
    git(repo, "add", "src/util.py")
    preview = ownit(repo, env, "trailers")
    assert preview.returncode == 0, preview.stderr
    assert "AI-Unowned: src/util.py:9-10 " in preview.stdout
    err = preview.stderr
    assert "`git commit` would commit 2 AI-written lines nobody owns yet" in err
    assert "committed with" not in err and "--amend --no-edit" not in err
    assert "ownit claim src/util.py:9 " in err and "then `git commit`" in err
    amend = ownit(repo, env, "trailers", "--amend")
    assert "`git commit --amend` would commit" in amend.stderr
    assert "then `git commit --amend`" in amend.stderr


def test_trailers_preview_of_a_blocked_commit(repo: Path, env: dict[str, str]) -> None:
    write(repo, "src/auth.py", (repo / "src/auth.py").read_text() + "y = 2\n")
    ownit(repo, env, "mark", "src/auth.py", "--lines", "31", "--tool", "copilot")
    git(repo, "add", "src/auth.py")
    preview = ownit(repo, env, "trailers")
    assert preview.returncode == 1
    err = preview.stderr
    assert "`git commit` would be refused by policy: 1 AI-written line must be owned first" in err
    assert "commit refused" not in err and "run the same `git commit` again" not in err
    assert "  src/auth.py:31 (copilot; `commit: block` in built-in rule 'sensitive';" in err


# --------------------------------------------------------------------------- status


def test_status_columns_line_up_and_single_lines_read_as_one(
    repo: Path, env: dict[str, str]
) -> None:
    write(repo, "src/数据/表.py", "a = 1\nb = 2\nc = 3\n")
    ownit(repo, env, "mark", "src/auth.py", "--lines", "25", "--tool", "copilot", "--model", "m5")
    ownit(repo, env, "mark", "src/util.py", "--lines", "5-6", "--tool", "claude-code")
    ownit(repo, env, "mark", "src/数据/表.py", "--lines", "1-3", "--tool", "aider")
    shown = ownit(repo, env, "status").stdout.splitlines()
    rows = [line for line in shown if not line.startswith("    own it:")]
    assert [row.split()[0] for row in rows] == [
        "src/auth.py:25",
        "src/util.py:5-6",
        "src/数据/表.py:1-3",
    ]
    assert "25-25" not in "\n".join(shown)

    def column(row: str, word: str) -> int:  # where `word` starts, in terminal cells
        return display_width(row[: row.index(word)])

    assert len({column(row, "unowned") for row in rows}) == 1, rows
    assert len({column(row, "marked") for row in rows}) == 1, rows
    assert all(row == row.rstrip() for row in shown)
    assert '    own it: ownit claim src/auth.py:25 -m "<why it is right>"' in shown


# --------------------------------------------------------------------------- help


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    found: list[tuple[str, argparse.ArgumentParser]] = []

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        found.append((name, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for verb, sub in action.choices.items():
                    walk(sub, f"{name} {verb}")

    walk(build_parser(), "ownit")
    return found


def test_every_option_and_argument_has_help() -> None:
    missing = [
        f"{name} {'/'.join(action.option_strings) or action.dest}"
        for name, parser in _parsers()
        for action in parser._actions
        if action.help is None and not isinstance(action, argparse._SubParsersAction)
    ]
    assert missing == []


def test_help_reads_as_plain_text_and_hides_the_hook_verb(
    tmp_path: Path, env: dict[str, str]
) -> None:
    for name, _ in _parsers():
        shown = ownit(tmp_path, env, *name.split()[1:], "--help")
        assert shown.returncode == 0, (name, shown.stderr)
        assert "``" not in shown.stdout, name
        assert "usage: ownit" in shown.stdout, name
    listing = ownit(tmp_path, env, "--help").stdout
    assert "    hooks " in listing
    assert "    hook " not in listing and "run one of ownit's git hooks" not in listing
    for hook in ("commit-msg", "prepare-commit-msg", "post-commit"):
        shown = ownit(tmp_path, env, "hook", hook, "--help")
        assert shown.returncode == 0
        assert shown.stdout.startswith("usage: ownit hook "), hook
        assert "commit-msg MSG-FILE" in shown.stdout


def test_an_unknown_verb_names_the_nearest_one_not_the_hidden_ones(
    tmp_path: Path, env: dict[str, str]
) -> None:
    typo = ownit(tmp_path, env, "hoks")
    assert typo.returncode == 2
    assert typo.stderr.endswith(
        "ownit: 'hoks' is not a command; did you mean `ownit hooks`? `ownit --help` lists them\n"
    )
    assert "'hook'" not in typo.stderr
    nested = ownit(tmp_path, env, "policy", "explian", "x")
    assert "did you mean `ownit policy explain`?" in nested.stderr


def test_lsp_options_are_explained(tmp_path: Path, env: dict[str, str]) -> None:
    shown = ownit(tmp_path, env, "lsp", "--help").stdout
    assert "with --tcp: the address to listen on" in shown
    assert "with --tcp: the port to listen on" in shown


# --------------------------------------------------------------------------- policy origin


def test_messages_name_the_built_in_defaults_without_a_policy_file(
    repo: Path, env: dict[str, str]
) -> None:
    ownit(repo, env, "mark", "src/util.py", "--lines", "5-6", "--tool", "claude-code")
    refused = ownit(repo, env, "claim", "src/util.py:5", "-m", "fine")
    assert refused.returncode == 2
    assert "(built-in defaults; no .ownit.yaml)" in refused.stderr, refused.stderr
    assert "policy rule 'defaults'" not in refused.stderr
    one = ownit(repo, env, "claim", "src/util.py:5", "-m", "x")
    assert "rationale too short: 1 character, at least 20 needed" in one.stderr
    write(repo, ".ownit.yaml", "version: 1\ndefaults:\n  rationale:\n    min_chars: 30\n")
    with_file = ownit(repo, env, "claim", "src/util.py:5", "-m", "fine")
    assert "(the defaults of .ownit.yaml)" in with_file.stderr, with_file.stderr


# --------------------------------------------------------------------------- broken pipe


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--all"],
        ["policy", "explain", "src/auth.py"],
        ["blame", "src/util.py"],
        ["report"],
        ["verify", "--all"],
        ["trailers", "--json"],
        ["--help"],
    ],
)
def test_a_reader_that_went_away_ends_the_verb_quietly(
    repo: Path, env: dict[str, str], args: list[str]
) -> None:
    ownit(repo, env, "mark", "src/util.py", "--lines", "5-6", "--tool", "claude-code")
    read, written = os.pipe()
    os.close(read)  # the reader is gone before the first byte: every write fails (EPIPE)
    try:
        done = subprocess.run(
            [*OWNIT_MODULE, *args],
            cwd=repo,
            env=env,
            stdout=written,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            check=False,
        )
    finally:
        os.close(written)
    assert done.stderr == "", done.stderr
    assert done.returncode == 141


# --------------------------------------------------------------------------- control characters


def test_repository_text_never_reaches_the_terminal_raw(repo: Path, env: dict[str, str]) -> None:
    name = "src/e\x1b[2Jvil\u202e.py"
    write(repo, name, "a = 1\nb = 2\n")
    tool = "tool\x1b]0;pwned\x07"
    outputs = [
        ownit(repo, env, "mark", name, "--lines", "1-2", "--tool", tool),
        ownit(repo, env, "mark", name, "--lines", "1", "--tool", tool),
        ownit(repo, env, "mark", name, "--lines", "2", "--tool", "other"),
        ownit(repo, env, "status"),
        ownit(repo, env, "policy", "explain", name),
    ]
    git(repo, "add", name)
    outputs.append(ownit(repo, env, "trailers"))
    outputs.append(ownit(repo, env, "claim", f"{name}:1", "-m", "x\x1b[31m ok"))
    rationale = "checked \x1b[31mred\x1b[0m: both lines are constants"
    outputs.append(ownit(repo, env, "claim", f"{name}:1", "-m", rationale))
    subject = "add\x1b[2J evil\rno problems found"
    git(repo, "commit", "-q", "-m", subject)
    outputs += [
        ownit(repo, env, "status", "--all"),
        ownit(repo, env, "blame", name),
        ownit(repo, env, "verify", "--all"),
        ownit(repo, env, "report"),
        ownit(repo, env, "dismiss", f"{name}:1", "-m", "not \x1b[1mAI\x1b[0m"),
    ]
    as_json = [
        ownit(repo, env, "status", "--all", "--json"),
        ownit(repo, env, "blame", name, "--json"),
        ownit(repo, env, "verify", "--all", "--json"),
        ownit(repo, env, "report", "--json"),
    ]
    for done in as_json:
        assert done.stdout.strip(), (done.args, done.stderr)
        per_line = "blame" in done.args  # one object a line
        for text in done.stdout.splitlines() if per_line else [done.stdout]:
            json.loads(text)  # still JSON, the same data
        assert "\u202e" not in done.stdout and "\x1b" not in done.stdout, done.args
    assert any(name in done.stdout for done in as_json) is False
    outputs += as_json
    for done in outputs:
        for stream in (done.stdout, done.stderr):
            assert "\x1b" not in stream and "\u202e" not in stream and "\r" not in stream, (
                done.args,
                stream,
            )
            assert "\x07" not in stream
    assert any("\\x1b" in done.stdout for done in outputs)


def test_a_line_past_the_end_of_the_file_is_said_as_such(repo: Path, env: dict[str, str]) -> None:
    refused = ownit(repo, env, "claim", "src/util.py:40", "-m", "checked it line by line")
    assert refused.returncode == 2
    assert refused.stderr == "ownit: src/util.py has 6 lines; line 40 is past its end\n"
