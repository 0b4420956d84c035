"""`ownit verify [REV-RANGE] [--all] [--format FORMAT] [-o FILE]`: check the claims of a range
of commits (CI).

REV-RANGE is ``A..B`` (the commits of B not in A; the base is A), ``A...B`` (the base is
their merge base), or one commit ``R`` (just that commit; the base is its first parent).
Without one it is ``@{upstream}..HEAD``. ``--all`` checks every commit reachable from
HEAD (no base: the policy committed at HEAD applies, so a team's ``ownit baseline``
counts). The policy (``.ownit.yaml``, ``.gitattributes`` and CODEOWNERS) is read from the
BASE commit, never from the commits under review; a range with no base (a root commit)
gets the built-in default policy. Exit 0: no problems; 1: problems; 2: usage or input error.

FORMAT: ``text`` (default), ``json`` (``--json``), ``sarif`` (SARIF 2.1.0 for code
scanning: one result per problem, placed on the tip) or ``codequality`` (GitLab's Code
Quality report). ``-o FILE`` writes it to FILE instead of stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownit.core.printable import printable, printable_json
from ownit.exits import EXIT_OK, EXIT_POLICY, UsageError

OUTPUT_FORMATS = ("text", "json", "sarif", "codequality")


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
        "--all",
        action="store_true",
        help="every commit reachable from HEAD (the policy committed at HEAD)",
    )
    parser.add_argument("--json", action="store_true", help="same as --format json")
    parser.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default=None,
        help="text (default), json, sarif (SARIF 2.1.0, for code scanning) or codequality "
        "(a GitLab Code Quality report)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the result to FILE instead of stdout (the exit code is the same)",
    )
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


@dataclass(frozen=True, slots=True)
class PolicyAt:
    """The policy of a commit (``.ownit.yaml``, ``.gitattributes``, CODEOWNERS)."""

    policy: Any  # ownit.core.policy.Policy
    note: str  # where it comes from, for people
    gitattributes_text: str | None = None
    codeowners_text: str | None = None


class PolicyRead:
    """The policy files of ``commit``, read by one ``git cat-file --batch`` in the
    background (start it before ``git log``); no commit: the built-in defaults.
    ``label`` names the commit in messages ("base", "tip")."""

    def __init__(self, cwd: Path, commit: str | None, label: str) -> None:
        from ownit.core.policy import POLICY_FILE
        from ownit.git import history
        from ownit.policy_files import CODEOWNERS_LOCATIONS

        self.commit, self.label = commit, label
        self.specs: list[str] = []
        if commit is not None:
            self.specs = [f"{commit}:{POLICY_FILE}", f"{commit}:.gitattributes"]
            self.specs += [f"{commit}:{loc}" for loc in CODEOWNERS_LOCATIONS]
        self._job = history.BatchRead(cwd, self.specs)

    def result(self) -> PolicyAt:
        """The policy; a policy file that is not valid is a UsageError (its problems are
        printed on stderr first)."""
        from ownit.core.policy import POLICY_FILE, PolicyError, default_policy, load_policy

        side = self._job.result()
        if self.commit is None:
            return PolicyAt(default_policy(), "built-in defaults")
        short = self.commit[:10]
        policy_blob = side[self.specs[0]]
        if policy_blob is None:
            policy = default_policy()
            note = f"built-in defaults (no {POLICY_FILE} at {self.label} {short})"
        else:
            display = f"{short}:{POLICY_FILE}"
            try:
                policy = load_policy(policy_blob.decode("utf-8", "replace"), display)
            except PolicyError as error:
                for problem in error.problems:
                    print(printable(str(problem)), file=sys.stderr)
                raise UsageError(
                    f"the policy at the {self.label} of the range ({display}) is not valid;"
                    f" fix it on the {self.label} branch first"
                ) from None
            note = f"{POLICY_FILE} at {self.label} {short}"
        attrs = side[self.specs[1]]
        codeowners = next((b for s in self.specs[2:] if (b := side[s]) is not None), None)
        return PolicyAt(
            policy,
            note,
            None if attrs is None else attrs.decode("utf-8", "replace"),
            None if codeowners is None else codeowners.decode("utf-8", "replace"),
        )


class AiAdded:
    """The lines AI-assisted commits (``prepared.ai``) added, per commit and path: a
    cheap name-only ``git diff-tree`` in the background first, then the line diff for the
    commits that changed a file. Such a commit makes every line it added AI-written;
    what its claims cover is taken off by the reader."""

    def __init__(self, cwd: Path, prepared: Any) -> None:
        from ownit.git import history

        self.cwd, self.prepared = cwd, prepared
        self.commits = list(prepared.ai)
        self._job = history.start_changed_paths(cwd, self.commits) if self.commits else None

    def result(self) -> dict[str, dict[str, list[int]]]:
        from ownit.git import history

        if self._job is None:
            return {}
        changed = history.changed_paths(self._job, self.commits)
        return history.added_lines(self.cwd, [sha for sha, paths in changed.items() if paths])


class Renames:
    """The files each commit renamed or moved (``history.renames``), read in the
    background: what the claims of a range and the AI-assisted commits' lines follow.
    Only the commits from the first one that carries a claim or is AI-assisted on are
    read (nothing at all in a range with neither)."""

    def __init__(self, cwd: Path, commits: Any, prepared: Any) -> None:
        from ownit.git import history

        shas = [commit.sha for commit in commits]
        first = next(
            (i for i, sha in enumerate(shas) if sha in prepared.claims or sha in prepared.ai),
            len(shas),
        )
        self.shas = shas[first:]
        self._job = history.start_renames(cwd, self.shas) if self.shas else None

    def result(self) -> dict[str, list[tuple[str, str]]]:
        from ownit.git import history

        return {} if self._job is None else history.renames(self._job, self.shas)


def run(args: argparse.Namespace) -> int:
    from ownit import progress
    from ownit.ci.output import output_to, write_json
    from ownit.ci.verify_alerts import FORMATS as ALERT_FORMATS
    from ownit.ci.verify_alerts import VerifyRun, render
    from ownit.core.verify import ERROR, Verifier, prepare
    from ownit.git import catfile, history
    from ownit.git.repo import GitError, find_repository

    if args.json and args.format not in (None, "json"):
        raise UsageError(f"give either --json or --format {args.format}, not both")
    args.format = "json" if args.json else args.format or "text"
    cwd = Path.cwd()
    try:
        repo = find_repository(cwd)
    except GitError as error:
        raise UsageError(str(error)) from None
    if repo is None:
        raise UsageError("not inside a git repository")
    progress.start("ownit verify")
    try:
        rng = resolve_range(cwd, args.range, everything=args.all)
        # --all has no base: the policy committed at its tip (a team's `ownit baseline`
        # counts there), the built-in defaults when the tip has none.
        policy_job = (
            PolicyRead(cwd, rng.tip, "tip")
            if args.all
            else PolicyRead(cwd, rng.base, "base")  # runs while git log does
        )
        progress.phase("reading the commits of the range")
        commits = history.log(cwd, rng.revisions)
        at = policy_job.result()
    except GitError as error:
        raise UsageError(str(error)) from None
    policy = at.policy
    if rng.base is None and not args.all:
        policy_note = "built-in defaults (the range has no base commit)"
    else:
        policy_note = at.note

    progress.phase(f"reading the files of {len(commits)} commits")
    prepared = prepare(commits, policy)
    try:
        stream = catfile.Stream(cwd)
    except GitError as error:
        raise UsageError(str(error)) from None
    try:
        ai_added = AiAdded(cwd, prepared)
        moves = Renames(cwd, commits, prepared)
        # Every blob through one cat-file, asked in the order the checks read them: the
        # claimed files of each commit now (git reads them while diff-tree runs), the
        # files AI-assisted commits added lines to once diff-tree said which, the tip's
        # last (kept: every pending claim may look at them).
        stream.ask(f"{sha}:{path}" for sha, path in prepared.blob_specs())
        added = ai_added.result()
        by_commit = ((sha, sorted(added.get(sha, ()))) for sha in prepared.ai)
        stream.ask(f"{sha}:{path}" for sha, paths in by_commit for path in paths)
        tip_paths = sorted(prepared.claimed_paths())
        stream.ask(f"{rng.tip}:{path}" for path in tip_paths)
        blobs = _BlobLines(stream, rng.tip)
        after_revision = _after_revisions(cwd, policy, rng.tip)
        shallow = frozenset(history.shallow_commits(repo.common_dir))
        published = published_commits(cwd, rng, [c.sha for c in commits])
        verdicts = _signature_verdicts(cwd, rng.base, policy, prepared, at.gitattributes_text)
        verifier = Verifier(
            policy,
            blobs=blobs,
            tip=rng.tip,
            codeowners_text=at.codeowners_text,
            gitattributes_text=at.gitattributes_text,
            after_revision=after_revision,
            shallow=shallow,
            renames=moves.result(),
            published=published,
            signatures=lambda sha, claim: verdicts.get((sha, claim)),
        )
        progress.phase(f"checking {len(commits)} commits")
        findings = verifier.run(commits, prepared, added)
    except GitError as error:
        raise UsageError(str(error)) from None
    finally:
        stream.close()

    order = {c.sha: i for i, c in enumerate(commits)}
    findings.sort(key=lambda f: (order.get(f.commit, -1), f.severity != ERROR, f.path, f.first))
    errors = [f for f in findings if f.severity == ERROR]
    code = EXIT_POLICY if errors else EXIT_OK
    if args.format in ALERT_FORMATS:
        progress.phase("placing the problems on the tip")
        run_info = VerifyRun(
            rng.spec,
            rng.base,
            rng.tip,
            len(commits),
            len(prepared.assisted),
            sum(len(c) for c in prepared.claims.values()),
            policy_note,
            not errors,
        )
        document = render(args.format, cwd, run_info, findings, policy, exit_code=code)
        progress.finish()
        write_json(document, args.output)
        return code
    progress.finish()
    with output_to(args.output):  # a reader that goes away (`| head`): cli.main
        _output(args, rng, commits, prepared, policy_note, findings)
    return code


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
    if args.format == "json":
        report: dict[str, Any] = {
            "range": rng.spec,
            "base": rng.base,
            "tip": rng.tip,
            "commits": len(commits),
            "aiAssistedCommits": len(prepared.assisted),
            "claims": sum(len(c) for c in prepared.claims.values()),
            "policy": policy_note,
            "ok": not errors,
            "findings": [f.to_json() for f in findings if f.severity == ERROR],
            "info": [f.to_json() for f in findings if f.severity != ERROR],
        }
        sys.stdout.write(printable_json(json.dumps(report, indent=2, ensure_ascii=False)))
        sys.stdout.write("\n")
    else:
        _print_text(rng, commits, prepared, policy_note, findings, quiet=args.quiet)


def _signature_verdicts(
    cwd: Path, base: str | None, policy: Any, prepared: Any, gitattributes_text: str | None
) -> dict[tuple[str, Any], Any]:
    """The verdict on each claim signature the policy asks to check (``signatures`` warn
    or require for the claim's path), against the keys the BASE trusts: a branch cannot
    add its own key to get itself accepted."""
    from ownit import progress
    from ownit.git.claim_validity import signature_verdicts, trusted_keys

    asked = []
    for sha, signed in prepared.signed.items():
        for claim, item in signed.items():
            if policy.is_excluded(claim.path, gitattributes_text):
                continue
            if policy.effective(claim.path).signatures != "off":
                asked.append((sha, item))
    if not asked:
        return {}
    progress.phase(f"checking {len(asked)} claim signatures")
    trusted = trusted_keys(cwd, base, policy)
    if trusted.allowed_signers is not None:
        from ownit.core.allowed_signers import parse_allowed_signers
        from ownit.core.printable import printable

        for problem in parse_allowed_signers(trusted.allowed_signers).problems:
            print(
                f"ownit verify: {printable(trusted.allowed_signers_label)}: {problem}"
                " (this line is not used)",
                file=sys.stderr,
            )
    return signature_verdicts(cwd, trusted, asked)


class _BlobLines:
    """``blobs(sha, path)`` for the verifier: the lines of a blob from the run's one
    cat-file stream. A blob's bytes are let go once they are lines; the lines of the
    last few blobs are kept (a commit's claims and its added lines ask for the same
    file), the tip's for the whole run."""

    KEEP = 16

    def __init__(self, stream: Any, tip: str) -> None:
        self._stream, self._tip = stream, tip
        self._recent: dict[tuple[str, str], list[str] | None] = {}
        self._tip_lines: dict[str, list[str] | None] = {}

    def __call__(self, sha: str, path: str) -> list[str] | None:
        from ownit.git.history import git_lines

        if sha == self._tip and path in self._tip_lines:
            return self._tip_lines[path]
        key = (sha, path)
        if key in self._recent:
            return self._recent[key]
        spec = f"{sha}:{path}"
        data = self._stream.get(spec)
        lines = None if data is None else git_lines(data)
        if sha == self._tip:
            self._tip_lines[path] = lines
        else:
            self._recent[key] = lines
            if len(self._recent) > self.KEEP:
                del self._recent[next(iter(self._recent))]
        self._stream.forget(spec)
        return lines


def published_commits(cwd: Path, rng: Range, commits: list[str]) -> frozenset[str]:
    """The commits of the range already on the upstream branch (``@{upstream}``) or a
    remote-tracking branch: what a fix must never rewrite. One ``git rev-list`` of the
    range's commits that none of those reaches; the rest are published."""
    from ownit.git import run as git

    if not commits:
        return frozenset()
    upstream = git.rev(cwd, "@{upstream}")
    listed = git.run(
        ["rev-list", *rng.revisions, "--not", "--remotes", *([upstream] if upstream else [])],
        cwd,
        check=False,
    )
    if listed.returncode != 0:
        return frozenset()
    unpublished = set(git.text(listed.stdout).split())
    return frozenset(sha for sha in commits if sha not in unpublished)


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
    from ownit.core.printable import printable
    from ownit.core.verify import ERROR

    out = sys.stdout
    count = len(commits)
    ai = len(prepared.assisted)
    print(
        printable(
            f"ownit verify {rng.spec}: {count} commit{'s' if count != 1 else ''}"
            f" ({ai} AI-assisted); policy: {policy_note}"
        ),
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
            print(f"\n{finding.commit[:10]} {printable(finding.subject)}", file=out)
        # Every part comes from commit data (paths, e-mails, rationales): escaped, so that
        # nothing in a commit can move the cursor or fake a line of this report.
        where = printable(finding.location or "(commit)")
        line = f"{where}: {printable(finding.message)} [{finding.kind}]"
        print(f"  {finding.severity}: {line}", file=out)
        if finding.fix:
            print(f"    fix: {printable(finding.fix)}", file=out)
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
