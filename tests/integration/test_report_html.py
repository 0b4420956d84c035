"""`ownit report --html` end to end: a real repository whose history mixes human commits
and AI-assisted ones, with and without claims, made through ownit's real hooks over ten
weeks; the page the real CLI writes, opened in a real headless Chromium (Debian's
`chromium`) over the DevTools protocol. The page must render with no console error and
no request, show its charts, and keep hostile repository data as text. A screenshot and
a print to PDF go to test-output/ (report-html.png, report-html.pdf, report-html.html)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.chromium import Chromium, PageLog, chromium_path
from tests.support import OWNIT, git, run, write

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
ALICE = ("Alice Martin", "alice@example.com")
BOB = ("Bob Okafor", "bob@example.com")
START = "2025-01-06T10:00:00Z"  # a Monday; commit N weeks later is dated N weeks on


class History:
    """A repository being written, one dated commit at a time, through ownit's hooks."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path, self.env = path, env
        path.mkdir()
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")
        self.as_person(ALICE)

    def git(self, *args: str) -> str:
        return git(self.path, self.env, *args)

    def ownit(self, *args: str) -> str:
        return run(self.path, self.env, OWNIT, *args, check=True).stdout

    def as_person(self, person: tuple[str, str]) -> None:
        self.git("config", "user.name", person[0])
        self.git("config", "user.email", person[1])

    def write(self, name: str, lines: list[str]) -> None:
        write(self.path, name, lines)

    def commit(
        self, week: float, message: str, *names: str, empty: bool = False, hooks: bool = True
    ) -> None:
        if names:
            self.git("add", "--", *names)
        date = _later(week)
        env = {**self.env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        no_hooks = [] if hooks else ["-c", f"core.hooksPath={self.path / 'no-hooks'}"]
        args = ["git", *no_hooks, "commit", "-q", "-F", "-"]
        args += ["--allow-empty"] if empty else []
        result = subprocess.run(
            args, cwd=self.path, env=env, input=message, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr


def _later(weeks: float) -> str:
    import datetime

    start = datetime.datetime.fromisoformat(START)
    return (start + datetime.timedelta(weeks=weeks)).strftime("%Y-%m-%dT%H:%M:%S +0000")


def code(name: str, count: int) -> list[str]:
    return [
        f"def {name}_{i}(value):" if i % 4 == 0 else f"    step_{i} = value + {i}"
        for i in range(count)
    ]


def build_history(path: Path, env: dict[str, str]) -> History:
    """Twelve weeks of a small service: humans, copilot, claude-code, cursor and aider."""
    h = History(path, env)
    h.write("README.md", ["# billing", "", "The billing service."])
    h.write("src/billing/app.py", ["import sys", "", "def main():", "    return 0"])
    h.commit(0, "Start the billing service\n", "README.md", "src/billing/app.py")
    h.ownit("hooks", "install")

    h.write("src/billing/parser.py", code("parse", 24))
    h.ownit("mark", "src/billing/parser.py", "--lines", "1-24", "--tool", "copilot")
    h.ownit(
        "claim",
        "src/billing/parser.py:1",
        "-m",
        "Read every branch; the fuzz tests cover the edge cases",
    )
    h.commit(1, "Parse invoices\n", "src/billing/parser.py")

    h.write("src/billing/api/handlers.py", code("handle", 32))
    h.ownit("mark", "src/billing/api/handlers.py", "--lines", "1-32", "--tool", "claude-code")
    h.commit(2, "Add the HTTP handlers\n", "src/billing/api/handlers.py")  # AI-Unowned

    h.write("src/billing/money.py", code("money", 18))
    h.commit(
        3,
        "Money helpers\n\nCo-authored-by: Claude <noreply@anthropic.com>\n",
        "src/billing/money.py",
    )

    h.as_person(BOB)
    h.write("src/billing/auth.py", code("auth", 20))
    h.ownit("mark", "src/billing/auth.py", "--lines", "1-20", "--tool", "cursor")
    h.ownit(
        "claim",
        "src/billing/auth.py:1",
        "-m",
        "Token check uses hmac.compare_digest; reviewed against the threat model and tested",
    )
    h.commit(4, "Check API tokens\n", "src/billing/auth.py")

    h.write(
        "src/billing/app.py",
        ["import sys", "", "def main():", "    print('billing')", "    return 0"],
    )
    h.commit(5, "Say hello\n", "src/billing/app.py")

    h.as_person(ALICE)
    h.ownit(
        "claim",
        "src/billing/api/handlers.py:1",
        "-m",
        "Walked through each handler with the API spec; errors tested",
    )
    h.commit(6, "Own the HTTP handlers\n", empty=True)

    h.write("src/billing/export.py", code("export", 40))
    h.ownit("mark", "src/billing/export.py", "--lines", "1-40", "--tool", "claude-code")
    h.commit(7, "Export invoices as CSV\n", "src/billing/export.py")  # stays unowned

    h.as_person(BOB)
    h.write("src/billing/cli.py", code("cli", 16))
    h.ownit("mark", "src/billing/cli.py", "--lines", "1-16", "--tool", "cursor")
    h.ownit(
        "claim",
        "src/billing/cli.py:1",
        "-m",
        "Argument parsing mirrors the old script; checked by hand",
    )
    h.commit(8, "A command line\n", "src/billing/cli.py")

    h.write("src/billing/report.py", code("report", 22))
    h.commit(9, "Monthly report\n\nAssisted-by: aider\n", "src/billing/report.py")  # unclaimed

    h.write("tests/test_parser.py", code("test_parse", 12))
    h.ownit("mark", "tests/test_parser.py", "--lines", "1-12", "--tool", "copilot")
    h.commit(10, "Test the parser\n", "tests/test_parser.py")  # AI-Unowned, allowed in tests

    h.as_person(ALICE)
    h.write("docs/notes.md", ["# Notes", "", "Humans wrote this."])
    h.commit(11, "Notes\n", "docs/notes.md")

    # A forged claim, typed into a commit made without ownit's hooks, in another's name.
    h.write("src/billing/ledger.py", code("ledger", 10))
    h.commit(
        11.5,
        "Ledger\n\nAI-Owned: src/billing/ledger.py:1-6 deadbeef0000 copilot "
        "mallory@example.com -- Reviewed all of it\n",
        "src/billing/ledger.py",
        hooks=False,
    )
    return h


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    if chromium_path() is None:
        pytest.fail("chromium is needed: run scripts/install-system-packages (Debian: chromium)")
    instance = Chromium(tmp_path_factory.mktemp("chromium") / "profile")
    try:
        yield instance
    finally:
        instance.close()


def assert_clean(log: PageLog, url: str) -> None:
    assert log.errors() == [], log.errors()
    others = [r for r in log.requests if r != url and not r.startswith("data:")]
    assert others == [], f"the page asked for {others}"


def page_facts(browser: Chromium) -> dict[str, Any]:
    facts: dict[str, Any] = browser.evaluate(
        """(() => ({
          svgs: document.querySelectorAll('svg.chart').length,
          bars: document.querySelectorAll('svg.chart rect.segment').length,
          points: document.querySelectorAll('#chart-share circle.point').length,
          ticks: document.querySelectorAll('#chart-share text.tick:not(.sub)').length,
          scripts: document.scripts.length,
          images: document.images.length,
          sections: [...document.querySelectorAll('main > section')].map(s => s.id),
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          title: document.title,
          text: document.body.innerText,
          pwned: window.__pwned === 1,
        }))()"""
    )
    return facts


def test_report_page_in_chromium(tmp_path: Path, env: dict[str, str], browser: Chromium) -> None:
    history = build_history(tmp_path / "billing", env)
    data = json.loads(history.ownit("report", "--json"))
    target = tmp_path / "report.html"
    out = history.ownit("report", "--html", str(target))
    assert out.strip() == f"ownit report: wrote {target}"
    html = target.read_text()

    url = target.as_uri()
    log = browser.open(url)
    assert_clean(log, url)
    facts = page_facts(browser)
    assert facts["scripts"] == 0 and facts["images"] == 0
    assert facts["sections"] == [
        "statement",  # the AI statement first (ownit report --statement)
        "summary",
        "share-over-time",
        "by-tool",
        "by-owner",
        "by-path",
        "at-the-tip",
        "owned-code",
        "unowned-at-tip",
        "invalid-at-tip",
        "unowned-lines-at-tip",
        "policy",
        "method",
    ]
    assert facts["svgs"] == 7, "all lines, share over time, tools, owners, paths; tip ×2"
    assert facts["ticks"] == 12, "twelve weeks"
    assert facts["points"] == 11, "a point a week, but the first week has no AI-written line"
    assert facts["bars"] > 10
    assert facts["overflow"] <= 0, "nothing wider than the window"
    assert "billing" in facts["title"]
    text = facts["text"]
    total, owned = data["lines"]["total"], data["lines"]["owned"]
    assert f"{owned} of {total} AI-written lines owned" in text
    assert "src/billing/export.py:1-40" in text
    assert "ownit claim src/billing/export.py:1" in text
    assert "alice@example.com" in text and "bob@example.com" in text
    for tool in ("copilot", "claude-code", "cursor", "aider"):
        assert tool in text
    assert "Walked through each handler with the API spec" in text  # a rationale
    tip = data["atTip"]
    assert tip["lines"]["invalid"] == 6
    assert f"{tip['lines']['total']} AI-written lines are in the files of the tip" in text
    assert "src/billing/ledger.py:1-6" in text and "mallory@example.com" in text
    assert "does not match the committed lines" in text  # why the claim fails
    assert "src/billing/report.py:1-22" in text  # unclaimed AI lines, unowned at the tip

    OUTPUT.mkdir(exist_ok=True)
    shutil.copyfile(target, OUTPUT / "report-html.html")
    browser.screenshot(OUTPUT / "report-html.png", log)
    assert (OUTPUT / "report-html.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    browser.pdf(OUTPUT / "report-html.pdf", log)
    assert (OUTPUT / "report-html.pdf").read_bytes()[:5] == b"%PDF-"
    assert_clean(log, url)
    assert "<script" not in html.lower()


HOSTILE_FILE = '"><img src=x onerror="window.__pwned=1">.py'
HOSTILE_SUBJECT = "<script>window.__pwned=1</script> \u202egnp.exe Fix"


def test_hostile_repository_data_stays_text(
    tmp_path: Path, env: dict[str, str], browser: Chromium
) -> None:
    h = History(tmp_path / "hostile", env)
    h.write("base.py", ["x = 1"])
    h.commit(0, "Start\n", "base.py")
    h.ownit("hooks", "install")
    h.write(HOSTILE_FILE, code("evil", 6))
    h.ownit("mark", HOSTILE_FILE, "--lines", "1-6", "--tool", "copilot")
    h.commit(1, HOSTILE_SUBJECT + "\n", HOSTILE_FILE)
    long_name = "deep/" * 40 + "x" * 200 + ".py"
    h.write(long_name, code("long", 5))
    h.commit(2, "Long\n\nAssisted-by: copilot\n", long_name)
    target = tmp_path / "hostile.html"
    h.ownit("report", "--html", str(target))
    url = target.as_uri()
    log = browser.open(url)
    assert_clean(log, url)
    facts = page_facts(browser)
    assert facts["pwned"] is False and facts["images"] == 0 and facts["scripts"] == 0
    assert facts["overflow"] <= 0, "a very long path wraps or is cut"
    assert HOSTILE_FILE in facts["text"], "shown as the text it is"
    assert "<script>window.__pwned=1</script>" in facts["text"]
    assert "\u202e" not in facts["text"] and "\\u202e" in facts["text"]


def ownit_result(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([OWNIT, *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def small(tmp_path: Path, env: dict[str, str]) -> History:
    h = History(tmp_path / "small", env)
    h.write("a.py", code("a", 4))
    h.commit(0, "Start\n", "a.py")
    h.write("b.py", code("b", 6))
    h.commit(1, "B\n\nAssisted-by: copilot\n", "b.py")
    return h


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--html", "x.html", "--json"], "without --json or --format"),
        (["--html", "x.html", "--markdown"], "without --json or --format"),
        (["--html", ""], "--html needs a file name"),
        (["--html", "."], "is a directory"),
        (["--html", "no/such/folder/x.html"], "cannot write no/such/folder/x.html"),
        (["--html", "x.html", "nope..HEAD"], ""),
    ],
)
def test_html_usage_errors_exit_2(small: History, args: list[str], message: str) -> None:
    result = ownit_result(small.path, small.env, "report", *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and message in result.stderr
    assert not (small.path / "x.html").exists()
    assert [p.name for p in small.path.iterdir() if p.name.endswith(".tmp")] == []


def test_html_replaces_the_file_whole_and_stdout_works(small: History) -> None:
    target = small.path / "out.html"
    target.write_text("old")
    result = ownit_result(small.path, small.env, "report", "--html", "out.html")
    assert result.returncode == 0 and result.stdout == "ownit report: wrote out.html\n"
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask, "as any file the user writes"
    assert [p.name for p in small.path.iterdir() if p.name.startswith(".out.html")] == []
    piped = ownit_result(small.path, small.env, "report", "--html", "-", "HEAD~1..HEAD")
    assert piped.returncode == 0 and piped.stdout.startswith("<!DOCTYPE html>")
    assert "HEAD~1..HEAD" in piped.stdout and "b.py" in piped.stdout


def test_html_of_an_empty_range_and_an_empty_repository(small: History, tmp_path: Path) -> None:
    result = ownit_result(small.path, small.env, "report", "--html", "-", "HEAD..HEAD")
    assert result.returncode == 0
    assert "There are no commits in this range: nothing to report." in result.stdout
    assert "B</span>" not in result.stdout and "B <span" in result.stdout, "the tip is named"
    empty = History(tmp_path / "empty", small.env)
    result = ownit_result(empty.path, empty.env, "report", "--html", "e.html")
    assert result.returncode == 0
    assert "The repository has no commits yet" in (empty.path / "e.html").read_text()


def test_the_harness_sees_errors_and_requests(tmp_path: Path, browser: Chromium) -> None:
    """What the checks above rely on: a console error, a script the CSP refuses and a
    request for a file are all seen (nothing leaves the machine: the file is local)."""
    noisy = tmp_path / "noisy.html"
    noisy.write_text(
        "<!DOCTYPE html><html><head><title>n</title></head><body>"
        "<script>console.error('boom')</script><img src='missing.png'></body></html>"
    )
    log = browser.open(noisy.as_uri())
    errors = log.errors()
    assert any("boom" in line for line in errors), errors
    assert (tmp_path / "missing.png").as_uri() in log.requests
    locked = tmp_path / "locked.html"
    locked.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' "
        "content=\"default-src 'none'\"><title>l</title></head><body>"
        "<script>window.__ran = 1</script></body></html>"
    )
    log = browser.open(locked.as_uri())
    assert browser.evaluate("window.__ran === undefined") is True
    assert any("Content Security Policy" in line for line in log.errors()), log.errors()


def test_the_html_modules_load_only_for_html(small: History) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ownit", "report", "--json"],
        cwd=small.path,
        env=small.env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "ownit.core.report" in loaded
    assert not loaded & {"ownit.core.svg_charts", "html"}
    assert not [name for name in loaded if name.startswith("ownit.core.report_html")]
