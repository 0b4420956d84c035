"""A commit whose message carries 5,000 claim lines for one 400-line file (forged, moved,
past its end, repeated, of many window sizes): `ownit verify --all` and `ownit blame`
report exactly what the naive per-claim judgement (a fresh search for each claim) makes
of them. The shared index per (commit, path) text must change the cost, never a verdict."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from ownit.commands import blame as blame_command
from ownit.core import trailers as tr
from ownit.core.claim_validity import ClaimJudgement, judge_claim
from ownit.core.fingerprint import fingerprint
from ownit.core.policy import default_policy
from ownit.git import blame
from ownit.git import run as git
from ownit.git.repo import find_repository
from tests.support import VENV_BIN, commit, hermetic_env, new_repo, run
from tests.unit.test_claim_lookup import naive_verdicts

DEV = "dev@example.com"


def _claim_lines(text: list[str], rnd: random.Random) -> list[str]:
    out: list[str] = []
    for k in range(5000):
        first = rnd.randint(1, len(text) + 5)  # some past the end of the file
        last = first + rnd.choice([0, 1, 2, 5, 12, 40, 150])
        kind = (k // 2) % 4  # every kind both owned and unowned
        if kind == 0 and last <= len(text):  # the stated lines' own code
            fp = fingerprint(text[first - 1 : last])
        elif kind == 1:  # code of the same size elsewhere (moved), if the file has it
            start = rnd.randint(0, max(0, len(text) - (last - first + 1)))
            fp = fingerprint(text[start : start + last - first + 1])
        else:
            fp = f"{rnd.getrandbits(48):012x}"
        if k % 2:
            line = f"AI-Owned: a.py:{first}-{last} {fp} copilot dev{k % 3}@example.com -- why {k}"
        else:
            line = f"AI-Unowned: a.py:{first}-{last} {fp} copilot"
        out.append(line)
        if k % 97 == 0:
            out.append(line)  # a duplicate claim line
    return out


def _naive(claims: list[tr.ClaimLine], text: list[str]) -> dict[tr.ClaimLine, ClaimJudgement]:
    policy = default_policy()
    return {
        claim: judge_claim(
            claim,
            list(text),  # a new list: a fresh index and search per claim, as before
            author_email=DEV,
            committer_email=DEV,
            rule=policy.effective(claim.path),
        )
        for claim in claims
    }


@pytest.fixture(scope="module")
def forged_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], str]:
    tmp = tmp_path_factory.mktemp("forged")
    env = {**hermetic_env(tmp / "home"), "GIT_EDITOR": "true"}  # as the env fixture
    repo = new_repo(tmp / "repo", env, DEV)
    # Few distinct lines: windows repeat, so the nearest-to-the-stated-line rule decides.
    text = [f"x{i % 57} = {i % 40}" for i in range(400)]
    commit(repo, env, "Base", {"a.py": text[:-3]})
    lines = _claim_lines(text, random.Random(11))
    message = "Add\n\nAssisted-by: copilot\n" + "\n".join(lines) + "\nAI-Lines: exact\n"
    sha = commit(repo, env, message, {"a.py": text})
    return repo, env, sha


def _text_and_claims(repo: Path, sha: str) -> tuple[list[str], list[tr.ClaimLine]]:
    blob = git.run(["show", f"{sha}:a.py"], repo).stdout
    message = git.run(["log", "-1", "--format=%B", sha], repo).stdout
    text = git.text(blob).splitlines()
    return text, list(tr.parse_message(git.text(message)).claims)


def test_verify_reports_the_naive_judgements(forged_repo: tuple[Path, dict[str, str], str]) -> None:
    repo, env, sha = forged_repo
    text, claims = _text_and_claims(repo, sha)
    naive = _naive(claims, text)
    done = run(repo, env, str(VENV_BIN / "ownit"), "verify", "--all", "--json")
    report = json.loads(done.stdout)
    reported = {
        (f["line"], f["lastLine"], f["message"])
        for f in report["findings"]
        if f["commit"] == sha and f["path"] == "a.py" and f["kind"].startswith("claim-")
    }
    expected = {
        (*(j.located or (j.claim.first, j.claim.last)), j.problems[0].message)
        for j in naive.values()
        if not j.valid
    }
    assert expected and any(j.valid and j.moved for j in naive.values())  # all kinds met
    # verify says each invalid claim's first problem, once for claims at the same lines.
    assert reported <= expected
    # Every claim whose code the naive search does not find is reported as such.
    not_found = {
        (j.claim.first, j.claim.last, j.problems[0].message)
        for j in naive.values()
        if j.located is None
    }
    assert not_found and not_found <= reported


def test_blame_shows_the_naive_judgements(
    forged_repo: tuple[Path, dict[str, str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, env, sha = forged_repo
    text, claims = _text_and_claims(repo, sha)
    naive = _naive(claims, text)
    as_text = run(repo, env, str(VENV_BIN / "ownit"), "blame", "a.py")
    assert as_text.returncode == 0, as_text.stderr
    found = find_repository(repo)
    assert found is not None
    from ownit.policy_files import tree_policy

    policy, _ = tree_policy(found.toplevel, sys.stderr, "judged")
    head = git.rev(found.toplevel, "HEAD")
    index = blame.claim_index(found, policy, head)
    lines = blame.finish_blame(blame.start_blame(found.toplevel, "a.py"))

    def why(commit_sha: str, claim: tr.ClaimLine) -> str | None:
        judged = naive.get(claim) if commit_sha == sha else None
        return None if judged is None or judged.valid else judged.reason

    capsys.readouterr()
    blame_command._print_text(lines, naive_verdicts(lines, index, "a.py", why))
    assert as_text.stdout == capsys.readouterr().out
