"""`ownit report --markdown` and `--statement` are pasted where Markdown is rendered (a pull
request, a wiki, a client's portal), and what they show comes from commits anyone can
write: a subject, a tool token, a path. None of it may become markup there (an `<img>`
that fetches, a heading that fakes a verdict) nor leave its code span — as the HTML report
and the CI job summary already escape it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.integration.store_harness import VENV_BIN, make_repo

OWNIT = str(VENV_BIN / "ownit")
SUBJECT = '<img src="https://example.invalid/pixel.png"> <h1>All AI code owned</h1>'
TOOL = "<svg/onload=alert(1)>"
PATH = "src/a`<b>x.py"
_TAG = re.compile(r"<[A-Za-z/!?]")


def _git(repo: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _outside_code_spans(line: str) -> str:
    """The text of a Markdown line that is not inside a code span (CommonMark: a run of
    n backticks opens a span that the next run of exactly n backticks closes)."""
    out, at = [], 0
    runs = list(re.finditer(r"`+", line))
    index = 0
    while index < len(runs):
        opening = runs[index]
        closing = next(
            (r for r in runs[index + 1 :] if len(r.group()) == len(opening.group())), None
        )
        if closing is None:
            index += 1
            continue
        out.append(line[at : opening.start()])
        at = closing.end()
        index = runs.index(closing) + 1
    out.append(line[at:])
    return "".join(out)


def _markup(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if _TAG.search(_outside_code_spans(line))]


def test_commit_data_never_becomes_markup_in_markdown(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "repo", env, hooks=False)
    (repo / "src").mkdir()
    (repo / PATH).write_text("x1 = 1\nx2 = 2\n")
    _git(repo, env, "add", "-A")
    trailers = f"AI-Unowned: src/a`<b>x.py:1-2 c12f1850ada7 {TOOL}\nAI-Lines: exact"
    _git(repo, env, "commit", "-q", "-m", f"{SUBJECT}\n\n{trailers}")
    for args in (["report", "--markdown"], ["report", "--statement"]):
        done = subprocess.run(
            [OWNIT, *args], cwd=repo, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "onload" in done.stdout or "img" in done.stdout, done.stdout  # it is shown
        assert _markup(done.stdout) == [], (args, done.stdout)
