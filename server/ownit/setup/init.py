"""`ownit init`: a policy file, the git hooks and the agents' hooks, in one idempotent step.

- ``.ownit.yaml`` is written from a preset (:mod:`ownit.core.presets`) only when there is
  none; one that is there is never overwritten, unless ``force``, which keeps it as
  ``.ownit.yaml.bak`` (``.ownit.yaml.<n>.bak`` when that is taken) first.
- The git hooks are installed by :func:`ownit.commit.install.install` unless each one already is
  the script this ownit would write.
- Agent hooks are added (project level, as ``ownit agent install`` does) for the agents
  asked for; the agents found in the project but not asked for are only reported.

Running it again changes nothing; :attr:`InitResult.changed` says whether anything did.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ownit.core.policy import POLICY_FILE
from ownit.git import run as git
from ownit.git.repo import Repository
from ownit.whole_file import write_whole


class InitError(Exception):
    """Something init cannot do safely; the message (one or more lines) says what to do."""


@dataclass(frozen=True, slots=True)
class Step:
    """One thing init looked at: what it is, where, and what it did."""

    what: str  # ".ownit.yaml", a hook name, an agent name
    path: Path
    action: str  # created/replaced/kept/unchanged · installed/updated/chained · offered
    detail: str = ""

    @property
    def changed(self) -> bool:
        return self.action in ("created", "replaced", "installed", "updated", "chained")


@dataclass(slots=True)
class InitResult:
    policy: Step
    hooks: list[Step]
    agents: list[Step] = field(default_factory=list)
    to_commit: list[str] = field(default_factory=list)  # repo-relative, not committed yet

    @property
    def changed(self) -> bool:
        return any(step.changed for step in (self.policy, *self.hooks, *self.agents))

    @property
    def failed(self) -> list[Step]:
        return [step for step in self.agents if step.action == "failed"]


# --------------------------------------------------------------------------- policy
def _backup_path(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    n = 1
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.name}.{n}.bak")
        n += 1
    return candidate


def policy_text(preset: str) -> str:
    """The ``.ownit.yaml`` of ``preset`` (PresetError for an unknown one)."""
    from ownit.core.presets import render_preset
    from ownit.policy_files import example_policy_text

    return render_preset(preset, example_policy_text())


def write_policy(toplevel: Path, text: str, preset: str, *, force: bool) -> Step:
    path = toplevel / POLICY_FILE
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise InitError(f"{POLICY_FILE} is not a regular file; move it away and run again")
    if not path.exists():
        write_whole(path, text)
        return Step(POLICY_FILE, path, "created", f"preset {preset}")
    try:
        current = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        current = None
    if current == text:
        return Step(POLICY_FILE, path, "unchanged", f"preset {preset}")
    if not force:
        return Step(
            POLICY_FILE,
            path,
            "kept",
            f"yours is kept; --force writes preset {preset}, keeping yours as a .bak",
        )
    backup = _backup_path(path)
    os.replace(path, backup)
    write_whole(path, text)
    return Step(POLICY_FILE, path, "replaced", f"preset {preset}; yours is kept as {backup.name}")


# ---------------------------------------------------------------------------- hooks
def install_git_hooks(toplevel: Path) -> list[Step]:
    """ownit's git hooks, installed unless each already is the current script."""
    from ownit.commit.install import HookInstallError, install
    from ownit.setup.hook_state import hook_states

    states = hook_states(toplevel)
    if all(state.ok for state in states):
        return [Step(s.name, s.path, "unchanged", _chained_note(s.chained)) for s in states]
    try:
        actions = install(toplevel)
    except HookInstallError as error:
        raise InitError(f"the git hooks were not installed:\n{error}") from None
    current = {state.name for state in states if state.ok}
    return [
        Step(a.name, a.path, "unchanged" if a.name in current else a.action, a.detail)
        for a in actions
    ]


def _chained_note(chained: Path | None) -> str:
    return f"runs {chained.name} first" if chained is not None else ""


# --------------------------------------------------------------------------- agents
def install_agents(repo: Repository, agents: Iterable[str]) -> list[Step]:
    """ownit's hook in each agent's project settings (``ownit agent install NAME``); a
    settings file that cannot be changed safely is a ``failed`` step, the others go on."""
    from ownit.agents.clone_python import record_python
    from ownit.agents.install import InstallError, install, settings_path

    steps: list[Step] = []
    for agent in agents:
        path = settings_path(agent, "project", repo.toplevel, Path.home())
        try:
            steps.append(Step(agent, path, install(agent, path, None)))
        except InstallError as error:
            steps.append(Step(agent, path, "failed", str(error)))
    if any(step.action != "failed" for step in steps):
        record_python(repo.toplevel, sys.executable)
    return steps


def offered_agents(repo: Repository, found: dict[str, str], chosen: Iterable[str]) -> list[Step]:
    """Agents found in the project whose hook is neither asked for nor installed."""
    from ownit.agents.install import has_entry, settings_path

    steps: list[Step] = []
    for agent, marker in found.items():
        if agent in chosen:
            continue
        path = settings_path(agent, "project", repo.toplevel, Path.home())
        if has_entry(agent, path):
            steps.append(Step(agent, path, "unchanged", f"found {marker}"))
        else:
            steps.append(Step(agent, path, "offered", f"found {marker}"))
    return steps


# ------------------------------------------------------------------------ to commit
def uncommitted(toplevel: Path, paths: Iterable[Path]) -> list[str]:
    """Of ``paths``, those git shows as new or changed (what the user should commit)."""
    rels = [p.relative_to(toplevel).as_posix() for p in paths if p.is_file()]
    if not rels:
        return []
    out = git.run(
        ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *rels],
        toplevel,
        check=False,
    ).stdout
    listed = {git.text(entry[3:]) for entry in out.split(b"\0") if len(entry) > 3}
    return [rel for rel in rels if rel in listed]


def initialize(
    repo: Repository,
    preset: str,
    *,
    force: bool,
    agents: Iterable[str],
    found: dict[str, str],
) -> InitResult:
    """Set ``repo`` up: hooks first (a refusal leaves everything as it was), then the
    policy, then the agents asked for."""
    text = policy_text(preset)
    hooks = install_git_hooks(repo.toplevel)
    policy = write_policy(repo.toplevel, text, preset, force=force)
    chosen = list(dict.fromkeys(agents))
    result = InitResult(policy, hooks)
    result.agents = install_agents(repo, chosen) + offered_agents(repo, found, chosen)
    committed = [policy.path] + [s.path for s in result.agents if s.action != "offered"]
    result.to_commit = uncommitted(repo.toplevel, committed)
    return result
