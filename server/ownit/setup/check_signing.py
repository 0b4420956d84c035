"""Doctor check of the signing key, where the policy asks for signed claims.

Signed claims use git's own signing configuration (``gpg.format`` ssh or openpgp,
``user.signingKey``), read and checked by ``ownit.git.signing``, which signs them. The
policy key ``signatures: off | warn | require`` (per rule) is read defensively: a policy
without it asks for none.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from ownit.core.doctor import Check, fail, ok, skip, warn


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


def _problem(toplevel: Path, email: str | None) -> tuple[str | None, str, str]:
    """(what stops signing, or None; the format; the key shown)."""
    from ownit.core.signing import SignatureFormat
    from ownit.git.signing import SigningError, read_signing_config, signer_for

    try:
        config = read_signing_config(toplevel)
        # The signer the hooks would sign with: for SSH this finds the key, as signing does.
        signer_for(config, toplevel, email or "")
    except SigningError as error:
        return str(error), "", ""
    key = config.signing_key or (email or "")
    if config.format is SignatureFormat.SSH:
        return None, "ssh", key or "(gpg.ssh.defaultKeyCommand)"
    if shutil.which(config.program) is None:
        return f"gpg.format is openpgp but {config.program} is not installed", "openpgp", key
    if not key:
        return "no user.signingKey, nor an e-mail address to find a key by", "openpgp", key
    if not _lists_secret_key(config.program, key):
        return f"{config.program} has no secret key for {key}", "openpgp", key
    return None, "openpgp", key


def check_signing(toplevel: Path, policy: Any, email: str | None = None) -> Check:
    """Whether claims can be signed here, with git's signing configuration (checked by
    ``ownit.git.signing``, which signs them), when the policy asks for signatures."""
    from ownit.git.signing import SSH_SETUP

    demands = signature_demands(policy) if policy is not None else []
    if not demands:
        return skip("signing", "the policy asks for no signed claims")
    asked = ", ".join(f"{where}: {value}" for where, value in demands)
    problem, kind, key = _problem(toplevel, email)
    if problem is None:
        return ok("signing", f"{kind} key {key} ready ({asked})")
    fix = (
        "git config user.signingKey <key id> (a key `gpg --list-secret-keys` shows)"
        if kind == "openpgp"
        else SSH_SETUP
    )
    report = fail if any(value == "require" for _, value in demands) else warn
    return report("signing", f"{problem} (the policy asks: {asked})", fix)
