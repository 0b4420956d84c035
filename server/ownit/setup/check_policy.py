"""Doctor checks of the policy inputs: `.ownit.yaml` valid, `.gitattributes` and CODEOWNERS
readable (and there when the policy asks for CODEOWNERS owners)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ownit.core.doctor import Check, fail, ok, skip, warn
from ownit.core.policy import POLICY_FILE
from ownit.policy_files import CODEOWNERS_LOCATIONS, MAX_SIDE_FILE_BYTES, LoadedPolicy


def check_policy(loaded: LoadedPolicy) -> Check:
    if loaded.path is None:
        return ok(
            "policy", f"no {POLICY_FILE}: the built-in defaults apply (ownit init writes one)"
        )
    if loaded.policy is None:
        shown = "; ".join(str(problem) for problem in loaded.problems[:3])
        more = len(loaded.problems) - 3
        extra = f" (and {more} more)" if more > 0 else ""
        return fail(
            "policy",
            f"{len(loaded.problems)} problem(s): {shown}{extra}; the built-in defaults apply "
            "meanwhile",
            "ownit policy check (lists every problem), then edit .ownit.yaml",
        )
    return ok("policy", f"{POLICY_FILE}: valid, {len(loaded.policy.rules)} rule(s)")


def _readable(path: Path) -> str | None:
    """Why ``path`` (which exists) cannot be read, or None."""
    if path.is_dir():
        return "is a directory"
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    return None


def check_gitattributes(toplevel: Path) -> Check:
    path = toplevel / ".gitattributes"
    if not path.exists():
        return skip(".gitattributes", "none")
    problem = _readable(path)
    if problem is not None:
        return fail(".gitattributes", f"{path} {problem}", f"fix or remove {path}")
    return ok(".gitattributes", "readable")


def _codeowner_rules(policy: Any) -> list[str]:
    asking = []
    if policy is not None and policy.defaults.codeowner:
        asking.append("defaults")
    for rule in getattr(policy, "rules", ()) or ():
        if rule.settings.codeowner:
            asking.append(f"rule {rule.name!r}")
    return asking


def check_codeowners(toplevel: Path, policy: Any) -> Check:
    asking = _codeowner_rules(policy)
    for location in CODEOWNERS_LOCATIONS:
        path = toplevel / location
        if not path.exists():
            continue
        problem = _readable(path)
        if problem is not None:
            return fail("CODEOWNERS", f"{location} {problem}", f"fix or remove {location}")
        if path.stat().st_size > MAX_SIDE_FILE_BYTES:
            return warn(
                "CODEOWNERS",
                f"{location} is larger than {MAX_SIDE_FILE_BYTES} bytes; ownit reads the first"
                " part only",
                "make it smaller",
            )
        return ok("CODEOWNERS", f"{location} readable")
    if asking:
        return fail(
            "CODEOWNERS",
            f"{', '.join(asking)} of the policy ask for a CODEOWNERS owner, but there is no"
            f" CODEOWNERS file ({', '.join(CODEOWNERS_LOCATIONS)})",
            "add .github/CODEOWNERS, or set codeowner: false in .ownit.yaml",
        )
    return skip("CODEOWNERS", "none (the policy asks for no CODEOWNERS owner)")
