"""The pure parts of the CI outputs: workflow-command escaping, SARIF URIs and the SARIF
builder on its own, Code Quality fingerprints, ranges from events, Markdown escaping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownit.ci.verify_alerts import public_uri
from ownit.core import ci_range, ci_summary, codequality, sarif
from ownit.core import workflow_commands as wc
from ownit.core.alerts import Alert, RuleHelp
from ownit.core.printable import printable

A = "a" * 40
B = "b" * 40


def unescape(value: str, *, prop: bool) -> str:
    """What the runner reads back (actions/toolkit's rules, applied in reverse)."""
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if prop:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, char in pairs:
        value = value.replace(escaped, char)
    return value.replace("%25", "%")


@given(st.text())
def test_workflow_command_escapes_round_trip(text: str) -> None:
    clean = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    data, prop = wc.escape_data(text), wc.escape_property(text)
    assert "\n" not in data and "\r" not in data
    assert not any(c in prop for c in "\r\n:,")
    assert unescape(data, prop=False) == clean
    assert unescape(prop, prop=True) == clean


def test_annotation_of_a_hostile_path() -> None:
    alert = Alert("unowned-at-tip", "50% done\nnext", "a,b:c%\n::x.py", 3, 5, fix="own it")
    line = wc.annotation(alert)
    assert line == (
        "::error file=a%2Cb%3Ac%25%0A%3A%3Ax.py,line=3,endLine=5,"
        "title=ownit%3A unowned-at-tip::50%25 done%0Anext%0AFix: own it"
    )
    assert "\n" not in line
    assert wc.annotation(alert, level="warning").startswith("::warning ")
    no_lines = Alert("claim-path-missing", "m", "gone.py", 0, 0)
    assert wc.annotation(no_lines) == "::error file=gone.py,title=ownit%3A claim-path-missing::m"


@given(st.text(min_size=1))
def test_artifact_uri_round_trip(path: str) -> None:
    uri = sarif.artifact_uri(path)
    assert all(c.isascii() and c.isprintable() and c != " " for c in uri)
    assert ":" not in uri and "#" not in uri and "?" not in uri
    assert sarif.path_of_uri(uri).encode("utf-8", "surrogateescape") == path.encode(
        "utf-8", "surrogateescape"
    )


def test_sarif_builder_takes_any_findings() -> None:
    """A future reader (report's unowned lines at the tip) reuses the builder as is."""
    rule = RuleHelp("unowned-ai", "UnownedAi", "short", "full", "fix it", "minor")
    alerts = [
        Alert("unowned-ai", "not owned", "src/ü.py", 2, 9, "0123456789ab", properties={"x": 1}),
        Alert("other", "no rule", "", 0, 0),
    ]
    log = sarif.build(alerts, [rule], sarif.RunInfo("1.2.3", "ownit/report/", "c" * 40, None))
    (run,) = log["runs"]
    first, second = run["results"]
    assert first["ruleIndex"] == 0 and "ruleIndex" not in second
    assert first["partialFingerprints"] == {sarif.CONTENT_KEY: "0123456789ab"}
    assert sarif.LOCATION_KEY in second["partialFingerprints"] and "locations" not in second
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/%C3%BC.py"
    assert "versionControlProvenance" not in run  # no repository URI: none claimed
    back = sarif.read_alerts(log)
    assert [(a.rule_id, a.path, a.first, a.last, a.fingerprint) for a in back] == [
        ("unowned-ai", "src/ü.py", 2, 9, "0123456789ab"),
        ("other", "", 0, 0, None),
    ]
    assert back[0].severity == "major" and back[0].properties["x"] == 1


def test_codequality_fingerprints_unique_and_stable() -> None:
    twice = Alert("unowned-at-tip", "m", "f.py", 1, 4, "0123456789ab")
    moved = Alert("unowned-at-tip", "m", "f.py", 7, 10, "0123456789ab")
    issues = codequality.build([twice, twice, Alert("x", "about no file", "", 0, 0)])
    assert len(issues) == 2 and issues[0]["fingerprint"] != issues[1]["fingerprint"]
    assert codequality.build([moved])[0]["fingerprint"] == issues[0]["fingerprint"]
    assert issues[0]["location"] == {"path": "f.py", "lines": {"begin": 1, "end": 4}}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://gitlab-ci-token:secret@gitlab.example.com/g/app.git",
            "https://gitlab.example.com/g/app.git",
        ),
        ("https://x-access-token:t@github.com:443/o/r", "https://github.com:443/o/r"),
        ("git@github.com:o/r.git", "ssh://github.com/o/r.git"),
        ("ssh://git@host/o/r", "ssh://host/o/r"),
        ("https://host/o/r?token=abc#frag", "https://host/o/r"),
        ("file:///srv/git/r.git", "file:///srv/git/r.git"),
        ("/srv/git/r.git", None),
        ("https://host/\nevil", None),
    ],
)
def test_public_uri(url: str, expected: str | None) -> None:
    assert public_uri(url) == expected


def test_github_plans() -> None:
    pr = {"pull_request": {"base": {"sha": A}, "head": {"sha": B}}}
    assert ci_range.github_plan("pull_request", pr).range == f"{A}..{B}"
    assert ci_range.github_plan("pull_request_target", pr).needs == (A, B)
    group = {"merge_group": {"base_sha": A, "head_sha": B}}
    assert ci_range.github_plan("merge_group", group).range == f"{A}..{B}"
    push = {"before": A, "after": B, "ref": "refs/heads/topic"}
    push["repository"] = {"default_branch": "main"}  # type: ignore[assignment]
    plan = ci_range.github_plan("push", push)
    assert plan.range == f"{A}..{B}" and plan.fallback is not None
    assert plan.fallback.range == f"refs/remotes/origin/main...{B}"
    new = ci_range.github_plan("push", dict(push, before="0" * 40))
    assert new.range == f"refs/remotes/origin/main...{B}" and new.default_branch == "main"
    first = ci_range.github_plan("push", dict(push, before="0" * 40, ref="refs/heads/main"))
    assert first.range == B
    odd = ci_range.github_plan(
        "push", dict(push, before="0" * 40, repository={"default_branch": "-x"})
    )
    assert odd.range == B  # a default branch git would read as an option: not used
    assert ci_range.github_plan("push", dict(push, after="0" * 40)).range is None
    with pytest.raises(ci_range.RangeError, match="give the range input"):
        ci_range.github_plan("schedule", {})
    with pytest.raises(ci_range.RangeError, match=r"pull_request\.head\.sha is not a commit id"):
        ci_range.github_plan("pull_request", {"pull_request": {"base": {"sha": A}}})
    with pytest.raises(ci_range.RangeError):
        ci_range.github_plan("push", dict(push, before="--upload-pack=x"))


def test_gitlab_plans() -> None:
    mr = {
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_COMMIT_SHA": B,
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": A,
    }
    assert ci_range.gitlab_plan(mr).range == f"{A}..{B}"
    c = "c" * 40
    merged = dict(mr, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=c)
    assert ci_range.gitlab_plan(merged).range == f"{A}..{c}"
    push = {"CI_COMMIT_SHA": B, "CI_COMMIT_BEFORE_SHA": A, "CI_DEFAULT_BRANCH": "main"}
    assert ci_range.gitlab_plan(push).range == f"{A}..{B}"
    new = dict(push, CI_COMMIT_BEFORE_SHA="0" * 40, CI_COMMIT_BRANCH="topic")
    assert ci_range.gitlab_plan(new).range == f"refs/remotes/origin/main...{B}"
    with pytest.raises(ci_range.RangeError, match="CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        ci_range.gitlab_plan(dict(mr, CI_MERGE_REQUEST_DIFF_BASE_SHA=""))


def test_markdown_and_log_escaping() -> None:
    hostile = "<img src=x onerror=alert(1)> | [click](http://e.test) `x` *b*\n\x1b[31m"
    text = ci_summary.md(hostile)
    assert "<" not in text and "\n" not in text and "\x1b" not in text
    assert "\\|" in text and "\\[click\\]" in text and "\\`x\\`" in text
    assert printable("a\x1b[2Jb\rc\u009bd") == "a\\x1b[2Jb\\rc\\x9bd"
    alert = Alert("r", "bad\nline", "p\x1b.py", 1, 1, fix="do\rit")
    assert ci_summary.log_lines([alert]) == [
        "error: p\\x1b.py:1: bad\\nline [r]",
        "  fix: do\\rit",
    ]
