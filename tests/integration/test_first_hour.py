"""What a new user meets in the first hour, run as they would run it (the venv's ownit in a
real `git init` repository): the docs' commands and the example policy's keys work as
written, and the mistakes they are likely to make are said with the fix."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from tests.support import commit, git, new_repo, ownit, run, write

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "policy.example.yaml"


# The keys the example policy shows switched off, as `#   key: value` under the comment
# that explains them (a block: deeper `#   ` lines belong to it).
COMMENTED_KEYS = {
    "owners",
    "codeowner",
    "second_owner",
    "ai",
    "tools",
    "models",
    "purpose",
    "also_ai_commit_patterns",
    "disable_ai_commit_patterns",
    "purposes",
    "handles",
}


def _commented_examples() -> str:
    """The example policy with every commented-out example key switched on."""
    lines: list[str] = []
    block_indent: int | None = None  # the indent of the key whose block is being read
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(\s*)#   (\s*)(\S.*)$", line)
        if match is not None:
            body = match.group(1) + match.group(2) + match.group(3).split("  #")[0].rstrip()
            indent = len(body) - len(body.lstrip())
            key = re.match(r"([\w]+):", body.lstrip())
            if block_indent is not None and indent > block_indent:
                lines.append(body)
                continue
            if key is not None and key.group(1) in COMMENTED_KEYS:
                block_indent = indent
                lines.append(body)
                continue
        block_indent = None
        lines.append(line)
    text = "\n".join(lines) + "\n"
    # A key switched on just under its `key: []` / `key: {}` default would be set twice.
    return re.sub(r"^(\s*)(\w+): (?:\[\]|\{\})\n(?=\1\2:)", "", text, flags=re.M)


def test_every_commented_example_key_of_the_example_policy_is_accepted(
    tmp_path: Path, env: dict[str, str]
) -> None:
    policy = _commented_examples()
    for key in ("tools:", "models:", "purpose:", 'owners: ["@acme/security"]', "ai: forbidden"):
        assert key in policy, key
    target = write(tmp_path, "all-keys.yaml", policy)
    result = ownit(tmp_path, env, "policy", "check", str(target))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid policy" in result.stdout


def test_status_says_when_the_policy_file_is_invalid(tmp_path: Path, env: dict[str, str]) -> None:
    repo = new_repo(tmp_path / "repo", env)
    write(repo, ".ownit.yaml", "version: 1\ndefaults:\n  severty: warning\n")
    write(repo, "src/app.py", "a = 1\nb = 2\n")
    assert (
        ownit(repo, env, "mark", "src/app.py", "--lines", "1-2", "--tool", "copilot").returncode
        == 0
    )
    result = ownit(repo, env, "status")
    assert result.returncode == 0, result.stderr
    assert "src/app.py:1-2" in result.stdout
    assert ".ownit.yaml:3:3: defaults: unknown key 'severty' — did you mean 'severity'?" in (
        result.stderr
    )
    assert "built-in default policy (see `ownit policy check`)" in result.stderr
    write(repo, ".ownit.yaml", "version: 1\n")
    assert ownit(repo, env, "status").stderr == ""


def test_baseline_help_is_whole_and_says_what_all_reads(
    tmp_path: Path, env: dict[str, str]
) -> None:
    result = ownit(tmp_path, env, "baseline", "--help")
    assert result.returncode == 0
    description = result.stdout.split("\n\n")[1]
    assert description.startswith("Records `history_since: <SINCE>`")
    assert "the policy committed at HEAD" in result.stdout
    assert "built-in defaults" not in result.stdout


def test_a_claim_or_a_preview_without_the_hooks_says_the_commit_will_not_carry_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = new_repo(tmp_path / "repo", env)
    write(repo, "app.py", "a = 1\nb = 2\n")
    assert ownit(repo, env, "mark", "app.py", "--lines", "1-2", "--tool", "copilot").returncode == 0
    why = "Both constants checked against the spec; covered by test_app"
    claimed = ownit(repo, env, "claim", "app.py:1", "-m", why)
    assert claimed.returncode == 0, claimed.stderr
    note = "ownit's git hooks are not installed here, so `git commit` will not carry"
    assert f"{note} this claim: run `ownit hooks install` (or `ownit init`) first" in (
        claimed.stderr
    )
    git(repo, env, "add", "app.py")
    preview = ownit(repo, env, "trailers")
    assert preview.returncode == 0 and "AI-Owned: app.py:1-2" in preview.stdout
    assert f"{note} these trailers" in preview.stderr
    assert ownit(repo, env, "hooks", "install").returncode == 0
    again = ownit(repo, env, "claim", "app.py:1", "-m", why)
    assert again.returncode == 0 and note not in again.stderr
    assert note not in ownit(repo, env, "trailers").stderr


def test_outside_a_repository_every_verb_says_where_to_run_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    for verb in (["verify"], ["report"], ["attest"], ["baseline"], ["import", "agent-trace"]):
        result = ownit(outside, env, *verb)
        assert result.returncode == 2, verb
        said = f"ownit: not inside a git repository: run `ownit {' '.join(verb)}` in your project"
        assert result.stderr.strip() == said, result.stderr


def test_verify_the_readme_range_in_a_clone_without_origin_says_why_and_what_to_do(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = new_repo(tmp_path / "repo", env)
    commit(repo, env, "First\n", {"a.py": "a = 1\n"})
    result = ownit(repo, env, "verify", "origin/main..HEAD")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "ownit: unknown revision 'origin/main' (this clone has no remote 'origin': give a"
        " branch or commit it has)"
    )
    git(repo, env, "remote", "add", "origin", str(tmp_path / "elsewhere"))
    result = ownit(repo, env, "verify", "origin/main..HEAD")
    assert result.stderr.strip().endswith("(not fetched yet? `git fetch origin main`)")
    result = ownit(repo, env, "verify")
    assert result.returncode == 2
    assert "or `ownit verify --all` for every commit of HEAD" in result.stderr
    assert ownit(repo, env, "verify", "--all").returncode == 0


def _options(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """(verb, option strings…) for every option of every verb and sub-verb of ``parser``."""
    found: list[tuple[str, ...]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _options(sub, (*path, name))
        elif action.option_strings and "--help" not in action.option_strings and path:
            found.append((path[0], *action.option_strings))
    return found


def test_the_cli_page_names_every_option_of_every_verb() -> None:
    from ownit.cli import build_parser

    rows = [line for line in (ROOT / "docs" / "cli.md").read_text().splitlines()]
    missing = []
    for verb, *names in _options(build_parser()):
        cells = [row.split(" | ")[0] for row in rows if row.startswith(f"| `ownit {verb}")]
        if not any(name in cell for cell in cells for name in names):
            missing.append(f"ownit {verb} {'/'.join(names)}")
    assert not missing, f"docs/cli.md does not show: {missing}"


def test_a_fresh_repository_says_there_is_no_commit_yet(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = new_repo(tmp_path / "repo", env)
    write(repo, "app.py", "a = 1\n")
    # Nothing to check passes (a CI gate on a new repository), and says why (docs/cli.md).
    verified = ownit(repo, env, "verify", "--all")
    assert verified.returncode == 0, verified.stderr
    assert "nothing to check: this repository has no commit yet" in verified.stdout
    assert "unknown revision" not in verified.stdout + verified.stderr
    blamed = ownit(repo, env, "blame", "app.py")
    assert blamed.returncode == 2
    assert blamed.stderr.strip() == (
        "ownit: this repository has no commit yet: there is no history to blame (commit first)"
    )


def test_blame_of_a_new_or_missing_file_says_which(tmp_path: Path, env: dict[str, str]) -> None:
    repo = new_repo(tmp_path / "repo", env)
    commit(repo, env, "First\n", {"a.py": "a = 1\n"})
    write(repo, "new.py", "b = 2\n")
    new = ownit(repo, env, "blame", "new.py")
    assert new.returncode == 2
    assert new.stderr.strip() == (
        "ownit: no such path 'new.py' in HEAD: not committed yet (`ownit status` lists its"
        " AI-written regions)"
    )
    gone = ownit(repo, env, "blame", "gone.py")
    assert gone.returncode == 2 and gone.stderr.strip() == "ownit: gone.py: no such file"
    assert ownit(repo, env, "blame", "a.py").returncode == 0


def test_status_says_why_the_policy_asks_no_owner(tmp_path: Path, env: dict[str, str]) -> None:
    repo = new_repo(tmp_path / "repo", env)
    write(repo, "gen/out.py", "a = 1\n")
    assert (
        ownit(repo, env, "mark", "gen/out.py", "--lines", "1", "--tool", "copilot").returncode == 0
    )
    said = {
        'exclude: ["gen/"]\n': "the policy does not track this path (",
        "defaults:\n  require_ownership: false\n": (
            "require_ownership is false (the defaults of .ownit.yaml)"
        ),
        "rules:\n  - name: generated\n    paths: [gen]\n"
        "    sources:\n      count: [agent-hook]\n": (
            "source manual does not count here (sources.count, policy rule 'generated')"
        ),
    }
    for policy, reason in said.items():
        write(repo, ".ownit.yaml", "version: 1\n" + policy)
        result = ownit(repo, env, "status")
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert f"    not asked here: {reason}" in result.stdout, result.stdout
        assert "own it:" not in result.stdout
    write(repo, ".ownit.yaml", "version: 1\n")
    assert '    own it: ownit claim gen/out.py:1 -m "<why it is right>"' in (
        ownit(repo, env, "status").stdout
    )


def test_ci_verbs_run_by_hand_outside_ci_say_to_give_a_range(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = new_repo(tmp_path / "repo", env)
    commit(repo, env, "First\n", {"a.py": "a = 1\n"})
    gitlab = ownit(repo, env, "ci", "gitlab")
    assert gitlab.returncode == 2
    said = "CI_COMMIT_SHA is not set: this runs inside GitLab CI (elsewhere: --range A..B)"
    assert said in gitlab.stdout + gitlab.stderr
    github = ownit(repo, env, "ci", "github")
    assert github.returncode == 2
    assert "this runs inside GitHub Actions (elsewhere: --range A..B)" in github.stdout
    assert ownit(repo, env, "ci", "gitlab", "--range", "HEAD").returncode == 0


def test_import_git_ai_in_a_clone_without_the_notes_says_to_fetch_them(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = new_repo(tmp_path / "repo", env)
    commit(repo, env, "First\n", {"a.py": "a = 1\n"})
    result = ownit(repo, env, "import", "git-ai")
    assert result.returncode == 0
    assert result.stdout.startswith("read 0 note(s)")
    assert result.stderr.strip() == (
        "ownit import: this clone has no refs/notes/ai: git does not fetch notes unless"
        " asked; `git fetch origin 'refs/notes/ai:refs/notes/ai'` first"
    )


def test_trailers_says_a_claim_will_go_unsigned_when_gpg_has_no_key(
    tmp_path: Path, env: dict[str, str]
) -> None:
    gnupg = tmp_path / "gnupg"
    gnupg.mkdir(mode=0o700)
    env = {**env, "GNUPGHOME": str(gnupg)}  # gpg with no key at all, git's default format
    repo = new_repo(tmp_path / "repo", env)
    write(repo, ".ownit.yaml", "version: 1\ndefaults:\n  signatures: warn\n")
    write(repo, "app.py", "a = 1\n")
    assert ownit(repo, env, "mark", "app.py", "--lines", "1", "--tool", "copilot").returncode == 0
    why = "The constant checked against the spec; covered by test_app"
    assert ownit(repo, env, "claim", "app.py:1", "-m", why).returncode == 0
    git(repo, env, "add", "app.py")
    preview = ownit(repo, env, "trailers")
    assert preview.returncode == 0
    assert "app.py:1-1 will be committed UNSIGNED (gpg has no secret key for dev@example.com" in (
        preview.stderr
    )
    signatures = json.loads(ownit(repo, env, "trailers", "--json").stdout)["signatures"]
    assert [(s["claim"], s["signed"]) for s in signatures] == [("app.py:1-1", False)]
    run(tmp_path, env, "gpgconf", "--kill", "gpg-agent")  # listing keys may have started one
