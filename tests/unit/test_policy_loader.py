"""Loading `.ownit.yaml`: every problem at file:line:column, typos caught, hostile files refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ownit.core.policy import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_RULES,
    PolicyError,
    PolicyProblem,
    default_policy,
    load_policy,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "policy.example.yaml"


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs twice: with libyaml (the fast path for files it reads without
    a problem) and with PyYAML's own parser only, which must give the same policies and
    the same messages."""
    if request.param == "pure-python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif getattr(yaml, "CSafeLoader", None) is None:
        pytest.skip("PyYAML is built without libyaml here")
    return str(request.param)


def test_a_valid_file_is_parsed_by_libyaml_when_there_is_one(
    yaml_parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[str] = []
    for name in ("parse", "compose"):
        original = getattr(yaml, name)

        def recording(text: str, Loader: type, original: object = original) -> object:
            used.append(Loader.__name__)
            assert callable(original)
            return original(text, Loader=Loader)

        monkeypatch.setattr(yaml, name, recording)
    load_policy(EXAMPLE.read_text(encoding="utf-8"), "policy.example.yaml")
    expected = "CSafeLoader" if yaml_parser == "libyaml" else "SafeLoader"
    assert used == [expected, expected]
    used.clear()
    problems("version: 1\nrules: [\n")  # not YAML: read again by PyYAML for its message
    assert used[-1] == "SafeLoader"


def problems(text: str, filename: str = ".ownit.yaml") -> list[PolicyProblem]:
    with pytest.raises(PolicyError) as caught:
        load_policy(text, filename)
    assert caught.value.problems, "PolicyError without problems"
    return caught.value.problems


def only(text: str) -> PolicyProblem:
    found = problems(text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


# --- the example file ------------------------------------------------------------------------


def test_example_is_valid_and_equals_the_built_in_defaults() -> None:
    policy = load_policy(EXAMPLE.read_text(encoding="utf-8"), "policy.example.yaml")
    assert policy == default_policy()
    assert policy.source == "policy.example.yaml"


def test_example_documents_every_key() -> None:
    from ownit.core.policy.loader import AI_PATTERN_KEYS, RULE_KEYS, TOP_LEVEL_KEYS
    from ownit.core.policy.model import RATIONALE_KEYS, SOURCE_KEYS

    text = EXAMPLE.read_text(encoding="utf-8")
    for key in (*TOP_LEVEL_KEYS, *RULE_KEYS, *RATIONALE_KEYS, *SOURCE_KEYS, *AI_PATTERN_KEYS):
        assert f"{key}:" in text, key


def test_minimal_policy_takes_every_default() -> None:
    policy = load_policy("version: 1\n", ".ownit.yaml")
    defaults = default_policy()
    assert policy.defaults == defaults.defaults
    assert policy.rules == ()
    assert policy.exclude == defaults.exclude
    assert policy.ai_commit_patterns == defaults.ai_commit_patterns


# --- positions and messages ------------------------------------------------------------------


def test_unknown_key_has_position_and_did_you_mean() -> None:
    problem = only("version: 1\ndefaults:\n  severty: error\n")
    assert (problem.file, problem.line, problem.column) == (".ownit.yaml", 3, 3)
    assert (problem.lsp_line, problem.lsp_character) == (2, 2)
    assert "unknown key 'severty'" in problem.message
    assert "did you mean 'severity'?" in problem.message
    assert str(problem).startswith(".ownit.yaml:3:3: ")


def test_unknown_top_level_key() -> None:
    problem = only("version: 1\nrulez: []\n")
    assert (problem.line, problem.column) == (2, 1)
    assert "did you mean 'rules'?" in problem.message


def test_misplaced_key_says_where_it_belongs() -> None:
    problem = only("version: 1\nrules:\n  - paths: [src/**]\n    min_chars: 40\n")
    assert (problem.line, problem.column) == (4, 5)
    assert "belongs under 'rationale:'" in problem.message


def test_wrong_enum_value_names_found_expected_and_suggestion() -> None:
    problem = only("version: 1\nrules:\n  - paths: ['**']\n    commit: blok\n")
    assert (problem.line, problem.column) == (4, 13)
    assert "expected one of block, warn, allow" in problem.message
    assert "found the text 'blok'" in problem.message
    assert "did you mean 'block'?" in problem.message


@pytest.mark.parametrize(
    ("snippet", "column", "expected", "found"),
    [
        ("require_ownership: 'yes please'", 22, "true or false", "the text 'yes please'"),
        ("second_owner: 3", 17, "true or false", "the number 3"),
        ("rationale: {min_chars: many}", 26, "whole number", "the text 'many'"),
        ("rationale: {max_chars: 0}", 26, "from 1 to 2000", "found 0"),
        ("rationale: {min_chars: 5000}", 26, "from 0 to 2000", "found 5000"),
        ("rationale: [1, 2]", 14, "a mapping", "a list"),
        ("owners: alice@example.com", 11, "a list of emails", "the text"),
        ("sources: {count: [agent-hook, heurstic]}", 33, "unknown source", "did you mean"),
        ("sources: {heuristic_min_lines: 0}", 34, "from 1 to 100000", "found 0"),
        ("stale: forever", 10, "one of reopen, keep", "the text 'forever'"),
        ("severity: loud", 13, "one of error, warning", "the text 'loud'"),
        ("history_since: 2025-02-30", 18, "not a real date", "2025-02-30"),
        ("history_since: '2025-01-01 10:00:00'", 18, "a commit or tag", ""),
        ("history_since: 'a b'", 18, "a date (YYYY-MM-DD)", "the text 'a b'"),
    ],
)
def test_wrong_types_in_defaults(snippet: str, column: int, expected: str, found: str) -> None:
    problem = only(f"version: 1\ndefaults:\n  {snippet}\n")
    assert problem.line == 3, str(problem)
    assert problem.column == column, str(problem)
    assert expected in problem.message
    assert found in problem.message


def test_every_problem_is_reported_not_just_the_first() -> None:
    text = (
        "version: 1\n"  # 1
        "defaults:\n"  # 2
        "  severity: loud\n"  # 3
        "  stale: never\n"  # 4
        "rules:\n"  # 5
        "  - paths: ['src/**x']\n"  # 6
        "    owners: [bob]\n"  # 7
    )
    found = problems(text)
    assert [(p.line, p.column) for p in found] == [(3, 13), (4, 10), (6, 13), (7, 14)]


def test_yaml_syntax_error_has_position() -> None:
    problem = only("version: 1\nrules: [\n  - a\n")
    assert problem.message.startswith("not valid YAML")
    assert problem.line >= 2


def test_missing_version_and_wrong_version() -> None:
    assert "missing key 'version'" in only("defaults: {}\n").message
    problem = only("version: 2\n")
    assert (problem.line, problem.column) == (1, 10)
    assert "found version 2" in problem.message


def test_empty_file_and_non_mapping_root() -> None:
    assert "empty" in only("").message
    assert "expected a mapping" in only("- version\n").message


def test_duplicate_keys_are_errors() -> None:
    problem = only("version: 1\ndefaults:\n  severity: error\n  severity: hint\n")
    assert (problem.line, problem.column) == (4, 3)
    assert "duplicate key 'severity' (first given at line 3, column 3)" in problem.message


def test_rule_needs_paths_and_unique_names() -> None:
    found = problems(
        "version: 1\nrules:\n  - name: a\n    severity: error\n  - name: a\n    paths: [x]\n"
    )
    messages = [p.message for p in found]
    assert any("missing key 'paths'" in m for m in messages)
    assert any("rule names must be unique" in m for m in messages)


def test_yaml_11_booleans_are_read_as_written_where_text_is_expected() -> None:
    policy = load_policy(
        "version: 1\ndefaults:\n  severity: off\n  rationale:\n    reject: [yes, no, on]\n",
        ".ownit.yaml",
    )
    assert policy.defaults.severity == "off"
    rationale = policy.defaults.rationale
    assert rationale.reject is not None
    assert [m.text for m in rationale.reject] == ["yes", "no", "on"]


def test_min_greater_than_max_is_an_error() -> None:
    problem = only("version: 1\nrules:\n  - paths: [x]\n    rationale: {min_chars: 400}\n")
    assert "min_chars (400) is greater than max_chars (300)" in problem.message


def test_bad_globs() -> None:
    text = (
        "version: 1\n"
        "exclude:\n"
        "  - 'a**'\n"
        "  - '[abc'\n"
        "  - '!keep'\n"
        "  - '../up'\n"
        "  - 'a//b'\n"
        "  - ''\n"
    )
    found = problems(text)
    assert [p.line for p in found] == [3, 4, 5, 6, 7, 8]
    assert all(p.column == 5 for p in found)
    assert "whole path segment" in found[0].message
    assert "unclosed '['" in found[1].message
    assert "negated pattern" in found[2].message


def test_bad_regexes_are_refused_with_position_and_reason() -> None:
    text = (
        "version: 1\n"
        "defaults:\n"
        "  rationale:\n"
        "    also_reject:\n"
        "      - '/(/'\n"
        "      - '/(a+)+$/'\n"
        "      - '/a*a*a*a*a*a*a*a*b/'\n"
        "      - '/(\\w)\\1/'\n"
        "      - '/(?=ok)/'\n"
        "ai_commit_patterns:\n"
        "  - name: x\n"
        "    trailer: Co-authored-by\n"
        "    match: '/(?<!x)y/'\n"
    )
    found = problems(text)
    # Nested and adjacent quantifiers are fine: RE2 matches them in linear time.
    assert [(p.line, p.column) for p in found] == [(5, 9), (8, 9), (9, 9), (13, 12)]
    assert str(found[0]).startswith(".ownit.yaml:5:9: defaults.rationale.also_reject[0]: ")
    assert "invalid regular expression /(/: missing )" in found[0].message
    assert "no back-references" in found[1].message
    assert "no look-ahead assertions" in found[2].message
    assert found[3].message.startswith("ai_commit_patterns[0]: ")
    assert "no look-behind assertions" in found[3].message


def test_owner_handles_must_be_defined() -> None:
    problem = only(
        "version: 1\ndefaults:\n  owners: ['@acme/securty']\n"
        "handles:\n  '@acme/security': [a@example.com]\n"
    )
    assert (problem.line, problem.column) == (3, 12)
    assert "not defined" in problem.message
    assert "did you mean '@acme/security'?" in problem.message


def test_ai_commit_pattern_shapes() -> None:
    text = (
        "version: 1\n"
        "ai_commit_patterns:\n"
        "  - trailer: Co-authored-by\n"  # 3: no match
        "  - author_name: x\n"
        "    author_email: y\n"  # 4: two fields
        "  - author_name: x\n"
        "    match: y\n"  # 6: match without trailer
        "  - trailer: 'Not A Trailer'\n"
        "    match: x\n"  # 8
    )
    found = problems(text)
    assert [p.line for p in found] == [3, 4, 7, 8]


# --- hostile files ---------------------------------------------------------------------------


def test_python_tags_are_refused() -> None:
    for text in (
        "!!python/object/apply:os.system ['echo pwned']\n",
        "version: 1\ndefaults: !!python/object:collections.OrderedDict {}\n",
        "version: 1\nexclude: [!!binary aGVsbG8=]\n",
        "version: 1\ndefaults: !custom {}\n",
    ):
        found = problems(text)
        assert any("YAML tag" in p.message and "not allowed" in p.message for p in found), text


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["version: 1", "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    for level in range(1, 10):
        previous = "a" if level == 1 else f"a{level - 1}"
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines.append("exclude: *a9")
    found = problems("\n".join(lines) + "\n")
    assert any("aliases" in p.message or "too many values" in p.message for p in found)


def test_alias_doubling_under_the_alias_cap_is_not_expanded() -> None:
    # 2**25 strings if expanded; the reader never walks deeper than the schema, so it
    # answers at once with a type error instead of expanding the aliases.
    lines = ["version: 1", "x0: &x0 ['a', 'b']"]
    for level in range(1, 25):
        lines.append(f"x{level}: &x{level} [*x{level - 1}, *x{level - 1}]")
    lines.append("exclude: *x24")
    found = problems("\n".join(lines) + "\n")
    assert any("found a list" in p.message for p in found)


def test_deep_nesting_is_refused() -> None:
    for text in (
        "[" * 100_000 + "]" * 100_000,
        "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 60)),
    ):
        problem = only(text)
        assert f"at most {MAX_DEPTH}" in problem.message


def test_huge_file_is_refused_before_parsing() -> None:
    text = "version: 1\n# " + "x" * MAX_FILE_BYTES + "\n"
    problem = only(text)
    assert (problem.line, problem.column) == (1, 1)
    assert "bytes" in problem.message


def test_too_many_rules() -> None:
    text = "version: 1\nrules:\n" + "".join("  - paths: [x]\n" for _ in range(MAX_RULES + 1))
    problem = only(text)
    assert f"at most {MAX_RULES}" in problem.message


def test_merge_keys_are_refused() -> None:
    text = "version: 1\nbase: &b {severity: error}\ndefaults:\n  <<: *b\n"
    messages = [p.message for p in problems(text)]
    assert any("merge keys" in m for m in messages)


def test_small_anchors_are_allowed() -> None:
    text = (
        "version: 1\n"
        "handles:\n"
        "  '@acme/sec': &sec [a@example.com, b@example.com]\n"
        "  '@acme/all': *sec\n"
        "defaults:\n"
        "  owners: ['@acme/sec']\n"
    )
    policy = load_policy(text, ".ownit.yaml")
    assert dict(policy.handles)["@acme/all"] == ("a@example.com", "b@example.com")


def test_control_characters_are_a_yaml_problem_with_position() -> None:
    problem = only("version: 1\nexclude: [a\x07b]\n")
    assert problem.line == 2
    assert "not valid YAML" in problem.message
