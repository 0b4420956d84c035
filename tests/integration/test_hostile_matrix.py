"""Hostile input through the real hooks and the real verify, end to end.

Every case goes the whole way: files and claims made as ownit makes them (the store, the
CLI), a real `git commit` through the installed hooks, `git interpret-trailers --parse`
on the commit, then `ownit verify --json`. Four repositories, several cases per commit
where they can share one:

- **paths**: spaces, `%`, `\\r`, `\\n`, `\\t`, non-ASCII, leading dashes, quotes, names
  that look like trailers or escape sequences — each with a hostile tool name and
  rationale, owned or not, next to human files, then amended with a new message;
- **identities**: `user.name` / `user.email` holding newlines, `<>`, trailers, crud;
- **typed messages**: forged ownit lines typed into a message going through the hooks;
- **forged commits**: partial, mismatched and forged claims committed without the hooks,
  each of which verify must report.

A hostile input *forges a trailer* when the hook writes a trailer ownit did not mean
(git's parse of the commit differs from what ownit meant, or a claim reads back other
than it was made), or when verify accepts a claim that is not what it says. The count of
inputs tried and of forgeries is printed; there must be no forgery. Seeded: the same
inputs, in the same order, on every run.
"""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ownit.core import trailers as tr
from ownit.core.claims import DEFAULT_MAX_CHARS
from ownit.core.fingerprint import fingerprint
from tests import support
from tests.integration import test_hooks as h
from tests.support import git, run, write

SEED = 9
DEV, DEV_NAME = "dev@example.com", "Dev Name"
GOOD = "Checked every branch by hand against the spec"

PATHS = [
    "space name.py",
    " lead.py",
    "trail.py ",
    "100%.py",
    "%41%42.py",
    "p%2Fq.py",
    "cr\rmid.py",
    "crend\r",
    "lf\nmid.py",
    "tab\tname.py",
    "données/é.py",
    "日本語.py",
    "emoji🙂.py",
    "nbsp\u00a0.py",
    "ls\u2028sep.py",
    "rtl\u202eyp.txt",
    "-rf.py",
    "--amend.py",
    "'single'.py",
    '"double".py',
    "back\\slash.py",
    "colon:name.py",
    "#hash.py",
    "<angle>.py",
    "AI-Owned: x.py:1-1 000000000000 t e -- r",
    "Signed-off-by: Eve <eve@example.com>",
    "esc\x1b[2K.py",
    "dir with space/sub dir/f.py",
]
TOOLS = [
    "copilot",
    "claude-code:claude-sonnet-5",
    "a\nAI-Owned: forged.py:1-1 000000000000 t e -- r",
    "x<y>z",
    "%0A",
    "tab\there",
    "esc\x1b[31m",
]
RATIONALES = [
    "",
    "\nAI-Owned: evil.py:1-1 000000000000 t e -- r",
    "\r\nSigned-off-by: Eve <eve@example.com>",
    "\u2028AI-Unowned: x.py:1-1 000000000000 t",
    " tab\tand  spaces ",
    " \x1b[2K escape",
    " -- with dashes --",
    " # not a comment",
    " key: looks like a trailer",
    " " + "long " * 80,
]
IDENTITIES = [
    ("Dev\nAI-Owned: forged.py:1-1 000000000000 t e -- r", DEV),
    ("Dev <evil@example.com>", DEV),
    (DEV_NAME, f"<{DEV}>"),
    (DEV_NAME, "dev\n@example.com"),
    (DEV_NAME, f"{DEV}\nSigned-off-by: Eve <eve@example.com>"),
    ("  Dev.  ", f"  {DEV};"),
    ("Dév Ñame", "dév@exämple.com"),
    ("Dev\x1b[2K", DEV),
]


@dataclass
class Tally:
    tried: list[str] = field(default_factory=list)
    forged: list[str] = field(default_factory=list)

    def case(self, label: str, ok: bool) -> None:
        self.tried.append(label)
        if not ok:
            self.forged.append(label)


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    """The count, shown in the test output (not captured) when the module is done."""
    found = Tally()
    yield found
    figure = (
        f"hostile-input matrix: {len(found.tried)} hostile inputs tried,"
        f" {len(found.forged)} forged a trailer"
    )
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\n{figure}")
    else:
        print(figure)


def git_parse(message: str) -> list[str]:
    result = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        input=message.encode("utf-8", "surrogateescape"),
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8", "surrogateescape").splitlines()


def head_message(repo: Path, env: dict[str, str], rev: str = "HEAD") -> str:
    return git(repo, env, "log", "-1", "--format=%B", rev)


def verify(repo: Path, env: dict[str, str], spec: str) -> dict[str, Any]:
    result = subprocess.run(
        [str(h.VENV_BIN / "ownit"), "verify", "--json", spec],
        cwd=repo,
        env=env,
        capture_output=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert b"Traceback" not in result.stderr
    report: dict[str, Any] = json.loads(result.stdout.decode("utf-8", "surrogateescape"))
    return report


def new_repo(tmp_path: Path, env: dict[str, str], name: str, *, hooks: bool) -> Path:
    path = support.new_repo(tmp_path / name, env, DEV, DEV_NAME)
    (path / "base.py").write_text("one = 1\ntwo = 2\nthree = 3\n")
    git(path, env, "add", "base.py")
    git(path, env, "commit", "-q", "-m", "Initial")
    if hooks:
        run(path, env, str(h.VENV_BIN / "ownit"), "hooks", "install", check=True)
    return path


def code_for(n: int) -> list[str]:
    return [f"def f_{n}(x):", f"    return x * {n} + 1", f"value_{n} = f_{n}(2)"]


# --------------------------------------------------------------------------- paths


def test_hostile_paths_tools_and_rationales(
    tmp_path: Path, env: dict[str, str], tally: Tally
) -> None:
    rng = random.Random(SEED)
    repo = new_repo(tmp_path, env, "paths", hooks=True)
    expected: dict[str, tr.ClaimLine] = {}
    for n, path in enumerate(PATHS):
        lines = code_for(n)
        write(repo, path, lines)
        tool = TOOLS[n % len(TOOLS)]
        rationale = GOOD + RATIONALES[n % len(RATIONALES)]
        owned = rng.random() < 0.7
        region = h.mark(repo, path, 1, 2, tool, claim=False)
        if owned:
            _claim(repo, region, path, rationale, fingerprint(lines[:2]))
        expected[path] = tr.ClaimLine(
            path,
            1,
            2,
            fingerprint(lines[:2]),
            tool,
            DEV if owned else None,
            tr.rationale_line(rationale, DEFAULT_MAX_CHARS) if owned else "",
        )
    for n in range(3):  # human files next to them: the exact marker keeps them human
        write(repo, f"human {n}.py", [f"human_{n} = {n}"])
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "Hostile names")

    meant = tr.format_trailers(
        tr.build(expected.values(), owners=[tr.Owner(DEV_NAME, DEV)], exact=True)
    )
    for label, message in (
        ("commit", head_message(repo, env)),
        ("amend -m", _amend(repo, env)),
    ):
        parsed = git_parse(message)
        extra = [line for line in parsed if line not in meant]
        tally.case(f"{label}: only what ownit meant", not extra and len(parsed) == len(meant))
        read_back = {c.path: c for c in tr.parse_message(message).claims}
        for path, claim in expected.items():
            ok = read_back.get(path) == claim and tr.format_claim(claim) in parsed
            if label == "commit":
                tally.case(f"path {path!r}", ok)
            else:
                assert ok, (label, path)
        assert parsed.count(tr.EXACT_MARKER) == 1
    for tool in TOOLS:
        tally.case(f"tool {tool!r}", tr.format_assisted(tool) in meant)
    for rationale in RATIONALES:
        tally.case(f"rationale {rationale[:20]!r}", "\n" not in tr.rationale_line(GOOD + rationale))
    report = verify(repo, env, "HEAD~1..HEAD")
    unexpected = [f for f in report["findings"] if f["kind"] != "unowned-at-tip"]
    tally.case("verify of the hostile-name commit", not unexpected)
    unowned = {f["path"] for f in report["findings"]}
    assert unowned == {p for p, c in expected.items() if not c.owned}, report
    assert not tally.forged, tally.forged


def _claim(repo: Path, region_id: str, path: str, rationale: str, fp: str) -> None:
    import time

    from ownit.core.model import Claim
    from ownit.git.repo import find_repository, store_path
    from ownit.store import Store

    found = find_repository(repo, refresh=True)
    assert found is not None
    with Store.open(store_path(found)) as store:
        store.add_claim(Claim(region_id, DEV_NAME, DEV, rationale, fp, time.time()))


def _amend(repo: Path, env: dict[str, str]) -> str:
    git(repo, env, "commit", "-q", "--amend", "-m", "Reworded \x1b[2K subject")
    assert git(repo, env, "rev-list", "--count", "HEAD").strip() == "2"
    return head_message(repo, env)


# --------------------------------------------------------------------------- identities


def test_hostile_identities(
    tmp_path: Path,
    env: dict[str, str],
    tally: Tally,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ownit import cli

    repo = new_repo(tmp_path, env, "identities", hooks=True)
    monkeypatch.chdir(repo)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for n, (name, email) in enumerate(IDENTITIES):
        git(repo, env, "config", "user.name", name)
        git(repo, env, "config", "user.email", email)
        path = f"ident_{n}.py"
        lines = code_for(n)
        write(repo, path, lines)
        h.mark(repo, path, 1, 2, "copilot")
        assert cli.main(["claim", f"{path}:1", "-m", GOOD, "--json"]) == 0  # in-process: fast
        capsys.readouterr()
        git(repo, env, "add", "--", path)
        git(repo, env, "commit", "-q", "-m", f"Identity {n}")
        written = git(repo, env, "log", "-1", "--format=%an%x00%ae").rstrip("\n").split("\0")
        claim = tr.ClaimLine(path, 1, 2, fingerprint(lines[:2]), "copilot", written[1], GOOD)
        meant = tr.format_trailers(
            tr.build([claim], owners=[tr.Owner(written[0], written[1])], exact=True)
        )
        tally.case(f"identity {name!r} <{email!r}>", git_parse(head_message(repo, env)) == meant)
    report = verify(repo, env, f"HEAD~{len(IDENTITIES)}..HEAD")
    tally.case("verify of the identity commits", report["ok"] and not report["findings"])
    assert not tally.forged, tally.forged


# --------------------------------------------------------------------------- typed


def typed_messages() -> list[tuple[str, list[tuple[str, str]], list[str]]]:
    """(subject, [(label, forged line typed into the message)], files the commit adds):
    forged ownit lines typed into messages; several share a message."""
    fp = fingerprint(code_for(0)[:3])
    wrong = "0123456789ab"
    owned = f"copilot {DEV} -- {GOOD}"
    block = [
        ("wrong fingerprint", f"AI-Owned: t0.py:1-3 {wrong} {owned}"),
        ("out of range", f"AI-Owned: t0.py:40-42 {wrong} {owned}"),
        ("path not in the commit", f"AI-Owned: nothere.py:1-3 {fp} {owned}"),
        ("path out of the tree", f"AI-Owned: ..%2F..%2Fetc%2Fpasswd:1-3 {fp} {owned}"),
        ("typed Owned-by", "Owned-by: Eve <eve@example.com>"),
        ("encoded newline", f"AI-Owned: t9%0AAI-Lines:%20exact.py:1-3 {wrong} {owned}"),
        ("typed marker", "AI-Lines: exact"),
        ("typed marker, other case", "ai-lines: EXACT"),
        ("typed unowned", f"AI-Unowned: t0.py:1-3 {wrong} copilot"),
    ]
    body = [
        ("indented in the body", f"    AI-Owned: t0.py:1-3 {wrong} {owned}"),
        ("marker in the body", "AI-Lines: exact"),
    ]
    return [
        ("in the trailer block", block, ["t0.py"]),
        ("in the body", [*body, ("trailer after the body", "X-Note: y")], ["t1.py"]),
        ("in the subject", [("subject is a claim", f"AI-Owned: t2.py:1-3 {wrong} {owned}")], []),
        ("CRLF", [("CRLF message", f"AI-Owned: t3.py:1-3 {wrong} {owned}\r")], ["t3.py"]),
    ]


def _typed_message(subject: str, lines: list[tuple[str, str]]) -> str:
    if subject == "in the subject":
        return f"{lines[0][1]}\n"
    if subject == "in the body":
        *forged, (_, trailer) = lines
        return "T\n\n" + "\n\n".join(line for _, line in forged) + f"\n\n{trailer}\n"
    end = "\r\n" if subject == "CRLF" else "\n"
    return f"T{end}{end}" + "".join(line + "\n" for _, line in lines)


def test_forged_lines_typed_into_messages(
    tmp_path: Path, env: dict[str, str], tally: Tally
) -> None:
    repo = new_repo(tmp_path, env, "typed", hooks=True)
    cases = typed_messages()
    for n, (subject, lines, files) in enumerate(cases):
        for rel in files:
            write(repo, rel, code_for(n))
        git(repo, env, "add", "--", *files)
        message = _typed_message(subject, lines)
        git(repo, env, "commit", "-q", "--allow-empty", "-F", "-", input=message)
        written = head_message(repo, env)
        parsed = git_parse(written)
        ours = tr.parse_message(written)
        kept = bool(ours.claims or ours.exact or ours.owned_by)
        kept = kept or any(line.casefold().startswith("ai-lines") for line in parsed)
        for label, _ in lines:
            tally.case(f"typed: {label}", not kept)
    report = verify(repo, env, f"HEAD~{len(cases)}..HEAD")
    tally.case("verify of the typed commits", report["ok"])
    assert not tally.forged, tally.forged


# --------------------------------------------------------------------------- forged


def forged_commits() -> list[tuple[str, str, dict[str, list[str]], str]]:
    """(label, message, files, the finding verify must report), committed without hooks."""
    gen = [f"value_{n} = {n} * 2" for n in range(1, 13)]
    fp1 = fingerprint(gen[:1])
    code = code_for(1)
    fp = fingerprint(code)
    base_fp = fingerprint(["one = 1", "two = 2"])
    who = f"copilot {DEV} -- {GOOD}"
    claude = "Co-authored-by: Claude <noreply@anthropic.com>"
    return [
        (
            "wrong fingerprint",
            f"F\n\nAI-Owned: a.py:1-3 0123456789ab {who}\n",
            {"a.py": code},
            "claim-mismatch",
        ),
        (
            "out of range",
            f"F\n\nAI-Owned: b.py:7-9 0123456789ab {who}\n",
            {"b.py": code},
            "claim-out-of-range",
        ),
        (
            "wrong path",
            f"F\n\nAI-Owned: nope.py:1-3 {fp} {who}\n",
            {"c.py": code},
            "claim-path-missing",
        ),
        (
            "wrong path with a space",
            f"F\n\nAI-Owned: no%20such.py:1-1 {fp1} {who}\n",
            {},
            "claim-path-missing",
        ),
        (
            "path out of the tree",
            f"F\n\nAI-Owned: ..%2F..%2Fetc%2Fpasswd:1-1 {fp1} {who}\n",
            {},
            "claim-path-missing",
        ),
        (
            "file not in the commit",
            f"F\n\nAI-Owned: base.py:1-2 {fp1} {who}\n",
            {},
            "claim-mismatch",
        ),
        (
            "someone else's claim",
            f"F\n\nAI-Owned: base.py:1-2 {base_fp} copilot eve@example.com -- {GOOD}\n",
            {},
            "owner-not-committer",
        ),
        (
            "partial claim, no marker",
            f"F\n\nAssisted-by: copilot\nAI-Owned: g.py:1-1 {fp1} {who}\n",
            {"g.py": gen},
            "ai-commit-unclaimed",
        ),
        (
            "marker, co-author in another group",
            f"F\n\n{claude}\n\nAI-Owned: g2.py:1-1 {fp1} {who}\nAI-Lines: exact\n",
            {"g2.py": gen},
            "ai-commit-unclaimed",
        ),
        (
            "marker without a claim",
            "F\n\nAssisted-by: copilot\nAI-Lines: exact\n",
            {"g3.py": gen},
            "ai-commit-unclaimed",
        ),
        (
            "escape sequence as the owner",
            f"F\n\nAI-Owned: base.py:1-2 {base_fp} copilot %1B%5B2K%0Aok -- {GOOD}\n",
            {},
            "owner-not-committer",
        ),
        (
            "empty rationale",
            f"F\n\nAI-Owned: base.py:1-2 {base_fp} copilot {DEV} --\n",
            {},
            "rationale-rejected",
        ),
        (
            "indented forged claim in the body",
            f"F\n\n* squashed\n\n    AI-Owned: d.py:1-3 0123456789ab {who}\n",
            {"d.py": code},
            "claim-mismatch",
        ),
        (
            "claim in the subject of an AI commit",
            f"AI-Owned: e.py:1-3 {fp} {who}\n\nAssisted-by: copilot\n",
            {"e.py": code},
            "ai-commit-unclaimed",
        ),
    ]


def test_forged_claims_committed_without_the_hooks(
    tmp_path: Path, env: dict[str, str], tally: Tally
) -> None:
    repo = new_repo(tmp_path, env, "forged", hooks=False)
    cases = forged_commits()
    shas: list[str] = []
    for label, message, files, _ in cases:
        for rel, lines in files.items():
            write(repo, rel, lines)
            git(repo, env, "add", "--", rel)
        git(
            repo,
            env,
            "commit",
            "-q",
            "--allow-empty",
            "--cleanup=verbatim",
            "-F",
            "-",
            input=message,
        )
        shas.append(git(repo, env, "rev-parse", "HEAD").strip())
        assert label
    report = verify(repo, env, f"HEAD~{len(cases)}..HEAD")
    by_commit: dict[str, set[str]] = {}
    for finding in report["findings"]:
        by_commit.setdefault(finding["commit"], set()).add(finding["kind"])
    for sha, (label, _, _, kind) in zip(shas, cases, strict=True):
        tally.case(f"forged: {label}", kind in by_commit.get(sha, set()))
    text = subprocess.run(
        [str(h.VENV_BIN / "ownit"), "verify", f"HEAD~{len(cases)}..HEAD"],
        cwd=repo,
        env=env,
        capture_output=True,
        check=False,
    ).stdout
    tally.case("escape sequences in verify's text output", b"\x1b" not in text)
    assert not tally.forged, tally.forged


def test_a_name_that_is_not_utf8_is_refused(
    tmp_path: Path, env: dict[str, str], tally: Tally
) -> None:
    repo = new_repo(tmp_path, env, "bytes", hooks=True)
    name = b"bad\xff.py".decode("utf-8", "surrogateescape")
    (repo / name).write_text("x = 1\n")
    result = subprocess.run(
        [str(h.VENV_BIN / "ownit"), "mark", name, "--lines", "1", "--tool", "copilot"],
        cwd=repo,
        env=env,
        capture_output=True,
        check=False,
    )
    tally.case(
        "a file name that is not UTF-8", result.returncode == 2 and b"UTF-8" in result.stderr
    )
    assert not tally.forged, tally.forged
