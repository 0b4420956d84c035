"""`ownit verify [REV-RANGE] [--all] [--json]`: check the claims of a range of commits (CI).

REV-RANGE is ``A..B`` (the commits of B not in A; the base is A), ``A...B`` (the base is
their merge base), or one commit ``R`` (just that commit; the base is its first parent).
Without one it is ``@{upstream}..HEAD``. ``--all`` checks every commit reachable from
HEAD (no base). The policy (``.ownit.yaml``, ``.gitattributes`` and CODEOWNERS) is read
from the BASE commit, never from the commits under review; with no base the built-in
default policy applies. Exit 0: no problems; 1: problems; 2: usage or input error.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownit.cli import EXIT_OK, EXIT_POLICY, EXIT_USAGE, UsageError

CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check the claims of a range of commits against the code and the policy (CI)",
        description=__doc__.split("\n", 2)[2] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "range",
        nargs="?",
        metavar="REV-RANGE",
        help="A..B, A...B or one commit (default: @{upstream}..HEAD)",
    )
    parser.add_argument(
        "--all", action="store_true", help="every commit reachable from HEAD (default policy)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print problems only, no info lines"
    )
    parser.set_defaults(handler=run)


@dataclass(frozen=True, slots=True)
class Range:
    spec: str  # as shown to the user
    revisions: tuple[str, ...]  # for git log
    base: str | None
    tip: str


def _resolve(cwd: Path, name: str, shallow: bool) -> str:
    from ownit.git import run as git

    found = git.rev(cwd, name)
    if found is None:
        hint = (
            " (this is a shallow clone: fetch the base too, e.g. fetch-depth: 0)" if shallow else ""
        )
        raise UsageError(f"unknown revision {name!r}{hint}")
    return found


def resolve_range(cwd: Path, spec: str | None, *, everything: bool) -> Range:
    from ownit.git import history
    from ownit.git import run as git

    shallow = history.is_shallow(cwd)
    if everything:
        if spec:
            raise UsageError("give either a REV-RANGE or --all, not both")
        tip = _resolve(cwd, "HEAD", shallow)
        return Range("--all (HEAD)", (tip,), None, tip)
    if spec is None:
        upstream = git.rev(cwd, "@{upstream}")
        if upstream is None:
            head = git.run(["symbolic-ref", "-q", "HEAD"], cwd, check=False)
            where = (
                "HEAD is detached"
                if head.returncode != 0
                else f"branch {git.text(head.stdout).strip().removeprefix('refs/heads/')} "
                "has no upstream"
            )
            raise UsageError(
                f"{where}; give the range to check, e.g. `ownit verify origin/main..HEAD`"
            )
        tip = _resolve(cwd, "HEAD", shallow)
        return Range("@{upstream}..HEAD", (tip, f"^{upstream}"), upstream, tip)
    if spec.startswith("-"):
        raise UsageError(f"not a revision range: {spec!r}")
    if "..." in spec:
        left, right = spec.split("...", 1)
        a = _resolve(cwd, left or "HEAD", shallow)
        b = _resolve(cwd, right or "HEAD", shallow)
        merge = git.run(["merge-base", a, b], cwd, check=False)
        base = git.text(merge.stdout).strip() or None
        if base is None:
            raise UsageError(f"{spec}: the two sides have no common ancestor")
        return Range(spec, (b, f"^{base}"), base, b)
    if ".." in spec:
        left, right = spec.split("..", 1)
        a = _resolve(cwd, left or "HEAD", shallow)
        b = _resolve(cwd, right or "HEAD", shallow)
        return Range(spec, (b, f"^{a}"), a, b)
    one = _resolve(cwd, spec, shallow)
    parents = history.parents(cwd, one)
    base = parents[0] if parents else None
    return Range(spec, (f"{one}^!",) if parents else (one,), base, one)


def run(args: argparse.Namespace) -> int:
    from ownit.core.policy import POLICY_FILE, PolicyError, default_policy, load_policy
    from ownit.core.verify import ERROR, Verifier, prepare
    from ownit.git import history
    from ownit.git.repo import GitError, find_repository

    cwd = Path.cwd()
    try:
        repo = find_repository(cwd)
    except GitError as error:
        raise UsageError(str(error)) from None
    if repo is None:
        raise UsageError("not inside a git repository")
    try:
        rng = resolve_range(cwd, args.range, everything=args.all)
        side_specs: list[str] = []
        if rng.base is not None:
            side_specs = [f"{rng.base}:{POLICY_FILE}", f"{rng.base}:.gitattributes"]
            side_specs += [f"{rng.base}:{loc}" for loc in CODEOWNERS_LOCATIONS]
        side_job = history.BatchRead(cwd, side_specs)  # runs while git log does
        commits = history.log(cwd, rng.revisions)
        side = side_job.result()
    except GitError as error:
        raise UsageError(str(error)) from None

    # The policy, from the base of the range.
    policy_note: str
    codeowners_text = gitattributes_text = None
    if rng.base is None:
        policy = default_policy()
        policy_note = "built-in defaults (the range has no base commit)"
    else:
        short = rng.base[:10]
        policy_blob = side[side_specs[0]]
        if policy_blob is None:
            policy = default_policy()
            policy_note = f"built-in defaults (no {POLICY_FILE} at base {short})"
        else:
            display = f"{short}:{POLICY_FILE}"
            try:
                policy = load_policy(policy_blob.decode("utf-8", "replace"), display)
            except PolicyError as error:
                for problem in error.problems:
                    print(problem, file=sys.stderr)
                print(
                    f"ownit: the policy at the base of the range ({display}) is not valid;"
                    " fix it on the base branch first",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            policy_note = f"{POLICY_FILE} at base {short}"
        attrs = side[side_specs[1]]
        gitattributes_text = attrs.decode("utf-8", "replace") if attrs is not None else None
        for spec in side_specs[2:]:
            blob = side[spec]
            if blob is not None:
                codeowners_text = blob.decode("utf-8", "replace")
                break

    prepared = prepare(commits, policy)
    reader: history.BlobReader | None = None
    try:
        ai_commits = list(prepared.ai)
        changed_job = history.start_changed_paths(cwd, ai_commits) if ai_commits else None
        wanted = prepared.blob_specs()
        wanted += [(rng.tip, path) for path in prepared.claimed_paths()]
        fetched = history.BatchRead(cwd, (f"{sha}:{path}" for sha, path in wanted)).result()
        cache: dict[tuple[str, str], list[str] | None] = {}
        for sha, path in wanted:
            data = fetched.get(f"{sha}:{path}")
            cache[(sha, path)] = None if data is None else history.git_lines(data)

        def blobs(sha: str, path: str) -> list[str] | None:
            nonlocal reader
            key = (sha, path)
            if key not in cache:
                if reader is None:
                    reader = history.BlobReader(cwd)
                data = reader.read_many([f"{sha}:{path}"])[f"{sha}:{path}"]
                cache[key] = None if data is None else history.git_lines(data)
            return cache[key]

        # Added lines are needed only where an AI-assisted commit changed a path it has
        # no claim for: a cheap name-only pass first, the line diff only for those.
        changed = history.changed_paths(changed_job, ai_commits) if changed_job else {}
        uncovered = [
            sha
            for sha, paths in changed.items()
            if set(paths) - {c.path for c in prepared.claims.get(sha, ())}
        ]
        added = history.added_lines(cwd, uncovered)
        after_revision = _after_revisions(cwd, policy, rng.tip)
        shallow = frozenset(history.shallow_commits(repo.common_dir))
        verifier = Verifier(
            policy,
            blobs=blobs,
            tip=rng.tip,
            codeowners_text=codeowners_text,
            gitattributes_text=gitattributes_text,
            after_revision=after_revision,
            shallow=shallow,
        )
        findings = verifier.run(commits, prepared, added)
    except GitError as error:
        raise UsageError(str(error)) from None
    finally:
        if reader is not None:
            reader.close()

    order = {c.sha: i for i, c in enumerate(commits)}
    findings.sort(key=lambda f: (order.get(f.commit, -1), f.severity != ERROR, f.path, f.first))
    errors = [f for f in findings if f.severity == ERROR]
    try:
        _output(args, rng, commits, prepared, policy_note, findings)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`| head`): nothing more to say
    return EXIT_POLICY if errors else EXIT_OK


def _output(
    args: argparse.Namespace,
    rng: Range,
    commits: list[Any],
    prepared: Any,
    policy_note: str,
    findings: list[Any],
) -> None:
    from ownit.core.verify import ERROR

    errors = [f for f in findings if f.severity == ERROR]
    if args.json:
        report: dict[str, Any] = {
            "range": rng.spec,
            "base": rng.base,
            "tip": rng.tip,
            "commits": len(commits),
            "aiAssistedCommits": len(prepared.ai),
            "claims": sum(len(c) for c in prepared.claims.values()),
            "policy": policy_note,
            "ok": not errors,
            "findings": [f.to_json() for f in findings if f.severity == ERROR],
            "info": [f.to_json() for f in findings if f.severity != ERROR],
        }
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print_text(rng, commits, prepared, policy_note, findings, quiet=args.quiet)


def _after_revisions(cwd: Path, policy: Any, tip: str) -> dict[str, frozenset[str]]:
    """For each ``history_since: <revision>`` of the policy, the commits after it."""
    from ownit.git import run as git

    values = {policy.defaults.history_since}
    values |= {r.settings.history_since for r in policy.rules if r.settings.history_since}
    out: dict[str, frozenset[str]] = {}
    for since in values:
        if since is None or since.kind != "revision":
            continue
        start = git.rev(cwd, since.value)
        if start is None:
            continue  # not in this clone: all history counts
        listed = git.run(["rev-list", tip, f"^{start}"], cwd, check=False)
        out[since.value] = frozenset(git.text(listed.stdout).split())
    return out


def _print_text(
    rng: Range,
    commits: list[Any],
    prepared: Any,
    policy_note: str,
    findings: list[Any],
    *,
    quiet: bool,
) -> None:
    from ownit.core.verify import ERROR

    out = sys.stdout
    count = len(commits)
    ai = len(prepared.ai)
    print(
        f"ownit verify {rng.spec}: {count} commit{'s' if count != 1 else ''}"
        f" ({ai} AI-assisted); policy: {policy_note}",
        file=out,
    )
    if not commits:
        print("nothing to check: the range is empty", file=out)
        return
    shown = [f for f in findings if f.severity == ERROR or not quiet]
    current = None
    for finding in shown:
        if finding.commit != current:
            current = finding.commit
            print(f"\n{finding.commit[:10]} {finding.subject}", file=out)
        where = finding.location or "(commit)"
        print(f"  {finding.severity}: {where}: {finding.message} [{finding.kind}]", file=out)
        if finding.fix:
            print(f"    fix: {finding.fix}", file=out)
    errors = sum(1 for f in findings if f.severity == ERROR)
    touched = len({f.commit for f in findings if f.severity == ERROR})
    if errors:
        print(
            f"\n{errors} problem{'s' if errors != 1 else ''} in {touched} "
            f"commit{'s' if touched != 1 else ''}",
            file=out,
        )
    else:
        print("no problems found" + ("" if not shown else " (info lines above)"), file=out)
