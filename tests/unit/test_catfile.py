"""Reading `git cat-file --batch` answers: specs with spaces, missing and ambiguous objects,
non-blobs, and answers that cannot be read (bytes in, no git)."""

from __future__ import annotations

import pytest

from ownit.git import catfile, history

OID = "587be6b4c3f93f93c489c0111bba5596147a26cb"
TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def blob(content: bytes) -> bytes:
    return f"{OID} blob {len(content)}\n".encode() + content + b"\n"


def test_missing_spec_with_spaces_is_none_and_the_rest_is_read() -> None:
    specs = ["HEAD:my file.py", ":a b c.py", "HEAD:x.py", ":dir"]
    out = (
        b"HEAD:my file.py missing\n"
        + blob(b"one two\n")
        + b"HEAD:x.py ambiguous\n"
        + f"{TREE} tree 0\n\n".encode()
    )
    assert catfile.parse_batch(out, specs) == {
        "HEAD:my file.py": None,
        ":a b c.py": b"one two\n",
        "HEAD:x.py": None,
        ":dir": None,
    }
    assert history.parse_batch(out, specs) == catfile.parse_batch(out, specs)


def test_missing_answer_that_looks_like_a_header() -> None:
    # The echoed spec ends like a header ("<word> <number>"): still the missing answer.
    spec = ":blob 12 missing"
    out = b":blob 12 missing missing\n" + blob(b"x")
    assert catfile.parse_batch(out, [spec, ":b"]) == {spec: None, ":b": b"x"}


def test_content_with_newlines_and_header_like_lines() -> None:
    content = f"{OID} blob 3\nabc\n:a missing\n".encode()
    out = blob(content) + b":a missing\n"
    assert catfile.parse_batch(out, [":x", ":a"]) == {":x": content, ":a": None}


def test_non_utf8_spec_is_echoed_as_its_bytes() -> None:
    spec = b":caf\xe9.py".decode("utf-8", "surrogateescape")
    out = b":caf\xe9.py missing\n"
    assert catfile.parse_batch(out, [spec]) == {spec: None}


def test_unreadable_answer_is_an_error_or_goes_to_the_fallback() -> None:
    out = b":a missing\nsomething else\n" + blob(b"late")
    with pytest.raises(catfile.BatchAnswerError, match="':b'"):
        catfile.parse_batch(out, [":a", ":b", ":c"])
    asked: list[str] = []

    def one(spec: str) -> bytes:
        asked.append(spec)
        return spec.encode()

    assert catfile.parse_batch(out, [":a", ":b", ":c"], one) == {
        ":a": None,
        ":b": b":b",
        ":c": b":c",
    }
    assert asked == [":b", ":c"]


def test_truncated_output_is_an_error() -> None:
    with pytest.raises(catfile.BatchAnswerError, match="ended early"):
        catfile.parse_batch(f"{OID} blob 10\nabc".encode(), [":a"])
    with pytest.raises(catfile.BatchAnswerError, match="ended early"):
        catfile.parse_batch(b"", [":a"])


@pytest.mark.parametrize(
    ("spec", "ok"),
    [
        (":a b.py", True),
        (":a\rb.py", True),
        (":tab\there", True),
        (":ends\r", False),
        (":new\nline", False),
        (":nul\0", False),
    ],
)
def test_batchable(spec: str, ok: bool) -> None:
    assert catfile.batchable(spec) is ok


@pytest.mark.parametrize(
    ("spec", "asked"),
    [
        (":a.py", ":0:a.py"),
        (":1:x.py", ":0:1:x.py"),  # a path that looks like a stage number
        (":/fix", None),  # not a search of commit messages
        (f"{OID}:src/a b.py", f"{OID}:src/a b.py"),
        (f"{OID}:../../etc/passwd", None),  # git would resolve it against the cwd
        (f"{OID}:./a.py", None),
        (f"{OID}:a//b.py", None),
        (f"{OID}:dir/", None),
        (f"{OID}:", None),
        (OID, OID),
    ],
)
def test_paths_from_claims_are_taken_literally_or_not_at_all(spec: str, asked: str | None) -> None:
    assert catfile.git_spec(spec) == asked
