"""The interpreter a clone records for its project-level agent hooks (git config
``ownit.python``, local to the clone): the committed settings name no path of a machine, so
each clone says which Python its hook falls back on when ``ownit`` is not on PATH."""

from __future__ import annotations

from pathlib import Path

from ownit.agents.install import PYTHON_CONFIG
from ownit.git import run as git


def recorded_python(toplevel: Path) -> str | None:
    """The interpreter this clone recorded, or None."""
    found = git.run(["config", "--local", "--get", PYTHON_CONFIG], toplevel, check=False)
    value = git.text(found.stdout).strip()
    return value or None


def record_python(toplevel: Path, python: str) -> bool:
    """Record ``python`` for this clone; False when it was already the one recorded."""
    if recorded_python(toplevel) == python:
        return False
    git.run(["config", "--local", PYTHON_CONFIG, python], toplevel)
    return True


def forget_python(toplevel: Path) -> None:
    git.run(["config", "--local", "--unset", PYTHON_CONFIG], toplevel, check=False)
