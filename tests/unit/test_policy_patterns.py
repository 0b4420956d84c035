"""Globs and regexes (bounded time) for policies."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownit.core.policy import (
    Glob,
    GlobError,
    PatternError,
    compile_matcher,
    default_policy,
    validate_glob,
)
from ownit.core.policy.patterns import MAX_MATCH_INPUT


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.py", "a.py", True),
        ("*.py", "a/b/c.py", True),
        ("*.py", "a.pyc", False),
        ("/*.py", "a.py", True),
        ("/*.py", "a/b.py", False),
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/x/a.py", False),
        ("src/**/*.py", "src/a.py", True),
        ("src/**/*.py", "src/x/y/a.py", True),
        ("src/**", "src/x/y/a.py", True),
        ("src/**", "srcx/a.py", False),
        ("**/auth/**", "auth/a.py", True),
        ("**/auth/**", "x/y/auth/z/a.py", True),
        ("**/auth/**", "x/authz/a.py", False),
        ("src/auth", "src/auth/token.py", True),  # a directory covers its contents
        ("gen/", "gen/a.py", True),
        ("gen/", "gen", False),  # directories only
        ("te?t_[a-c]*.py", "x/test_b1.py", True),
        ("te?t_[!a-c]*.py", "x/test_b1.py", False),
        ("a/**/b", "a/b", True),
        ("a/**/**/b", "a/x/b", True),
        ("\\*.py", "*.py", True),
        ("\\*.py", "a.py", False),
        ("**", "anything/at/all", True),
    ],
)
def test_glob_matching(pattern: str, path: str, expected: bool) -> None:
    assert Glob.compile(pattern).matches(path) is expected


def test_glob_without_contents_matches_exact_paths_only() -> None:
    assert not Glob.compile("gen", contents=False).matches("gen/a.py")
    assert Glob.compile("gen/**", contents=False).matches("gen/a.py")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty pattern"),
        ("a**", "whole path segment"),
        ("**b/c", "whole path segment"),
        ("[abc", "unclosed"),
        ("[z-a]", "reversed range"),
        ("!x", "negated"),
        ("a//b", "empty path segment"),
        ("../x", "relative to the repository root"),
        (" x", "leading or trailing spaces"),
        ("x\\", "lone"),
    ],
)
def test_bad_globs(pattern: str, message: str) -> None:
    with pytest.raises(GlobError, match=message):
        Glob.compile(pattern)
    assert validate_glob(pattern) is not None


def test_pathological_glob_is_fast_enough_to_finish() -> None:
    # Star backtracking is O(pattern * name); '**' a dynamic programme over segments.
    glob = Glob.compile("*a*a*a*a*a*a*a*a*a*a*b")
    assert not glob.matches("a" * 5000)
    deep = Glob.compile("/".join(["**", "x"] * 20), contents=False)
    assert not deep.matches("/".join(["x"] * 500) + "/y")


_segment = st.text(alphabet="abcxyz._-", min_size=1, max_size=6).filter(
    lambda s: s not in (".", "..")
)


@given(st.lists(_segment, min_size=1, max_size=6))
def test_literal_glob_matches_itself_and_its_contents(parts: list[str]) -> None:
    path = "/".join(parts)
    glob = Glob.compile(path if len(parts) > 1 else "/" + path)
    assert glob.matches(path)
    assert glob.matches(path + "/inner.txt")
    assert not glob.matches(path + "q")


@given(st.lists(_segment, min_size=1, max_size=6))
def test_double_star_prefix_matches_the_name_anywhere(parts: list[str]) -> None:
    assert Glob.compile("**/" + parts[-1]).matches("/".join(parts))
    assert Glob.compile(parts[-1]).matches("/".join(parts))


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("/(a)\\1/", "no back-references"),
        ("/(?P<x>a)(?P=x)/", "no back-references to a named group"),
        ("/(a)?(?(1)b|c)/", "no conditional groups"),
        ("/(?=ab)a/", "no look-ahead assertions"),
        ("/(?<!x)ab/", "no look-behind assertions"),
        ("/(?>a+)b/", "no atomic groups"),
        ("/a++b/", "no possessive quantifiers"),
        ("/end\\Z/", "write \\z"),
        ("/[/", "missing ]"),
    ],
)
def test_regexes_re2_cannot_match_in_linear_time_are_refused_saying_why(
    pattern: str, reason: str
) -> None:
    with pytest.raises(PatternError, match="invalid regular expression") as refused:
        compile_matcher(pattern)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    "pattern",
    [
        "/\\bclaude\\b|@anthropic\\.com/",
        "/^(looks|seems) (fine|ok)/",
        "/(?i)see (above|below)/",
        "/(?:abc)+/",
        "/(ab){1}/",
        "/[(+*)]+/",
        "/a+b*c?/",
        "/(?P<name>x)+/",
        "/(a+)?/",
        "/(a+)+$/",  # nested quantifiers: exponential for `re`, linear for RE2
        "/(x|xy)*z/",
        "/end\\z/",
        "plain phrase (with parens)+",
    ],
)
def test_regexes_are_accepted(pattern: str) -> None:
    compile_matcher(pattern)


# Each takes from seconds to centuries with Python's backtracking `re` on its input.
SLOW_FOR_BACKTRACKING = [
    ("/a*a*a*a*a*a*a*a*b/", "checked " + "a" * 60 + " carefully"),
    ("/a*a*a*a*a*a*a*a*x/", "a" * 120 + "y"),
    ("/(a+)+$/", "a" * 40 + "!"),
    ("/(a|aa)+$/", "a" * 40 + "!"),
    ("/(\\w+\\s?)*$/", "word " * 30 + "!"),
    ("/(.*a){20}/", "a" * 19 + "b" * 2000),
    ("/^(([a-z])+.)+[A-Z]([a-z])+$/", "a" * 40 + "!"),
]


def test_patterns_that_make_backtracking_explode_run_in_linear_time() -> None:
    """Run in a child process: a regression is a failure here, not a hung test run. The
    limit is generous (RE2 takes microseconds); it only turns a hang into an answer."""
    script = (
        "import json, sys\n"
        "from ownit.core.policy import compile_matcher\n"
        "cases = json.loads(sys.argv[1])\n"
        "print(json.dumps([compile_matcher(p).search(t) for p, t in cases]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(SLOW_FOR_BACKTRACKING)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == [False, False, False, False, True, False, False]


def test_matches_are_found_in_the_whole_capped_input() -> None:
    matcher = compile_matcher("/a*a*a*a*b/")
    assert matcher.search("a" * (MAX_MATCH_INPUT - 1) + "b")
    assert not matcher.search("a" * MAX_MATCH_INPUT + "b")  # past the cap: not read
    assert compile_matcher("/x/").search("\ud800 x")  # a lone surrogate is no crash


def test_built_in_patterns_mean_the_same_to_re2() -> None:
    """The built-in policy runs on `re` (no import); the same text in a policy file runs
    on RE2: both must agree, so copying a built-in pattern changes nothing."""
    policy = default_policy()
    built_in = [p.match for p in policy.ai_commit_patterns]
    for rule in policy.rules:
        built_in.extend(rule.settings.rationale.also_reject)
    regexes = [m for m in built_in if m.is_regex]
    assert len(regexes) > 5
    samples = [
        "Claude <noreply@anthropic.com>",
        "Copilot <123+Copilot@users.noreply.github.com>",
        "123+copilot@users.noreply.github.com",
        "copilot-swe-agent[bot]",
        "Paul Gauthier (aider)",
        "aider <bot@aider.chat>",
        "Cursor Agent <cursoragent@cursor.com>",
        "ChatGPT <codex@openai.com>",
        "gemini jules",
        "Looks fine to me",
        "it seems good",
        "claudette",
        "",
    ]
    for matcher in regexes:
        checked = compile_matcher(matcher.text)
        for sample in samples:
            assert checked.search(sample) == matcher.search(sample), (matcher.text, sample)


def test_matcher_semantics() -> None:
    assert compile_matcher("Looks Good").search("this looks good to me")
    assert compile_matcher("/^looks/").search("LOOKS fine")
    assert not compile_matcher("/^looks/").search("it looks fine")
    with pytest.raises(PatternError, match="invalid regular expression"):
        compile_matcher("/[/")
    with pytest.raises(PatternError, match="empty"):
        compile_matcher("  ")
