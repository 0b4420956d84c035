"""Doctor check of the signing key, where the policy asks for signed claims.

Signed claims use git's own signing configuration (``gpg.format`` openpgp, x509 or ssh,
``user.signingKey``). The policy key ``signatures: off | warn | require`` (per rule) is
read defensively: a policy without it asks for none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ownit.core.doctor import Check, fail, ok, skip, warn
from ownit.git import run as git

FORMATS = ("openpgp", "x509", "ssh")


def _value(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value)).strip().lower() or None


def signature_demands(policy: Any) -> list[tuple[str, str]]:
    """(where, ``warn`` | ``require``) for each place of the policy that asks for signed
    claims; attributes the policy does not have count as ``off``."""
    places: list[tuple[str, Any]] = [("policy", policy)]
    defaults = getattr(policy, "defaults", None)
    places.append(("defaults", defaults))
    for rule in getattr(policy, "rules", ()) or ():
        name = f"rule {getattr(rule, 'name', '?')!r}"
        places += [(name, rule), (name, getattr(rule, "settings", None))]
    demands: list[tuple[str, str]] = []
    for where, holder in places:
        value = _value(getattr(holder, "signatures", None))
        if value in ("warn", "require") and (where, value) not in demands:
            demands.append((where, value))
    return demands


def _config(toplevel: Path, key: str) -> str | None:
    out = git.run(["config", "--get", key], toplevel, check=False)
    value = git.text(out.stdout).strip()
    return value or None


def _lists_secret_key(program: str, key: str) -> bool:
    try:
        done = subprocess.run(
            [program, "--batch", "--list-secret-keys", "--", key],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and bool(done.stdout.strip())


def _ssh_problem(key: str | None, toplevel: Path) -> str | None:
    if key is None:
        if _config(toplevel, "gpg.ssh.defaultKeyCommand"):
            return None
        return "gpg.format is ssh but user.signingKey is not set"
    if key.startswith(("key::", "ssh-", "ecdsa-", "sk-")):
        return None  # the public key itself
    path = Path(key).expanduser()
    if not path.is_absolute():
        path = toplevel / path
    if not path.is_file():
        return f"user.signingKey {key}: no such file"
    if not os.access(path, os.R_OK):
        return f"user.signingKey {key}: not readable"
    return None


def _gpg_problem(kind: str, key: str | None, toplevel: Path) -> str | None:
    default = "gpgsm" if kind == "x509" else "gpg"
    program = _config(toplevel, f"gpg.{kind}.program") or (
        _config(toplevel, "gpg.program") if kind == "openpgp" else None
    )
    program = program or default
    if shutil.which(program) is None:
        return f"gpg.format is {kind} but {program} is not installed"
    wanted = key or _config(toplevel, "user.email")
    if wanted is None:
        return "no user.signingKey (nor user.email to find a key by)"
    if not _lists_secret_key(program, wanted):
        return f"{program} has no secret key for {wanted}"
    return None


def check_signing(toplevel: Path, policy: Any) -> Check:
    demands = signature_demands(policy) if policy is not None else []
    if not demands:
        return skip("signing", "the policy asks for no signed claims")
    asked = ", ".join(f"{where}: {value}" for where, value in demands)
    kind = (_config(toplevel, "gpg.format") or "openpgp").lower()
    key = _config(toplevel, "user.signingKey")
    if kind not in FORMATS:
        problem: str | None = f"gpg.format {kind!r} is not one of {', '.join(FORMATS)}"
    elif kind == "ssh":
        problem = _ssh_problem(key, toplevel)
    else:
        problem = _gpg_problem(kind, key, toplevel)
    if problem is None:
        return ok("signing", f"{kind} key {key or '(by email)'} ready ({asked})")
    fix = (
        "git config gpg.format ssh && git config user.signingKey ~/.ssh/id_ed25519.pub"
        if kind != "openpgp"
        else "git config user.signingKey <key id> (a key `gpg --list-secret-keys` shows)"
    )
    report = fail if any(value == "require" for _, value in demands) else warn
    return report("signing", f"{problem} (the policy asks: {asked})", fix)
