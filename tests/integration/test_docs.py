"""The documentation a clone holds is complete in itself: every relative link in the
README and docs/ (and the other guides) reaches a file of the repository (and a heading,
when it names one), nothing points at files outside the repository, and the contract pages
name every verb, command and diagnostic code the code has."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "CHANGELOG.md",
    ROOT / "editors" / "README.md",
    ROOT / "editors" / "jetbrains" / "ownit" / "README.md",
]
# Inline links and images: [text](target) — the target up to a space or ")".
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
# Places that exist only on the machines ownit is developed on, never in a clone.
FORBIDDEN = ("../" + "shared", "/" + "work/", "DESIGN" + ".md", "DESIGN" + " §")


def _tracked() -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    names = set(filter(None, listed.stdout.split("\0")))
    # New files of this working copy count too (what `git add -A` would commit).
    others = subprocess.run(
        ["git", "ls-files", "-z", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return names | set(filter(None, others.stdout.split("\0")))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = _CODE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", text, re.MULTILINE)}


def _links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # code blocks hold no links
    return _LINK.findall(text)


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_reach_files_of_the_repository(guide: Path) -> None:
    tracked = _tracked()
    problems = []
    for target in _links(guide):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("//"):
            continue  # a URL: another site's page
        file_part, _, anchor = target.partition("#")
        destination = (guide.parent / file_part).resolve() if file_part else guide
        try:
            relative = destination.relative_to(ROOT).as_posix()
        except ValueError:
            problems.append(f"{target}: outside the repository")
            continue
        inside = relative in tracked or any(name.startswith(relative + "/") for name in tracked)
        if not inside or not destination.exists():
            problems.append(f"{target}: no such file in the repository")
            continue
        if anchor and destination.suffix == ".md" and anchor not in _anchors(destination):
            problems.append(f"{target}: no heading '#{anchor}' in {relative}")
    assert not problems, f"{guide.relative_to(ROOT)}: " + "; ".join(problems)


def test_nothing_points_outside_the_repository() -> None:
    found = []
    for name in sorted(_tracked()):
        path = ROOT / name
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for needle in FORBIDDEN:
            if needle in text:
                line = text[: text.index(needle)].count("\n") + 1
                found.append(f"{name}:{line}: {needle}")
    assert not found, found


def test_cli_page_names_every_verb() -> None:
    import argparse

    from ownit.cli import build_parser

    verbs = [
        verb
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
        for verb in action.choices
    ]
    assert "lsp" in verbs and "policy" in verbs
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [verb for verb in verbs if f"`ownit {verb}" not in page]
    assert not missing, f"docs/cli.md does not describe: {missing}"


def test_lsp_page_names_every_command_and_code() -> None:
    from ownit.core.findings import FindingCode
    from ownit.lsp.server import create_server

    page = (ROOT / "docs" / "lsp.md").read_text(encoding="utf-8")
    commands = sorted(create_server().protocol.fm.commands)
    assert commands, "the server registers commands"
    missing = [c for c in commands if f"### `{c} " not in page]
    assert not missing, f"docs/lsp.md has no section for: {missing}"
    codes = [*(code.value for code in FindingCode), "policy-error"]
    assert not [c for c in codes if f"`{c}`" not in page]
