"""Reading a working tree's policy inputs from disk: `.ownit.yaml`, `.gitattributes`,
CODEOWNERS. The thin I/O side of ``ownit.core.policy`` (which stays pure); the CLI, the
language server and the hooks share it. Reading the policy at a *commit* (what `ownit
verify` must do, from the base of the range) is ``load_policy(blob_text, path)`` on the blob.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.core.policy import (
    MAX_FILE_BYTES,
    POLICY_FILE,
    Policy,
    PolicyError,
    PolicyProblem,
    default_policy,
    load_policy,
)

if TYPE_CHECKING:
    from ownit.core.policy import EffectiveRule
    from ownit.core.policy.model import RuleMatch

EXAMPLE_POLICY = "policy.example.yaml"  # package data of ownit; equal to default_policy()
CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_SIDE_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    """The policy in force for a working tree and where it came from.

    ``path`` is None when the tree has no ``.ownit.yaml`` (the built-in defaults apply).
    When the file is invalid, ``policy`` is None and ``problems`` says why.
    """

    policy: Policy | None
    path: Path | None
    problems: tuple[PolicyProblem, ...] = ()


def example_policy_text() -> str:
    """The commented example policy shipped in the package: every key documented, and
    exactly the built-in defaults (a test keeps the two equal)."""
    from importlib.resources import files

    return files("ownit").joinpath(EXAMPLE_POLICY).read_text(encoding="utf-8")


def read_policy_text(path: Path, display: str | None = None) -> str:
    """The file's text, refusing (``PolicyError``) files over the size cap or not UTF-8.

    Raises ``OSError`` when it cannot be read at all (missing, a directory, no permission).
    """
    name = display or str(path)
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise PolicyError(
            [
                PolicyProblem(
                    name,
                    1,
                    1,
                    f"file is larger than {MAX_FILE_BYTES} bytes, the limit for a policy",
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", "replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise PolicyError(
            [PolicyProblem(name, line, column, "not UTF-8 text: a policy file must be UTF-8")]
        ) from None


def load_policy_file(path: Path, display: str | None = None) -> Policy:
    """``load_policy`` on a file; ``PolicyError`` for invalid content, ``OSError`` if unreadable."""
    name = display or str(path)
    return load_policy(read_policy_text(path, name), name)


def load_tree_policy(toplevel: Path) -> LoadedPolicy:
    """The policy of the working tree at ``toplevel``: its `.ownit.yaml`, else the defaults."""
    path = toplevel / POLICY_FILE
    if not path.is_file():
        return LoadedPolicy(default_policy(), None)
    try:
        return LoadedPolicy(load_policy_file(path, POLICY_FILE), path)
    except PolicyError as error:
        return LoadedPolicy(None, path, tuple(error.problems))
    except OSError as error:
        return LoadedPolicy(
            None, path, (PolicyProblem(POLICY_FILE, 1, 1, f"cannot read: {error}"),)
        )


def _read_small(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SIDE_FILE_BYTES)
    except OSError:
        return None
    return data.decode("utf-8", "replace")


def read_gitattributes(toplevel: Path) -> str | None:
    """The top-level `.gitattributes` text (nested ones are not read), or None."""
    return _read_small(toplevel / ".gitattributes")


def read_codeowners(toplevel: Path) -> tuple[str, str] | None:
    """(location, text) of the CODEOWNERS file GitHub would use, or None."""
    for location in CODEOWNERS_LOCATIONS:
        text = _read_small(toplevel / location)
        if text is not None:
            return location, text
    return None


@dataclass(frozen=True, slots=True)
class PathPolicy:
    """What ``policy`` says of one path of the working tree (`ownit policy explain`)."""

    path: str  # relative to the top level, with /
    excluded_because: str | None
    effective: EffectiveRule
    matches: tuple[RuleMatch, ...]  # the rules that apply, in order (the last one wins)
    codeowners: tuple[str, ...]  # whom CODEOWNERS lists for it
    codeowners_location: str | None  # the CODEOWNERS file read (None: there is none)


def explain_path(policy: Policy, toplevel: Path, path: str) -> PathPolicy:
    """What ``policy`` says of ``path`` (relative to ``toplevel``, with /), with the
    working tree's `.gitattributes` and CODEOWNERS."""
    from ownit.core.policy import codeowners_for

    codeowners_file = read_codeowners(toplevel)
    return PathPolicy(
        path,
        policy.exclusion_reason(path, read_gitattributes(toplevel)),
        policy.effective(path),
        tuple(policy.explain(path)),
        codeowners_for(codeowners_file[1], path) if codeowners_file else (),
        codeowners_file[0] if codeowners_file else None,
    )
