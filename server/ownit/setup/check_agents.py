"""Doctor checks of the agents' hooks: installed, current, and able to run ownit here.

A hook's command (``ownit.agents.install.hook_command``) runs ``ownit`` from PATH, else an
interpreter: the one user-level settings name, or for project settings the one this clone
recorded in git config ``ownit.python``, else a ``python3`` that has ownit. The check walks
the same order on this machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from ownit.agents.install import (
    SUPPORTED,
    InstallError,
    hook_command,
    is_ownit_command,
    read_settings,
    settings_path,
)
from ownit.core.doctor import Check, fail, ok, warn

_USER_PYTHON = re.compile(r"elif \[ -x ('(?:[^']|'\\'')*') \]; then exec ")


def _commands(agent: str, data: object) -> list[str]:
    """Every command string in the settings that is ownit's hook for ``agent``."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and is_ownit_command(value, agent):
            found.append(value)

    walk(data)
    return found


def _has_ownit(python: str) -> bool:
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        return False
    try:
        done = subprocess.run(
            [python, "-c", "import ownit"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _runner(command: str, agent: str, recorded: str | None, scope: str) -> tuple[str | None, str]:
    """(what runs ownit, or None; the command's form: portable/user/unknown).

    Project settings are committed by anyone: only the portable form is accepted there,
    so no path a repository file names is ever run (user settings are the user's own)."""
    on_path = shutil.which("ownit")
    if command == hook_command(agent, None):
        if on_path:
            return f"ownit on PATH ({on_path})", "portable"
        if recorded and _has_ownit(recorded):
            return f"{recorded} (git config ownit.python)", "portable"
        python3 = shutil.which("python3")
        if python3 and _has_ownit(python3):
            return f"python3 ({python3})", "portable"
        return None, "portable"
    if scope != "user":
        return None, "unknown"
    named = _USER_PYTHON.search(command)
    python = named.group(1)[1:-1].replace("'\\''", "'") if named else None
    if python is not None and command == hook_command(agent, python):
        if on_path:
            return f"ownit on PATH ({on_path})", "user"
        return (python if _has_ownit(python) else None), "user"
    return None, "unknown"


def _shown(path: Path, toplevel: Path) -> str:
    try:
        return path.relative_to(toplevel).as_posix()
    except ValueError:
        return str(path)


def _one(agent: str, scope: str, shown: str, command: str, recorded: str | None) -> Check:
    name = f"agent {agent}" + (" (user)" if scope == "user" else "")
    flag = " --user" if scope == "user" else ""
    reinstall = f"ownit agent install {agent}{flag}"
    runner, form = _runner(command, agent, recorded, scope)
    if form == "unknown":
        return fail(name, f"{shown}: ownit's hook was edited or is outdated", reinstall)
    if runner is None:
        where = (
            "not on PATH, no usable git config ownit.python, no python3 with ownit"
            if form == "portable"
            else "not on PATH, and the interpreter it names is gone or has no ownit"
        )
        return fail(
            name, f"{shown}: the hook cannot run ownit on this machine ({where})", reinstall
        )
    return ok(name, f"installed in {shown}; runs {runner}")


def check_agents(
    toplevel: Path, home: Path, found: dict[str, str], recorded: str | None
) -> list[Check]:
    """One check per agent settings file holding ownit's hook (project and user level),
    and a warning for each agent found in the project without it."""
    checks: list[Check] = []
    for agent in SUPPORTED:
        installed = False
        for scope in ("project", "user"):
            try:
                path = settings_path(agent, scope, toplevel, home)
                data, _ = read_settings(path)
            except InstallError as error:
                if "use --project" not in str(error):
                    checks.append(fail(f"agent {agent}", str(error), "fix the file by hand"))
                continue
            for command in _commands(agent, data)[:1]:
                installed = installed or scope == "project"
                checks.append(_one(agent, scope, _shown(path, toplevel), command, recorded))
        if agent in found and not installed:
            checks.append(
                warn(
                    f"agent {agent}",
                    f"found {found[agent]}, but its project settings have no ownit hook",
                    f"ownit agent install {agent}",
                )
            )
    if not checks:
        checks.append(ok("agents", "no agent hook set up and no agent found in the project"))
    return checks
