"""Throw-away git repositories and generated source text for the benchmarks."""

from __future__ import annotations

import hashlib
from pathlib import Path

from harness import Context


def python_lines(count: int, seed: str = "m") -> list[str]:
    """``count`` distinct lines of plausible Python (distinct, so fingerprints are unique)."""
    lines: list[str] = []
    for index in range(count):
        if index % 10 == 0:
            lines.append(f"def {seed}_function_{index}(value: int) -> int:")
        elif index % 10 == 9:
            lines.append(f"    return total_{index - 1}  # {seed} {index}")
        else:
            lines.append(f"    total_{index} = value * {index % 97} + {index}  # {seed} {index}")
    return lines


def fingerprint(lines: list[str]) -> str:
    """docs/data-model.md: SHA-256 of the lines, trailing whitespace removed, joined with \\n."""
    text = "\n".join(line.rstrip(" \t\r") for line in lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def git_repo(ctx: Context, name: str, files: dict[str, str], *, commit: bool = True) -> Path:
    """A new repository holding ``files`` (path -> text), committed by a human."""
    root = ctx.fresh_dir(name)
    ctx.run(["git", "init", "-q", "-b", "main", str(root)], root)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if commit and files:
        ctx.run(["git", "add", "-A"], root)
        ctx.run(["git", "commit", "-q", "--no-verify", "-m", "Initial import"], root)
    return root


def git_dir(ctx: Context, root: Path) -> Path:
    out = ctx.run(["git", "rev-parse", "--absolute-git-dir"], root).stdout.strip()
    return Path(out)
