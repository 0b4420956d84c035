"""`ownit blame` of a file one commit of which carries 5,000 claim lines (forged or
real): the real CLI prints exactly what the naive per-line lookup (the reference model of
tests/unit/test_claim_lookup.py) makes of the same history."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from ownit.commands import blame as blame_command
from ownit.core.fingerprint import fingerprint
from ownit.git import blame
from ownit.git import run as git
from ownit.git.claim_validity import blame_validity
from ownit.git.repo import find_repository
from ownit.policy_files import tree_policy
from tests.support import VENV_BIN, commit, new_repo, run
from tests.unit.test_claim_lookup import naive_verdicts

DEV = "dev@example.com"


def _reference(
    repo_path: Path, relative: str, capsys: pytest.CaptureFixture[str]
) -> tuple[str, str]:
    """What `ownit blame` printed (text, --json) before: its steps, the naive lookup."""
    repo = find_repository(repo_path)
    assert repo is not None
    policy, gitattributes = tree_policy(repo.toplevel, sys.stderr, "judged")
    head = git.rev(repo.toplevel, "HEAD")
    index = blame.claim_index(repo, policy, head)
    judgements = blame.Judgements(repo, head, gitattributes)
    lines = blame.finish_blame(blame.start_blame(repo.toplevel, relative))
    invalid = blame_validity(
        repo.toplevel,
        index,
        lines,
        relative,
        policy,
        head=head,
        gitattributes_text=gitattributes,
        known=judgements.table,
        first_lines=judgements.first_lines,
    )
    found = naive_verdicts(lines, index, relative, invalid)
    capsys.readouterr()
    blame_command._print_text(lines, found)
    text = capsys.readouterr().out
    blame_command._print_json(lines, found)
    return text, capsys.readouterr().out


@pytest.mark.parametrize("forged", [False, True])
def test_5000_claims_blame_as_the_naive_lookup(
    tmp_path: Path, env: dict[str, str], forged: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path / "repo", env, DEV)
    text = [f"x{i} = {i % 40}" for i in range(400)]
    rnd = random.Random(7)
    claims = []
    for k in range(5000):
        first = rnd.randint(1, len(text))
        last = min(len(text), first + rnd.randint(0, 12))
        fp = f"{rnd.getrandbits(48):012x}" if forged else fingerprint(text[first - 1 : last])
        if k % 2:
            claims.append(
                f"AI-Owned: a.py:{first}-{last} {fp} copilot dev{k % 5}@example.com -- why {k}"
            )
        else:
            claims.append(f"AI-Unowned: a.py:{first}-{last} {fp} copilot")
    message = "Add\n\nAssisted-by: copilot\n" + "\n".join(claims) + "\nAI-Lines: exact\n"
    commit(repo, env, message, {"a.py": text})
    ownit = str(VENV_BIN / "ownit")
    as_text = run(repo, env, ownit, "blame", "a.py")
    as_json = run(repo, env, ownit, "blame", "--json", "a.py")
    assert as_text.returncode == 0 and as_json.returncode == 0, as_text.stderr + as_json.stderr
    expected_text, expected_json = _reference(repo, "a.py", capsys)
    assert as_text.stdout == expected_text
    assert as_json.stdout == expected_json
    assert "AI copilot" in as_text.stdout
