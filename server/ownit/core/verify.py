"""`ownit verify`: check the claims a range of commits carries against the committed code
and the policy. Pure: commits, blobs and added lines come in through arguments.

What is checked (each problem is a :class:`Finding` with ``severity`` ``error``; things
worth knowing but not wrong have ``info``):

- every ``AI-Owned`` / ``AI-Unowned`` line, in the trailer block or in the body: its path
  is in the commit's tree, and its fingerprint is the fingerprint of its lines in the
  committed blob — or of the same number of lines elsewhere in that blob (the lines moved:
  info, the claim holds);
- an ``AI-Owned`` owner is the commit's author or committer (a claim is made by the person
  who commits it) and the rationale passes the policy's rules; the owner is one the policy
  accepts for the path;
- an AI-assisted commit at commit level (``ai_commit_patterns`` outside ownit's exact
  trailer groups, see :mod:`ownit.core.attribution`): every line it adds is AI-written,
  so the lines no valid claim covers are reported, per path, with their ranges: a claim
  of the commit, or a valid ``AI-Owned`` claim of a later commit of the range whose code
  is those lines wherever they stand then (:mod:`ownit.core.later_claims`: owning
  history after the fact). Lines of a published commit that a later commit removed from
  a file still at the tip are an ``info`` line: nobody can own them any more. A commit
  whose trailers ownit's hook worked out (``AI-Lines: exact``) is not one: its claim
  lines are exactly its AI-written lines;
- ``AI-Unowned`` code still at the range's tip with no later ``AI-Owned`` claim for the
  same code (path and fingerprint) in the range; in a path whose rule says
  ``commit: block`` the commit carrying it is reported instead. Renames and moves (``git
  mv``, with or without edits) are followed: code claimed on a file a later commit renames
  is looked for under its new name, and a claim there owns it;
- ``second_owner`` / ``codeowner`` rules, over every valid claim for the same code in the
  range (a later claim-only commit by a second person counts), for code still at the tip;
- ``ai: forbidden``: any AI-written line a commit states or adds in such a path, owned or
  not (``ai-forbidden``); ``tools`` / ``models``: AI-written lines from a tool or model
  outside the lists, owned or not (``unapproved-tool``).

Excluded paths and paths with ``require_ownership: false`` ask for no claims; commits
before a path's ``history_since`` are not asked for claims either (claims they carry are
still checked), and neither is a commit-level attribution with less evidence than the
path's ``min_evidence`` (a ``weak`` pattern is ``inferred``, any other ``corroborated``).

Each problem's ``fix`` is a command to run in a working tree at the tip (line numbers
carried to the tip): a claim-only commit, ``ownit claim … --commit``, with a ``# …``
note saying who runs it. A commit in ``published`` (on the upstream branch or a
remote-tracking branch) is never to be rewritten, so nothing else is offered for it (a
published claim line that names no code in its commit gets no fix at all). A bad claim
line whose lines a valid claim of a later commit owns is an ``info`` line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ownit.core import trailers as tr
from ownit.core.claim_validity import claim_command
from ownit.core.later_claims import (
    LaterClaim,
    covered_lines,
    names_after,
    rename_steps,
)
from ownit.core.model import Evidence, Source
from ownit.core.policy import CommitGate, codeowners_for
from ownit.core.unowned_at_tip import UnownedTracker, locate_at_tip, unowned_at_tip
from ownit.core.verify_base import Signatures, VerifierBase
from ownit.core.verify_findings import (
    AI_FORBIDDEN,
    AI_UNCLAIMED,
    BLOCKED_UNOWNED,
    ERROR,
    FINDING_KINDS,
    INFO,
    MOVED,
    OWNER_RULE,
    SHALLOW,
    UNAPPROVED_TOOL,
    UNOWNED_AT_TIP,
    CommitLike,
    Finding,
)
from ownit.core.verify_fixes import Blobs, line_ranges, range_text
from ownit.core.verify_prepare import Prepared, prepare, uncovered

# What the verbs (commands/verify.py, report.py, attest.py, _statement.py) import from
# here, where these lived before verify was split.
__all__ = ["ERROR", "Blobs", "Signatures", "Verifier", "prepare", "uncovered", "unowned_at_tip"]


@dataclass(slots=True)
class _AiUses:
    """The AI-written lines one commit states or adds: path -> tool label -> lines."""

    lines: dict[str, dict[str, set[int]]] = field(default_factory=dict)

    def add(self, path: str, tool: str, numbers: Iterable[int]) -> None:
        found = set(numbers)
        if found:
            self.lines.setdefault(path, {}).setdefault(tool, set()).update(found)


def _renamed(key: tuple[str, str], moves: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """``(path, fingerprint)`` under the name one commit's renames gave the file."""
    new = dict(moves).get(key[0])
    return key if new is None else (new, key[1])


def _renamed_groups(
    groups: dict[tuple[str, str], _Group], moves: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], _Group]:
    out: dict[tuple[str, str], _Group] = {}
    for key, group in groups.items():
        new = _renamed(key, moves)
        if new != key and group.claim is not None:
            group.claim = group.claim.replace(path=new[0])
        target = out.get(new)
        if target is None:
            out[new] = group
        else:
            target.owners |= group.owners
            target.commit, target.claim = group.commit, group.claim
    return out


@dataclass(slots=True)
class _Group:
    owners: set[str] = field(default_factory=set)
    commit: CommitLike | None = None
    claim: tr.ClaimLine | None = None


class Verifier(VerifierBase):
    """One run over a range; call :meth:`run` once."""

    # -- the run --

    def run(
        self,
        commits: Sequence[CommitLike],
        prepared: Prepared,
        added: Mapping[str, Mapping[str, Sequence[int]]],
    ) -> list[Finding]:
        unowned = UnownedTracker()
        blocked: set[tuple[str, str]] = set()
        groups: dict[tuple[str, str], _Group] = {}
        # Valid AI-Owned claims by path, with their commit's position: what owns the lines
        # of an earlier AI-assisted commit after the fact (core.later_claims).
        later: dict[str, list[LaterClaim]] = {}
        ai_checks: list[tuple[int, CommitLike, str, dict[str, set[int]]]] = []
        # Problems with claim lines: (position of their commit, finding index).
        claim_problems: list[tuple[int, int]] = []
        self._rename_steps = rename_steps([c.sha for c in commits], self.renames)
        for order, commit in enumerate(commits):
            moves = self.renames.get(commit.sha, ())
            if moves:
                unowned.rename(moves)
                blocked = {_renamed(key, moves) for key in blocked}
                groups = _renamed_groups(groups, moves)
            covered: dict[str, set[int]] = {}  # path -> 1-based lines valid claims cover
            uses = _AiUses()
            for claim in prepared.claims.get(commit.sha, ()):
                before = len(self.findings)
                where = self._check_claim(commit, claim)
                if where is not None:
                    covered.setdefault(claim.path, set()).update(range(where[0], where[1] + 1))
                    uses.add(claim.path, claim.tool, range(where[0], where[1] + 1))
                    key = (claim.path, claim.fingerprint)
                    if self._valid_owned(commit, claim):
                        group = groups.setdefault(key, _Group())
                        group.owners.add((claim.owner_email or "").casefold())
                        group.commit, group.claim = commit, claim
                        lines = self.blobs(commit.sha, claim.path) or []
                        later.setdefault(claim.path, []).append(
                            LaterClaim(
                                order, claim.path, where[0], where[1], claim.fingerprint, lines
                            )
                        )
                    # An invalid AI-Owned claim owns nothing: it does not end an unowned
                    # stretch of its code (its problems are reported).
                    counts = not claim.owned or self._valid_owned(commit, claim)
                    if counts and unowned.see(commit, claim):
                        if (
                            self.asks_claims(claim.path, commit)
                            and self.rule(claim.path).commit is CommitGate.BLOCK
                        ):
                            blocked.add(key)
                        else:
                            blocked.discard(key)
                claim_problems += [
                    (order, i)
                    for i in range(before, len(self.findings))
                    if self.findings[i].severity == ERROR
                ]
            why = prepared.ai.get(commit.sha)
            if why is not None and commit.sha not in self.shallow and self._restricts_ai:
                tool = prepared.ai_tools.get(commit.sha, "")
                for path, numbers in added.get(commit.sha, {}).items():
                    claimed = covered.get(path, set())
                    uses.add(path, tool, (n for n in numbers if n not in claimed))
            if self._restricts_ai:
                self._check_ai_uses(commit, uses, why)
            if why is not None:
                ai_checks.append((order, commit, why, covered))
        for order, commit, why, covered in ai_checks:
            evidence = prepared.ai_evidence.get(commit.sha, Evidence.CORROBORATED)
            self._check_ai_commit(
                commit, why, added.get(commit.sha, {}), covered, later, order, evidence
            )
        self._supersede(claim_problems, later)
        self._check_pending(unowned.pending(), blocked)
        self._check_groups(groups)
        return self.findings

    def _later_cover(
        self,
        sha: str,
        path: str,
        lines: Iterable[int],
        later: Mapping[str, Sequence[LaterClaim]],
        order: int,
    ) -> set[int]:
        """The ``lines`` of ``path`` in commit ``sha`` that a valid claim of a later
        commit of the range owns (:func:`covered_lines`), under the name the file has
        when that claim is made (renames are followed)."""
        after = [
            c
            for name, since in names_after(path, order, self._rename_steps)
            for c in later.get(name, ())
            if c.order > order and c.order >= since
        ]
        wanted = list(lines)
        if not after or not wanted:
            return set()
        content = self.blobs(sha, path)
        return set() if content is None else covered_lines(content, wanted, after)

    def _supersede(
        self, problems: Sequence[tuple[int, int]], later: Mapping[str, Sequence[LaterClaim]]
    ) -> None:
        """A bad claim line owns nothing; once a valid claim of a later commit of the range
        owns the same lines (the fix verify gives: a published commit cannot be rewritten
        to remove the line), it is worth knowing, no longer a problem."""
        for order, index in problems:
            finding = self.findings[index]
            if not finding.first:
                continue
            lines = range(finding.first, finding.last + 1)
            if self._later_cover(finding.commit, finding.path, lines, later, order) >= set(lines):
                self.findings[index] = replace(
                    finding,
                    severity=INFO,
                    message=finding.message
                    + " (a valid claim of a later commit owns these lines now)",
                    fix="",
                )

    def _check_claim(self, commit: CommitLike, claim: tr.ClaimLine) -> tuple[int, int] | None:
        """Where the claim's code is in the commit's blob (1-based inclusive), or None;
        each problem of its judgement reported (that its code moved, or a signature
        warning under ``signatures: warn``, as info)."""
        judgement = self.judge(commit, claim)
        for problem in judgement.problems:
            self._add(
                FINDING_KINDS[problem.kind],
                commit,
                claim.path,
                claim.first,
                claim.last,
                self.fixes.problem_message(commit, problem.kind, problem.message),
                self.fixes.problem_fix(commit, claim, problem.kind, problem.fix),
            )
        for problem in judgement.warnings:
            self._add(
                FINDING_KINDS[problem.kind],
                commit,
                claim.path,
                claim.first,
                claim.last,
                f"{problem.message} (signatures: warn, so the claim holds)",
                self.fixes.problem_fix(commit, claim, problem.kind, problem.fix),
                severity=INFO,
            )
        if judgement.moved and judgement.located is not None:
            first, last = judgement.located
            self._add(
                MOVED,
                commit,
                claim.path,
                first,
                last,
                f"{claim.key} claim for lines {claim.first}-{claim.last} matches lines "
                f"{first}-{last} of the committed file (the code moved; the claim holds)",
                severity=INFO,
            )
        return judgement.located

    def _check_ai_commit(
        self,
        commit: CommitLike,
        why: str,
        added: Mapping[str, Sequence[int]],
        covered: Mapping[str, set[int]],
        later: Mapping[str, Sequence[LaterClaim]],
        order: int,
        evidence: Evidence = Evidence.CORROBORATED,
    ) -> None:
        if commit.sha in self.shallow:
            self._add(
                SHALLOW,
                commit,
                "",
                0,
                0,
                f"AI-assisted ({why}), but its parent is not in this shallow clone, so the lines "
                "it added cannot be told apart",
                "fetch more history (fetch-depth: 0) to check it",
                severity=INFO,
            )
            return
        for path in sorted(added):
            if not self.asks_claims(path, commit) or self.rule(path).forbids_ai:
                continue  # (AI code in a forbidden path is an ai-forbidden finding)
            if not self.rule(path).requires_evidence(evidence):
                continue  # min_evidence: a commit-level attribution this weak asks no claim
            claimed = covered.get(path, set())
            lines = [n for n in added[path] if n not in claimed]
            if not lines or not self.rule(path).counts_source(Source.COMMIT_TRAILER, len(lines)):
                continue
            owned_later = self._later_cover(commit.sha, path, lines, later, order)
            lines = [n for n in lines if n not in owned_later]
            content = self.blobs(commit.sha, path)
            gone: list[int] = []
            tip = None if commit.sha == self.tip else self.fixes.tip_index(path)
            if tip is not None and content is not None:
                # Lines a later commit removed from the file (their text is nowhere in
                # it) no later claim can own. A file gone from the tip (renamed?) keeps
                # every line asked for.
                gone = [n for n in lines if 0 < n <= len(content) and not tip.has(content[n - 1])]
            with_blanks = [n for n in lines if n not in gone]  # a claim command per run
            if content is not None:
                lines = [n for n in lines if 0 < n <= len(content) and content[n - 1].strip()]
            if gone and commit.sha in self.published:
                # Published: nobody can own them in this commit any more, nor later.
                lines = [n for n in lines if n not in gone]
                self._add(
                    AI_UNCLAIMED,
                    commit,
                    path,
                    gone[0],
                    gone[0],
                    f"AI-assisted commit ({why}) added lines to {path} "
                    f"({range_text(line_ranges(gone))}) that no claim covers and that a later"
                    " commit removed: published, and not at the tip, there is nothing to own"
                    " now",
                    severity=INFO,
                )
            if not lines:
                continue
            ranges = line_ranges(lines)
            count = len(lines)
            some = (
                "no claim of it covers"
                if claimed or owned_later
                else "with no AI-Owned or AI-Unowned claim"
            )
            self._add(
                AI_UNCLAIMED,
                commit,
                path,
                ranges[0][0],
                ranges[0][1],
                f"AI-assisted commit ({why}) adds {count} line{'s' if count != 1 else ''} to "
                f"{path} ({range_text(ranges)}) {some}: the attribution is commit-level"
                f" ({evidence} evidence), so every line the commit adds counts as AI-written",
                self.fixes.own(
                    commit,
                    path,
                    [a for a, _ in line_ranges(with_blanks)],
                    () if commit.sha in self.published else gone,
                ),
            )

    def _check_ai_uses(self, commit: CommitLike, uses: _AiUses, why: str | None) -> None:
        """``ai: forbidden`` paths and tools or models outside ``tools`` / ``models``:
        every AI-written line the commit states (its valid claims) or adds (commit-level
        attribution), owned or not."""
        for path in sorted(uses.lines):
            if not self.governs(path, commit):
                continue
            rule = self.rule(path)
            content = self.blobs(commit.sha, path) if rule.forbids_ai else None
            by_tool = uses.lines[path]
            if rule.forbids_ai:
                lines = sorted({n for numbers in by_tool.values() for n in numbers})
                if content is not None:
                    lines = [n for n in lines if 0 < n <= len(content) and content[n - 1].strip()]
                if not lines:
                    continue
                ranges = line_ranges(lines)
                tools = ", ".join(sorted(t or "unknown" for t in by_tool))
                source = f"AI-assisted commit ({why})" if why else f"AI-written ({tools})"
                self._add(
                    AI_FORBIDDEN,
                    commit,
                    path,
                    ranges[0][0],
                    ranges[-1][1],
                    f"{source}: {len(lines)} AI-written line{'s' if len(lines) != 1 else ''} in"
                    f" {path} ({range_text(ranges)}), owned or not — {rule.forbidden_reason()}",
                    "remove the AI-written code (rewrite it by hand), or, if a person wrote it, "
                    "say so: ownit dismiss PATH:LINE -m <how you know>, then commit it again "
                    "with ownit hooks installed",
                )
                continue
            for tool in sorted(by_tool):
                problem = rule.tool_problem(tool or "unknown")
                numbers = sorted(by_tool[tool])
                if problem is None or not numbers:
                    continue
                ranges = line_ranges(numbers)
                self._add(
                    UNAPPROVED_TOOL,
                    commit,
                    path,
                    ranges[0][0],
                    ranges[-1][1],
                    f"{len(numbers)} AI-written line{'s' if len(numbers) != 1 else ''} of {path}"
                    f" ({range_text(ranges)}) come from {tool or 'an unnamed tool'}: {problem}",
                    "rewrite the code with an approved tool or by hand, or change the policy "
                    "(on the base branch) if this tool is approved",
                )

    def _check_pending(
        self,
        pending: Sequence[tuple[CommitLike, tr.ClaimLine]],
        blocked: set[tuple[str, str]],
    ) -> None:
        tip_check: list[tuple[CommitLike, tr.ClaimLine]] = []
        for commit, claim in pending:
            if not self.asks_claims(claim.path, commit) or self.rule(claim.path).forbids_ai:
                continue
            if (claim.path, claim.fingerprint) in blocked:
                rule = self.rule(claim.path)
                self._add(
                    BLOCKED_UNOWNED,
                    commit,
                    claim.path,
                    claim.first,
                    claim.last,
                    "AI-written code committed unowned (AI-Unowned) in a path where "
                    f"{rule.origin_phrase('commit')} blocks unowned AI code, and no later "
                    "commit of the range owns it",
                    self.fixes.own(commit, claim.path, [claim.first]),
                )
                continue
            tip_check.append((commit, claim))
        for item in unowned_at_tip(tip_check, self.fixes.tip_lines):
            claim, first, last = item.claim, item.first, item.last
            self._add(
                UNOWNED_AT_TIP,
                item.commit,
                claim.path,
                first,
                last,
                f"AI-written code ({claim.tool}) committed unowned is still unowned at the tip "
                f"({claim.path}:{first}-{last})",
                claim_command(claim.path, first) + " --commit",
            )

    def _check_groups(self, groups: Mapping[tuple[str, str], _Group]) -> None:
        for (path, _fp), group in groups.items():
            if group.commit is None or group.claim is None or self.excluded(path):
                continue
            rule = self.rule(path)
            if not (rule.second_owner or rule.codeowner):
                continue
            claim = group.claim
            at_tip = locate_at_tip(claim, self.fixes.tip_lines(path))
            if at_tip is None:
                continue  # the code is gone by the tip
            codeowners = codeowners_for(self.codeowners_text, path) if self.codeowners_text else ()
            for problem in rule.owner_problems(sorted(group.owners), codeowners):
                self._add(
                    OWNER_RULE,
                    group.commit,
                    path,
                    claim.first,
                    claim.last,
                    problem,
                    claim_command(path, at_tip[0])
                    + " --commit  # run by the missing owner: a claim of the same lines in a"
                    " commit of their own",
                )
