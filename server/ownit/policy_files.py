"""Reading a working tree's policy inputs from disk: `.ownit.yaml`, `.gitattributes`,
CODEOWNERS. The thin I/O side of ``ownit.core.policy`` (which stays pure); the CLI, the
language server and the hooks share it. Reading the policy at a *commit* (what `ownit
verify` must do, from the base of the range) is ``load_policy(blob_text, path)`` on the blob.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from ownit.core.policy import (
    MAX_FILE_BYTES,
    POLICY_FILE,
    Policy,
    PolicyError,
    PolicyProblem,
    default_policy,
    load_policy,
)
from ownit.core.printable import printable
from ownit.core.record import Record, set_field
from ownit.regular_file import NotRegularFileError, read_regular

EXAMPLE_POLICY = "policy.example.yaml"  # package data of ownit; equal to default_policy()
CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_SIDE_FILE_BYTES = 1024 * 1024


class LoadedPolicy(Record):
    """The policy in force for a working tree and where it came from.

    ``path`` is None when the tree has no ``.ownit.yaml`` (the built-in defaults apply).
    When the file is invalid, ``policy`` is None and ``problems`` says why. A slotted
    record, not a dataclass: every hook makes one (issue 13, start-up).
    """

    __slots__ = ("path", "policy", "problems")
    policy: Policy | None
    path: Path | None
    problems: tuple[PolicyProblem, ...]

    def __init__(
        self, policy: Policy | None, path: Path | None, problems: tuple[PolicyProblem, ...] = ()
    ) -> None:
        set_field(self, "policy", policy)
        set_field(self, "path", path)
        set_field(self, "problems", problems)


def example_policy_text() -> str:
    """The commented example policy shipped in the package: every key documented, and
    exactly the built-in defaults (a test keeps the two equal)."""
    from importlib.resources import files

    return files("ownit").joinpath(EXAMPLE_POLICY).read_text(encoding="utf-8")


def read_policy_text(path: Path, display: str | None = None) -> str:
    """The file's text, refusing (``PolicyError``) files over the size cap or not UTF-8.

    Raises ``OSError`` when it cannot be read at all (missing, a directory, no permission,
    a named pipe or a device: :class:`~ownit.regular_file.NotRegularFileError`, never read).
    """
    name = display or str(path)
    data = read_regular(path, MAX_FILE_BYTES + 1)
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
    """The policy of the working tree at ``toplevel``: its `.ownit.yaml`, else the defaults.

    A valid file's policy is remembered in the git directory (``ownit/policy-cache.json``,
    by the SHA-256 of the text and ownit's version): while the file does not change, the
    hooks read it back without YAML or the loader (issue 13). An invalid file is always
    read again, so its problems are always reported.
    """
    path = toplevel / POLICY_FILE
    if not path.exists() or path.is_dir():
        return LoadedPolicy(default_policy(), None)
    try:
        text = read_policy_text(path, POLICY_FILE)
        return LoadedPolicy(_remembered_policy(toplevel, text), path)
    except PolicyError as error:
        return LoadedPolicy(None, path, tuple(error.problems))
    except OSError as error:
        return LoadedPolicy(None, path, (PolicyProblem(POLICY_FILE, 1, 1, _unreadable(error)),))


def _unreadable(error: OSError) -> str:
    if isinstance(error, NotRegularFileError):  # a named pipe: refused, never read
        return f"{error.strerror}: a policy must be a regular file; replace it with one"
    return f"cannot read: {error}"


def policy_in_force(loaded: LoadedPolicy, last_good: Policy | None = None) -> Policy:
    """The one rule for an invalid policy file: the policy in force is then the last good
    one (``last_good``: the editor keeps the one it had), else the built-in defaults; the
    file's problems are said to the user (:func:`invalid_policy_lines`, diagnostics)."""
    if loaded.policy is not None:
        return loaded.policy
    return last_good if last_good is not None else default_policy()


def invalid_policy_lines(loaded: LoadedPolicy, checked: str) -> list[str]:
    """What to tell the user when the tree's policy file is invalid (nothing when it is
    valid or absent): each problem, then that ``checked`` (e.g. "this commit is checked")
    goes by the built-in defaults instead."""
    if loaded.policy is not None:
        return []
    return [str(problem) for problem in loaded.problems] + [
        f"the policy file is not valid; {checked} against the built-in default policy"
        " (see `ownit policy check`)"
    ]


def tree_policy(
    toplevel: Path, err: TextIO | None = None, checked: str = "this commit is checked"
) -> tuple[Policy, str | None]:
    """The working tree's policy in force and its ``.gitattributes``: an invalid policy
    file means the built-in defaults, said on ``err`` (when given) as ``ownit: `` lines."""
    loaded = load_tree_policy(toplevel)
    if err is not None:
        for line in invalid_policy_lines(loaded, checked):
            print(f"ownit: {printable(line)}", file=err)
    return policy_in_force(loaded), read_gitattributes(toplevel)


POLICY_CACHE = "policy-cache.json"  # in <git dir>/ownit/


def _remembered_policy(toplevel: Path, text: str) -> Policy:
    """``load_policy(text)``, or the same policy as remembered for exactly this text."""
    cache = _cache_file(toplevel)
    key = _cache_key(text)
    if cache is not None:
        found = _read_cache(cache, key)
        if found is not None:
            return found
    policy = load_policy(text, POLICY_FILE)
    if cache is not None:
        _write_cache(cache, key, policy)
    return policy


def _cache_key(text: str) -> str:
    from ownit import __version__
    from ownit.core.fingerprint import sha256  # (not hashlib's: see there)
    from ownit.core.policy.snapshot import SNAPSHOT_FORMAT

    digest = sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{POLICY_FILE} {digest} ownit {__version__} format {SNAPSHOT_FORMAT}"


def _cache_file(toplevel: Path) -> Path | None:
    """Where the working tree's policy is remembered: in its git directory (``.git``, or
    the directory a linked worktree's ``.git`` file names); None outside a repository."""
    dot_git = toplevel / ".git"
    try:
        if dot_git.is_dir():
            return dot_git / "ownit" / POLICY_CACHE
        if dot_git.is_file():
            text = read_regular(dot_git, 64 * 1024).decode("utf-8", "replace")
            first = text.replace("\r\n", "\n").partition("\n")[0]
            if first.startswith("gitdir:"):
                git_dir = Path(first[len("gitdir:") :].strip())
                git_dir = git_dir if git_dir.is_absolute() else toplevel / git_dir
                if git_dir.is_dir():
                    return git_dir / "ownit" / POLICY_CACHE
    except OSError:
        pass
    return None


def _read_cache(cache: Path, key: str) -> Policy | None:
    import json

    from ownit.core.policy.snapshot import SnapshotError, from_snapshot

    try:
        data = json.loads(read_regular(cache).decode("utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        policy = from_snapshot(data.get("policy"))
    except (OSError, ValueError, SnapshotError, RecursionError):
        return None  # missing, stale or damaged: the file is read again
    return policy if policy.source == POLICY_FILE else None


def _write_cache(cache: Path, key: str, policy: Policy) -> None:
    import contextlib
    import json
    import os

    from ownit.core.policy.snapshot import to_snapshot

    text = json.dumps({"key": key, "policy": to_snapshot(policy)}, separators=(",", ":"))
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, cache)
    except OSError:  # a read-only repository: nothing is remembered
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _read_small(path: Path) -> str | None:
    try:
        data = read_regular(path, MAX_SIDE_FILE_BYTES)
    except OSError:  # missing, unreadable, or not a regular file (never read)
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
