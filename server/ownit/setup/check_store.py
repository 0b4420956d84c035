"""Doctor checks of the store: it opens, is intact and of a schema this ownit reads; files
an earlier open moved aside; agent records waiting for a usable store."""

from __future__ import annotations

from ownit.agents.record import checkpoints_dir, pending_count
from ownit.core.doctor import Check, fail, ok, warn
from ownit.git.repo import Repository, store_path
from ownit.store.health import inspect_store
from ownit.store.schema import SCHEMA_VERSION

REPAIR = "ownit status (moves the file aside, keeping it, and starts a fresh store)"


def check_store(repo: Repository) -> list[Check]:
    path = store_path(repo)
    health = inspect_store(path)
    checks: list[Check] = []
    if not health.exists:
        checks.append(ok("store", f"{path}: not created yet (the first mark or claim does)"))
    elif health.too_new:
        checks.append(
            fail(
                "store",
                f"{path} was written by a newer ownit (schema {health.schema_version}; this"
                f" one reads up to {SCHEMA_VERSION}); it is left untouched",
                "upgrade ownit to the version that wrote it",
            )
        )
    elif health.problem is not None:
        checks.append(fail("store", f"{path}: {health.problem}", REPAIR))
    else:
        version = health.schema_version or 0
        note = "" if version == SCHEMA_VERSION else f"; migrated to {SCHEMA_VERSION} on next use"
        checks.append(ok("store", f"{path}: integrity ok, schema {version or 'new'}{note}"))
    if health.moved_aside:
        names = ", ".join(p.name for p in health.moved_aside[:3])
        more = f" and {len(health.moved_aside) - 3} more" if len(health.moved_aside) > 3 else ""
        checks.append(
            warn(
                "store moved aside",
                f"{len(health.moved_aside)} unreadable store file(s) set aside in {path.parent}:"
                f" {names}{more}; what was recorded before is in them",
                f"delete them once you no longer need them: rm {path.parent}/"
                f"{path.name}.unreadable-*",
            )
        )
    checks.extend(_queue(repo))
    return checks


def _queue(repo: Repository) -> list[Check]:
    waiting = pending_count(repo)
    pending = checkpoints_dir(repo) / "pending"
    bad = sorted(pending.glob("*.bad")) if pending.is_dir() else []
    checks: list[Check] = []
    if waiting:
        checks.append(
            warn(
                "agent queue",
                f"{waiting} agent record(s) wait in {pending} for a usable store",
                "the next agent checkpoint records them once the store opens (see `store`)",
            )
        )
    if bad:
        checks.append(
            warn(
                "agent queue",
                f"{len(bad)} queued agent record(s) could not be read ({pending}/*.bad)",
                f"look at them, then delete them: rm {pending}/*.bad",
            )
        )
    if not checks:
        checks.append(ok("agent queue", "no agent record waiting"))
    return checks
