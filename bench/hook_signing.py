"""The commit hooks' added time with signed claims (issue 11): a commit of 50 files with
200 owned AI regions, timed with `signatures: off` and with `signatures: require` (a real
ed25519 key, gpg.format ssh), from a fresh repository each time (no signature cache).

Run: ``.venv/bin/python bench/hook_signing.py [--runs N]``. Prints the median wall time
of ``git commit`` for each, and the difference: what signing adds; then the time of
``ownit verify`` of that commit (which checks the 200 signatures under ``require``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ownit.core.fingerprint import fingerprint
from ownit.core.model import Claim, Region, Source
from ownit.git.repo import find_repository, store_path
from ownit.store import Store, new_region_id

FILES = 50
REGIONS_PER_FILE = 4
LINES_PER_REGION = 5
RATIONALE = "Checked the arithmetic by hand and the unit tests cover each branch"


def git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def build(root: Path, env: dict[str, str], mode: str, key: Path) -> Path:
    repo = root / f"repo-{mode}"
    repo.mkdir()
    git(repo, env, "init", "-q", "-b", "main")
    for name, value in (
        ("user.name", "Dev Name"),
        ("user.email", "dev@example.com"),
        ("commit.gpgsign", "false"),
        ("gpg.format", "ssh"),
        ("user.signingKey", str(key)),
    ):
        git(repo, env, "config", name, value)
    (repo / ".ownit.yaml").write_text(f"version: 1\ndefaults:\n  signatures: {mode}\n")
    (repo / ".ownit").mkdir()
    public = " ".join(key.with_name(key.name + ".pub").read_text().split()[:2])
    (repo / ".ownit" / "allowed_signers").write_text(f"dev@example.com {public}\n")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "Initial")
    subprocess.run(
        [str(Path(sys.executable).parent / "ownit"), "hooks", "install"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )
    found = find_repository(repo, refresh=True)
    assert found is not None
    with Store.open(store_path(found)) as store:
        for number in range(FILES):
            lines: list[str] = []
            spans = []
            for region in range(REGIONS_PER_FILE):
                lines.append(f"# human line {region}")
                start = len(lines)
                lines += [
                    f"value_{number}_{region}_{k} = {number * 100 + region * 10 + k}"
                    for k in range(LINES_PER_REGION)
                ]
                spans.append((start, len(lines)))
            text = "\n".join(lines) + "\n"
            path = f"src/mod{number}.py"
            (repo / "src").mkdir(exist_ok=True)
            (repo / path).write_text(text)
            for first, end in spans:
                fp = fingerprint(lines[first:end])
                item = Region(
                    new_region_id(),
                    path,
                    first,
                    end,
                    "copilot",
                    Source.AGENT_HOOK,
                    time.time(),
                    fp,
                )
                store.add_region(item, text)
                store.add_claim(
                    Claim(item.id, "Dev Name", "dev@example.com", RATIONALE, fp, time.time())
                )
    git(repo, env, "add", "-A")
    return repo


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"off": [], "require": []}
    checks: dict[str, list[float]] = {"off": [], "require": []}
    with tempfile.TemporaryDirectory(prefix="ownit-bench-sign-") as tmp:
        root = Path(tmp)
        home = root / "home"
        home.mkdir()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNIT_"))},
            "HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "XDG_DATA_HOME": str(home / "data"),
        }
        key = root / "id_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        for run in range(args.runs):
            for mode in results:
                (root / f"run{run}").mkdir(exist_ok=True)
                repo = build(root / f"run{run}", env, mode, key)
                started = time.perf_counter()
                git(repo, env, "commit", "-q", "-m", "Add 50 modules")
                results[mode].append(time.perf_counter() - started)
                message = subprocess.run(
                    ["git", "log", "-1", "--format=%B"],
                    cwd=repo,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                claims = message.count("\nAI-Owned: ")
                signatures = message.count("\nAI-Signature: ")
                assert claims == FILES * REGIONS_PER_FILE, claims
                assert signatures == (claims if mode == "require" else 0), signatures
                started = time.perf_counter()
                verify = subprocess.run(
                    [str(Path(sys.executable).parent / "ownit"), "verify", "HEAD~1..HEAD", "-q"],
                    cwd=repo,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                checks[mode].append(time.perf_counter() - started)
                assert verify.returncode == 0, verify.stdout + verify.stderr
    off = statistics.median(results["off"])
    signed = statistics.median(results["require"])
    print(f"{FILES} files, {FILES * REGIONS_PER_FILE} claims, {args.runs} runs (median)")
    print(f"git commit, signatures: off      {off * 1000:8.0f} ms")
    print(f"git commit, signatures: require  {signed * 1000:8.0f} ms")
    print(f"added by signing                 {(signed - off) * 1000:8.0f} ms")
    verify_off = statistics.median(checks["off"])
    verify_signed = statistics.median(checks["require"])
    print(f"ownit verify, signatures: off    {verify_off * 1000:8.0f} ms")
    print(f"ownit verify, signatures: require{verify_signed * 1000:8.0f} ms (200 checked)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
