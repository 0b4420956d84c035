"""core/trailers: format, parse, merge — checked against the real `git interpret-trailers`."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownit.core import trailers as tr

FP = "3f9a1c2b7d4e"
FP2 = "9b8c7d6e5f4a"


def git_parse(message: str, *, no_divider: bool = True) -> list[str]:
    args = ["git", "interpret-trailers", "--parse"]
    if no_divider:
        args.append("--no-divider")
    result = subprocess.run(
        args,
        input=message.encode("utf-8", "surrogateescape"),
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"},
    )
    return result.stdout.decode("utf-8", "surrogateescape").splitlines()


def owned(
    path: str = "src/a.py", first: int = 1, last: int = 3, fp: str = FP, **kw: str
) -> tr.ClaimLine:
    return tr.ClaimLine(
        path,
        first,
        last,
        fp,
        kw.get("tool", "copilot"),
        kw.get("email", "dev@example.com"),
        kw.get("rationale", "Checked the bounds and the error path by hand"),
    )


def unowned(path: str = "src/b.py", first: int = 10, last: int = 22, fp: str = FP2) -> tr.ClaimLine:
    return tr.ClaimLine(path, first, last, fp, "claude-code")


def test_format_matches_design_example() -> None:
    trailers = tr.build(
        [
            tr.ClaimLine(
                "src/auth/token.py",
                41,
                58,
                FP,
                "copilot",
                "dev@example.com",
                "Uses hmac.compare_digest; length checked before compare",
            ),
            tr.ClaimLine("src/util/retry.py", 10, 22, FP2, "claude-code"),
        ],
        owners=[tr.Owner("Dev Name", "dev@example.com")],
        extra_tools=["claude-code:claude-sonnet-5"],
    )
    assert tr.format_trailers(trailers) == [
        "Assisted-by: copilot",
        "Assisted-by: claude-code",
        "Assisted-by: claude-code:claude-sonnet-5",
        "Owned-by: Dev Name <dev@example.com>",
        "AI-Owned: src/auth/token.py:41-58 3f9a1c2b7d4e copilot dev@example.com -- Uses "
        "hmac.compare_digest; length checked before compare",
        "AI-Unowned: src/util/retry.py:10-22 9b8c7d6e5f4a claude-code",
    ]


@pytest.mark.parametrize(
    ("path", "encoded"),
    [
        ("src/a b.py", "src/a%20b.py"),
        ("100%.py", "100%25.py"),
        ("tab\there", "tab%09here"),
        ("new\nline", "new%0Aline"),
        ("café/ü.py", "caf%C3%A9/%C3%BC.py"),
        ("emoji😀.py", "emoji%F0%9F%98%80.py"),
        ("del\x7f", "del%7F"),
        ("ok/path-1_2.x:y", "ok/path-1_2.x:y"),
    ],
)
def test_path_encoding(path: str, encoded: str) -> None:
    assert tr.encode_path(path) == encoded
    assert tr.decode_path(encoded) == path


def test_undecodable_path_bytes_round_trip() -> None:
    raw = b"lat\xe9n1.py".decode("utf-8", "surrogateescape")
    assert tr.encode_path(raw) == "lat%E9n1.py"
    assert tr.decode_path(tr.encode_path(raw)) == raw


@given(st.text(min_size=1))
@settings(max_examples=300)
def test_path_round_trip_property(path: str) -> None:
    token = tr.encode_path(path)
    assert all(0x21 <= ord(c) <= 0x7E for c in token)
    assert tr.decode_path(token) == path


@given(
    path=st.text(min_size=1, max_size=40),
    tool=st.text(min_size=1, max_size=20),
    email=st.text(min_size=1, max_size=20),
    rationale=st.text(max_size=80),
    first=st.integers(1, 10_000),
    length=st.integers(0, 500),
)
@settings(max_examples=300)
def test_claim_line_round_trip(
    path: str, tool: str, email: str, rationale: str, first: int, length: int
) -> None:
    claim = tr.ClaimLine(path, first, first + length, FP, tool, email, rationale)
    line = tr.format_claim(claim)
    assert "\n" not in line and "\r" not in line
    key, _, value = line.partition(": ")
    parsed = tr.parse_trailer(key, value)
    expected_rationale = tr.rationale_line(rationale)
    assert parsed == tr.ClaimLine(path, first, first + length, FP, tool, email, expected_rationale)


def test_rationale_cut_at_max() -> None:
    line = tr.rationale_line("word " * 200, max_chars=50)
    assert len(line) == 50 and line.endswith("…")
    assert tr.rationale_line("short enough", max_chars=50) == "short enough"


def test_merge_into_title_only_message() -> None:
    trailers = tr.build([owned()], owners=[tr.Owner("Dev", "dev@example.com")])
    out = tr.merge_into_message("Fix the parser\n", trailers)
    assert out == (
        "Fix the parser\n\nAssisted-by: copilot\nOwned-by: Dev <dev@example.com>\n"
        f"AI-Owned: src/a.py:1-3 {FP} copilot dev@example.com -- Checked the bounds and the"
        " error path by hand\n"
    )
    assert git_parse(out) == tr.format_trailers(trailers)


def test_merge_keeps_other_trailers_and_is_idempotent() -> None:
    message = (
        "Fix the parser\n\nLonger body.\n\n"
        "Co-authored-by: Ann <ann@example.com>\nSigned-off-by: Dev <dev@example.com>\n"
    )
    trailers = tr.build([owned(), unowned()], owners=[tr.Owner("Dev", "dev@example.com")])
    once = tr.merge_into_message(message, trailers)
    twice = tr.merge_into_message(once, trailers)
    assert once == twice
    assert git_parse(once) == [
        "Co-authored-by: Ann <ann@example.com>",
        *tr.format_trailers(trailers),
        "Signed-off-by: Dev <dev@example.com>",
    ]
    assert git_parse(once, no_divider=False) == git_parse(once)


def test_merge_replaces_same_code_and_same_place() -> None:
    first = tr.merge_into_message("T\n", tr.build([unowned()]))
    claimed = tr.ClaimLine("src/b.py", 10, 22, FP2, "claude-code", "d@e.x", "Reviewed every branch")
    second = tr.merge_into_message(first, tr.build([claimed]))
    lines = git_parse(second)
    assert not any(line.startswith("AI-Unowned") for line in lines)
    assert lines.count(tr.format_claim(claimed)) == 1
    moved = tr.ClaimLine("src/b.py", 10, 22, FP, "claude-code")  # same place, new code
    third = tr.merge_into_message(second, tr.build([moved]))
    assert [x for x in git_parse(third) if x.startswith("AI-")] == [tr.format_claim(moved)]


def test_owned_by_dropped_when_its_claims_go() -> None:
    a = tr.merge_into_message(
        "T\n", tr.build([owned()], owners=[tr.Owner("Dev", "dev@example.com")])
    )
    b = tr.merge_into_message(a, tr.build([unowned("src/a.py", 1, 3, FP)]))
    assert "Owned-by" not in b
    assert "AI-Owned" not in b


def test_comments_and_scissors_stay_after_the_block() -> None:
    message = (
        "Subject\n\nBody\n\n# Please enter the commit message\n# On branch main\n"
        f"# {tr.SCISSORS}\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n"
        "Signed-off-by: not really\n"
    )
    trailers = tr.build([owned()])
    out = tr.merge_into_message(message, trailers)
    assert out.index("AI-Owned") < out.index("# Please enter")
    assert out.endswith("Signed-off-by: not really\n")
    assert git_parse(out) == tr.format_trailers(trailers)
    # What git commit keeps (cleanup=scissors, then comments stripped).
    kept = out[: out.index(f"# {tr.SCISSORS}")]
    stripped = subprocess.run(
        ["git", "stripspace", "--strip-comments"],
        input=kept.encode(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert git_parse(stripped) == tr.format_trailers(trailers)
    assert tr.merge_into_message(out, trailers) == out


def test_other_comment_char() -> None:
    message = "Subject\n\n; a comment\n; another\n"
    out = tr.merge_into_message(message, tr.build([owned()]), comment_char=";")
    assert out.startswith("Subject\n\nAssisted-by: copilot\n")
    assert out.endswith("\n; a comment\n; another\n")


def test_empty_message_as_comment_note() -> None:
    message = "\n# Please enter the commit message for your changes.\n#\n# On branch main\n"
    trailers = tr.build([owned()])
    out = tr.merge_into_message(message, trailers, as_comment=True)
    assert out.startswith("\n# ownit adds these trailers")
    assert tr.merge_into_message(out, trailers, as_comment=True) == out
    stripped = subprocess.run(
        ["git", "stripspace", "--strip-comments"],
        input=out.encode(),
        capture_output=True,
        check=True,
    ).stdout
    assert stripped == b""  # leaving the message empty still aborts the commit


def test_gather_from_squashed_messages_and_bodies() -> None:
    one = tr.merge_into_message("First\n", tr.build([owned()]))
    two = tr.merge_into_message(
        "Second\n\nSigned-off-by: A <a@x>\n", tr.build([unowned(), owned()])
    )
    squashed = f"# This is a combination of 2 commits.\n{one}\n# The 2nd message:\n\n{two}"
    gathered = tr.gather([one, two])
    assert gathered.claims == (owned(), unowned())
    assert tr.parse_message(squashed) == gathered
    merged = tr.merge_into_message(squashed, tr.OwnitTrailers())
    parsed = git_parse(merged)
    assert parsed == [*tr.format_trailers(gathered), "Signed-off-by: A <a@x>"]
    assert merged.count("AI-Owned:") == 1  # moved out of the body, not duplicated
    assert tr.merge_into_message(merged, tr.OwnitTrailers()) == merged


def test_server_side_squash_body_lines_count() -> None:
    message = (
        "Feature (#12)\n\n* First\n\nAI-Owned: src/a.py:1-3 3f9a1c2b7d4e copilot dev@example.com"
        " -- Checked the bounds and the error path by hand\n\n* Second\n\nMore text\n\n"
        "Co-authored-by: Ann <ann@example.com>\n"
    )
    assert tr.parse_message(message).claims == (owned(),)


def test_subject_is_never_a_claim() -> None:
    line = tr.format_claim(owned())
    assert tr.parse_message(line + "\n").claims == ()


def test_parse_is_strict() -> None:
    assert tr.parse_trailer("AI-Owned", "src/a.py:1-3 XYZ copilot d@e -- r") is None
    assert tr.parse_trailer("AI-Owned", "src/a.py:3-1 3f9a1c2b7d4e copilot d@e -- r") is None
    assert tr.parse_trailer("AI-Unowned", "src/a.py:0-1 3f9a1c2b7d4e copilot") is None
    assert tr.parse_trailer("Co-authored-by", "A <a@x>") is None
    assert tr.parse_trailer("Assisted-by", "GitHub Copilot") is None  # a person's, kept as is
    assert tr.parse_trailer("ai-owned", f"a.py:1-1 {FP} t e --") == tr.ClaimLine(
        "a.py", 1, 1, FP, "t", "e", ""
    )


def test_unknown_tokens_in_block_are_kept() -> None:
    message = "T\n\nAssisted-by: GitHub Copilot\nAI-Owned: garbage\n"
    out = tr.merge_into_message(message, tr.build([owned()]))
    parsed = git_parse(out)
    assert parsed[:2] == ["Assisted-by: GitHub Copilot", "AI-Owned: garbage"]
    assert parsed[2:] == tr.format_trailers(tr.build([owned()]))


def test_reanchor_callback_moves_and_drops_old_lines() -> None:
    message = tr.merge_into_message("T\n", tr.build([owned(), unowned()]))

    def reanchor(claim: tr.ClaimLine) -> tr.ClaimLine | None:
        if claim.path == "src/b.py":
            return None
        return tr.ClaimLine(
            claim.path, 5, 7, claim.fingerprint, claim.tool, claim.owner_email, claim.rationale
        )

    out = tr.merge_into_message(message, tr.OwnitTrailers(), reanchor=reanchor)
    claims = tr.parse_message(out).claims
    assert claims == (owned(first=5, last=7),)


MESSAGES = [
    "Subject\n",
    "Subject\n\nbody\n",
    "Subject\n\nKey: value\n",
    "Subject\nKey: value\n",
    "Subject\n\nbody text\nKey: value\n",
    "Subject\n\nbody text\nSigned-off-by: A <a@x>\n",
    "Subject\n\nnot a trailer\nmore\nstill\nSigned-off-by: A <a@x>\n",
    "Subject\n\nKey: value\n  continued\nOther: x\n",
    "Subject\n\nKey: value\n\n# comment\n",
    "Subject\n\nKey: value\n# inner comment\nOther: y\n",
    "Subject\n\n(cherry picked from commit abc)\nfree text\n",
    "\n\nKey: value\n",
    "Subject\n\nbody\n---\nKey: value\n",
    "Subject\n\nKey : spaced\nK2:nospace\n",
    "Subject\n\nKey: value\n   \n",
    "Subject\n\nKey: value\n\n\n",
    "Subject\n\nConflicts:\n\tfile.c\n",
    "Subject\n\nKey: v\nConflicts:\n\tfile.c\n# c\n",
]


@pytest.mark.parametrize("message", MESSAGES)
def test_trailer_block_agrees_with_git(message: str) -> None:
    ours = [f"{k}: {v}" for k, v in tr.existing_trailers(message)]
    assert ours == git_parse(message)
    trailers = tr.build([owned()])
    merged = tr.merge_into_message(message, trailers)
    ours = [line for line in git_parse(merged) if line not in git_parse(message)]
    assert ours == tr.format_trailers(trailers)
    assert set(git_parse(message)) <= set(git_parse(merged))
    assert tr.merge_into_message(merged, trailers) == merged


_LINE = st.sampled_from(
    [
        "Key: value",
        "Signed-off-by: A <a@x>",
        "free text",
        "  continuation",
        "# comment",
        "",
        "---",
        "Co-authored-by: B <b@x>",
        "(cherry picked from commit 123)",
        "x:y",
        "\t",
    ]
)


@given(st.lists(_LINE, max_size=12))
@settings(max_examples=300, deadline=None)
def test_trailer_block_agrees_with_git_on_random_messages(lines: list[str]) -> None:
    message = "Subject\n" + "".join(line + "\n" for line in lines)
    assert [f"{k}: {v}" for k, v in tr.existing_trailers(message)] == git_parse(message)
    trailers = tr.build([owned(), unowned()])
    merged = tr.merge_into_message(message, trailers)
    assert [x for x in git_parse(merged) if x.startswith("AI-")] == tr.format_trailers(trailers)[
        -2:
    ]
    assert tr.merge_into_message(merged, trailers) == merged


def test_merge_squash_message_indented_claims_are_gathered() -> None:
    one = tr.merge_into_message("First\n", tr.build([owned()]))
    indented = "\n".join(("    " + line if line else "") for line in one.splitlines())
    squash = (
        "Squashed commit of the following:\n\ncommit 0123\nAuthor: A <a@x>\n\n"
        f"{indented}\n\n    Not: a claim\n"
    )
    assert tr.parse_message(squash).claims == (owned(),)
    merged = tr.merge_into_message(squash, tr.OwnitTrailers())
    assert git_parse(merged) == tr.format_trailers(tr.build([owned()]))
    assert "    AI-Owned" not in merged and "    Not: a claim" in merged
    # Only four spaces: other indentation (e.g. ownit's own note) is not a claim line.
    assert tr.parse_message("T\n\n  " + tr.format_claim(owned()) + "\n").claims == ()


def test_commented_out_claims_are_gathered_into_the_block() -> None:
    fixup = tr.merge_into_message("fixup! First\n", tr.build([unowned()]))
    commented = "".join(f"# {line}\n" if line else "#\n" for line in fixup.splitlines())
    squash = (
        "# This is a combination of 2 commits.\nFirst\n\n"
        f"# The commit message #2 will be skipped:\n\n{commented}"
    )
    assert tr.parse_message(squash).claims == ()
    gathered = tr.parse_commented(squash)
    assert gathered.claims == (unowned(),)
    note = tr.merge_into_message("\n", tr.build([owned()]), as_comment=True)
    assert tr.parse_commented(note).claims == ()  # ownit's own note is not gathered
    out = tr.merge_into_message("First\n", tr.build([owned()]), gathered=gathered)
    assert tr.parse_message(out).claims == (unowned(), owned())
    assert tr.merge_into_message(out, tr.build([owned()]), gathered=gathered) == out


# --------------------------------------------------------------------------- AI-Lines: exact


def test_exact_marker_is_written_once_last_and_parsed_back_by_git() -> None:
    message = "Fix\n\nCo-authored-by: Ann <ann@example.com>\nSigned-off-by: Dev <dev@example.com>\n"
    trailers = tr.build([owned(), unowned()], exact=True)
    once = tr.merge_into_message(message, trailers)
    assert tr.merge_into_message(once, trailers) == once  # idempotent
    parsed = git_parse(once)
    assert parsed == [
        "Co-authored-by: Ann <ann@example.com>",
        *tr.format_trailers(trailers),
        "Signed-off-by: Dev <dev@example.com>",
    ]
    assert parsed.count("AI-Lines: exact") == 1
    assert tr.format_trailers(trailers)[-1] == "AI-Lines: exact"
    assert tr.parse_message(once).exact


def test_no_marker_without_a_claim_line_or_when_not_exact() -> None:
    assert tr.format_trailers(tr.OwnitTrailers(assisted_by=("copilot",), exact=True)) == [
        "Assisted-by: copilot"
    ]
    assert "AI-Lines: exact" not in tr.format_trailers(tr.build([owned()]))


@pytest.mark.parametrize(
    "typed", ["AI-Lines: exact", "ai-lines: exact", "AI-Lines: all of them", "AI-Lines:  exact"]
)
def test_a_marker_already_in_the_message_goes_unless_the_caller_says_exact(typed: str) -> None:
    message = f"Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n{typed}\n"
    merged = tr.merge_into_message(message, tr.build([owned()]))
    assert "AI-Lines" not in merged.replace(typed, "") and typed not in merged
    assert git_parse(merged)[0] == "Co-authored-by: Claude <noreply@anthropic.com>"
    exact = tr.merge_into_message(message, tr.build([owned()], exact=True))
    assert git_parse(exact).count("AI-Lines: exact") == 1
    # In the body, a line in ownit's form goes too (ownit's lines are gathered from the
    # body); one that is not (two spaces) is not ownit's, and no reader takes it as one.
    body = f"Fix\n\n{typed}\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    merged_body = tr.merge_into_message(body, tr.build([owned()]))
    assert (typed in merged_body) is ("  " in typed)


def test_squashed_markers_gather_into_one() -> None:
    squash = (
        "Squashed commit of the following:\n\ncommit 1\n\n    One\n\n"
        f"    {tr.format_claim(owned())}\n    AI-Lines: exact\n\ncommit 2\n\n    Two\n\n"
        f"    {tr.format_claim(unowned())}\n    AI-Lines: exact\n"
    )
    assert tr.parse_message(squash).exact
    merged = tr.merge_into_message(squash, tr.OwnitTrailers(exact=True))
    assert git_parse(merged).count("AI-Lines: exact") == 1
    assert "    AI-Lines" not in merged
