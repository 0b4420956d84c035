"""Globs and regex safety for policies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownit.core.policy import Glob, GlobError, PatternError, compile_matcher, validate_glob


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
    "pattern",
    [
        "/(a+)+$/",
        "/(a*)*b/",
        "/(\\w+\\s?)*$/",
        "/(a|aa)+$/",
        "/(?:x+){2,}/",
        "/((ab)*c)*/",
        "/(a)\\1/",
        "/(?P<x>a)(?P=x)/",
        "/(a)?(?(1)b|c)/",
        "/([a-z]+)*!/",
    ],
)
def test_catastrophic_regexes_are_refused(pattern: str) -> None:
    with pytest.raises(PatternError):
        compile_matcher(pattern)


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
        "plain phrase (with parens)+",
    ],
)
def test_safe_regexes_are_accepted(pattern: str) -> None:
    compile_matcher(pattern)


def test_matcher_semantics() -> None:
    assert compile_matcher("Looks Good").search("this looks good to me")
    assert compile_matcher("/^looks/").search("LOOKS fine")
    assert not compile_matcher("/^looks/").search("it looks fine")
    with pytest.raises(PatternError, match="invalid regular expression"):
        compile_matcher("/[/")
    with pytest.raises(PatternError, match="empty"):
        compile_matcher("  ")
