"""kill -9 during claims: every claim whose command was acknowledged is in the store.

The real server over stdio gets claims pipelined (many in flight at once) and is
SIGKILLed after a seeded random number of answers, so the kill lands while it is writing;
`ownit claim` processes are SIGKILLed after seeded random delays. After each kill the
store is opened again: its integrity check passes, every acknowledged claim is there,
and every claim row that is there is whole (a rationale that was sent, on a region that
exists). Run with ``-s`` to see the figures (claims acknowledged vs found).
"""

from __future__ import annotations

import random
import subprocess
import time
from pathlib import Path

import pytest

from ownit.store import Store
from tests.integration.lsp_helpers import isolated_env
from tests.integration.store_harness import (
    VENV_BIN,
    Server,
    functions,
    make_repo,
    ownit,
    read_store,
)

SEED = 9
FUNCTIONS = 60  # f.py: region i is lines 2i+1..2i+2


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    root = make_repo(tmp_path / "repo", env, hooks=False)
    (root / "f.py").write_text(functions(FUNCTIONS))
    return root


def check_store(
    db: Path, sent: set[str], acknowledged: set[str], regions: set[str]
) -> tuple[int, int]:
    """Integrity, no half-written row, every acknowledged claim present; returns how
    many acknowledged claims were found, and how many claims the store holds."""
    check, claims, stored_regions = read_store(db)
    assert check == ["ok"], check
    assert regions <= stored_regions  # every acknowledged mark
    found = {c.rationale for c in claims}
    for claim in claims:
        assert claim.rationale in sent, claim  # whole: exactly a rationale that was sent
        assert claim.region_id in stored_regions, claim
        assert claim.owner_email == "dev@example.com" and len(claim.fingerprint) == 12
    missing = acknowledged - found
    assert not missing, f"acknowledged claims lost: {sorted(missing)[:5]}"
    with Store.open(db) as store:  # ownit itself opens it as it is, nothing moved aside
        assert store.recovered_from is None, store.recovery_message
    return len(acknowledged & found), len(found)


def test_server_killed_during_claims_loses_no_acknowledged_claim(
    repo: Path, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    db = repo / ".git" / "ownit" / "state.db"
    sent: set[str] = set()
    acknowledged: set[str] = set()
    marked: set[str] = set()
    kills = 0
    rounds, marks_per_round, claims_per_round = 10, 6, 24
    for round_no in range(rounds):
        with open(tmp_path / f"server-{round_no}.err", "wb") as err:
            server = Server(isolated_env(tmp_path / "home"), err)
            try:
                server.start(repo)
                uri = server.open(repo / "f.py")
                for i in range(marks_per_round):
                    index = round_no * marks_per_round + i
                    answer = server.mark(uri, 2 * index, 2 * index + 1)
                    marked.add(answer["result"]["regionId"])
                # Pipelined: every claim is sent before any answer is read.
                pending: dict[int, str] = {}
                regions = sorted(marked)
                for i in range(claims_per_round):
                    rationale = f"Round {round_no} claim {i}: checked the bounds and the error path"
                    server.next_id += 1
                    pending[server.next_id] = rationale
                    sent.add(rationale)
                    server.send(
                        {
                            "id": server.next_id,
                            "method": "workspace/executeCommand",
                            "params": {
                                "command": "ownit.claim",
                                "arguments": [
                                    {
                                        "uri": uri,
                                        "regionId": rng.choice(regions),
                                        "rationale": rationale,
                                    }
                                ],
                            },
                        }
                    )
                answers_before_kill = rng.randrange(claims_per_round)
                answered = 0
                while answered < answers_before_kill:
                    message = server.read()
                    answered_claim = pending.pop(message.get("id", -1), "")
                    if not answered_claim or "method" in message:
                        continue
                    assert "result" in message, message
                    acknowledged.add(answered_claim)
                    answered += 1
            finally:
                server.kill()
        kills += 1
        assert b"Traceback" not in (tmp_path / f"server-{round_no}.err").read_bytes()
        found, stored = check_store(db, sent, acknowledged, marked)
    print(
        f"\nfault injection, server: {kills} SIGKILLs, claims sent {len(sent)},"
        f" acknowledged {len(acknowledged)}, acknowledged found {found}"
        f" (claims in the store: {stored}; the rest were killed before their answer)"
    )
    assert found == len(acknowledged) > 0


def test_cli_killed_during_claims_loses_no_acknowledged_claim(
    repo: Path, env: dict[str, str]
) -> None:
    rng = random.Random(SEED)
    db = repo / ".git" / "ownit" / "state.db"
    regions: set[str] = set()
    for index in range(6):
        marked = ownit(
            repo,
            env,
            "mark",
            "f.py",
            "--lines",
            f"{2 * index + 1}-{2 * index + 2}",
            "--tool",
            "copilot",
            "--json",
            check=True,
        )
        regions.add(marked.stdout.split('"regionId": "')[1].split('"')[0])
    # How long a claim takes here (the slowest of three): the kills are spread over that
    # span and past it, so that some processes finish and are acknowledged.
    sent: set[str] = set()
    span = 0.0
    for i in range(3):
        rationale = f"Claim {i} to time the command by: checked by hand"
        started = time.monotonic()
        ownit(repo, env, "claim", f"f.py:{2 * i + 1}", "-m", rationale, check=True)
        span = max(span, time.monotonic() - started)
        sent.add(rationale)
    acknowledged = set(sent)
    processes, kills = 40, 0
    for i in range(processes):
        line = 2 * rng.randrange(6) + 1
        rationale = f"CLI claim {i}: checked the bounds and the error path"
        sent.add(rationale)
        proc = subprocess.Popen(
            [str(VENV_BIN / "ownit"), "claim", f"f.py:{line}", "-m", rationale],
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            proc.wait(timeout=rng.uniform(0.2, 1.6) * span)
        except subprocess.TimeoutExpired:
            proc.kill()
            kills += 1
        out, err = proc.communicate()
        if proc.returncode == 0:
            assert out.startswith("owned f.py:"), out
            acknowledged.add(rationale)
        else:
            assert proc.returncode == -9, err  # killed, never failed on its own
            assert "Traceback" not in err
        found, stored = check_store(db, sent, acknowledged, regions)
    print(
        f"\nfault injection, CLI: {processes + 3} claim processes, {kills} SIGKILLed,"
        f" acknowledged {len(acknowledged)}, acknowledged found {found}"
        f" (claims in the store: {stored}; the rest were killed before their answer)"
    )
    assert found == len(acknowledged)
