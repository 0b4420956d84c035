"""What `ownit verify`, `report`, `attest` and `report --statement` read of a range
besides its log, each started in the background so that git works while Python does:
the policy files of a commit (:class:`PolicyRead`), the lines AI-assisted commits added
(:class:`AiAdded`), the files commits renamed (:class:`Renames`), and a blob's lines from
the run's one cat-file stream (:class:`BlobLines`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.git import history

if TYPE_CHECKING:
    from ownit.core.policy import Policy, PolicyProblem
    from ownit.core.verify_findings import CommitLike
    from ownit.core.verify_prepare import Prepared
    from ownit.git.catfile import Stream


@dataclass(frozen=True, slots=True)
class PolicyAt:
    """The policy of a commit (``.ownit.yaml``, ``.gitattributes``, CODEOWNERS)."""

    policy: Policy
    note: str  # where it comes from, for people
    gitattributes_text: str | None = None
    codeowners_text: str | None = None


class PolicyAtError(Exception):
    """The policy file of the commit a range is checked under is not valid: ``problems``
    say where, the message what to do."""

    def __init__(self, message: str, problems: Sequence[PolicyProblem]) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class PolicyRead:
    """The policy files of ``commit``, read by one ``git cat-file --batch`` in the
    background (start it before ``git log``); no commit: the built-in defaults.
    ``label`` names the commit in messages ("base", "tip")."""

    def __init__(self, cwd: Path, commit: str | None, label: str) -> None:
        from ownit.core.policy import POLICY_FILE
        from ownit.policy_files import CODEOWNERS_LOCATIONS

        self.commit, self.label = commit, label
        self.specs: list[str] = []
        if commit is not None:
            self.specs = [f"{commit}:{POLICY_FILE}", f"{commit}:.gitattributes"]
            self.specs += [f"{commit}:{loc}" for loc in CODEOWNERS_LOCATIONS]
        self._job = history.BatchRead(cwd, self.specs)

    def result(self) -> PolicyAt:
        """The policy; a policy file that is not valid raises :class:`PolicyAtError`."""
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
                raise PolicyAtError(
                    f"the policy at the {self.label} of the range ({display}) is not valid;"
                    f" fix it on the {self.label} branch first",
                    error.problems,
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

    def __init__(self, cwd: Path, prepared: Prepared) -> None:
        self.cwd, self.prepared = cwd, prepared
        self.commits = list(prepared.ai)
        self._job = history.start_changed_paths(cwd, self.commits) if self.commits else None

    def result(self) -> dict[str, dict[str, list[int]]]:
        if self._job is None:
            return {}
        changed = history.changed_paths(self._job, self.commits)
        return history.added_lines(self.cwd, [sha for sha, paths in changed.items() if paths])


class Renames:
    """The files each commit renamed or moved (``history.renames``), read in the
    background: what the claims of a range and the AI-assisted commits' lines follow.
    Only the commits from the first one that carries a claim or is AI-assisted on are
    read (nothing at all in a range with neither)."""

    def __init__(self, cwd: Path, commits: Sequence[CommitLike], prepared: Prepared) -> None:
        shas = [commit.sha for commit in commits]
        first = next(
            (i for i, sha in enumerate(shas) if sha in prepared.claims or sha in prepared.ai),
            len(shas),
        )
        self.shas = shas[first:]
        self._job = history.start_renames(cwd, self.shas) if self.shas else None

    def result(self) -> dict[str, list[tuple[str, str]]]:
        return {} if self._job is None else history.renames(self._job, self.shas)


class BlobLines:
    """``blobs(sha, path)`` for the verifier: the lines of a blob from the run's one
    cat-file stream. A blob's bytes are let go once they are lines; the lines of the
    last few blobs are kept (a commit's claims and its added lines ask for the same
    file), the tip's for the whole run."""

    KEEP = 16

    def __init__(self, stream: Stream, tip: str) -> None:
        self._stream, self._tip = stream, tip
        self._recent: dict[tuple[str, str], list[str] | None] = {}
        self._tip_lines: dict[str, list[str] | None] = {}

    def __call__(self, sha: str, path: str) -> list[str] | None:
        if sha == self._tip and path in self._tip_lines:
            return self._tip_lines[path]
        key = (sha, path)
        if key in self._recent:
            return self._recent[key]
        spec = f"{sha}:{path}"
        data = self._stream.get(spec)
        lines = None if data is None else history.git_lines(data)
        if sha == self._tip:
            self._tip_lines[path] = lines
        else:
            self._recent[key] = lines
            if len(self._recent) > self.KEEP:
                del self._recent[next(iter(self._recent))]
        self._stream.forget(spec)
        return lines
