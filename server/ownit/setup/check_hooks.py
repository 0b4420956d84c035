"""Doctor checks of the git hooks: installed, current, and where git looks for them."""

from __future__ import annotations

from pathlib import Path

from ownit.core.doctor import Check, fail, ok, warn
from ownit.git import run as git
from ownit.setup.hook_state import HookState, hook_states

FIX = "ownit hooks install"

_PROBLEM = {
    "missing": "not installed",
    "foreign": "another program's hook is there, not ownit's",
    "not-a-file": "is not a file",
    "edited": "was edited, or written by another ownit version",
    "python-gone": "runs {python}, which no longer exists",
    "other-python": "runs ownit from another Python ({python})",
}


def _problem(state: HookState) -> str:
    return f"{state.name} " + _PROBLEM[state.state].format(python=state.python)


def check_hooks(toplevel: Path) -> Check:
    states = hook_states(toplevel)
    chained = [f"{s.name} runs {s.chained.name} first" for s in states if s.chained is not None]
    bad = [state for state in states if not state.ok]
    if not bad:
        detail = "prepare-commit-msg, commit-msg and post-commit installed and current"
        return ok("hooks", detail + (f" ({'; '.join(chained)})" if chained else ""))
    problems = "; ".join(_problem(state) for state in bad)
    if all(state.state == "other-python" for state in bad):
        return warn("hooks", problems, FIX + " (to run this ownit)")
    fix = FIX
    if any(state.state == "foreign" for state in bad):
        fix += " (moves the other hook to <name>.ownit-chained and runs it first)"
    return fail("hooks", problems, fix)


def _hooks_path(toplevel: Path) -> str | None:
    out = git.run(["config", "--get", "core.hooksPath"], toplevel, check=False)
    value = git.text(out.stdout).strip()
    return value or None


def check_hooks_path(toplevel: Path, hooks: Check) -> Check:
    """``core.hooksPath``: git runs the hooks there and nowhere else (husky and the like)."""
    configured = _hooks_path(toplevel)
    if configured is None:
        return ok("hooks path", "git runs the hooks in the repository's hooks folder")
    if hooks.status == "ok":
        return ok("hooks path", f"core.hooksPath is {configured}; ownit's hooks are there")
    return fail(
        "hooks path",
        f"core.hooksPath is {configured}: git runs the hooks there only, and ownit's are "
        "not (all) there",
        f"{FIX} (installs them in {configured}), or git config --unset core.hooksPath",
    )
