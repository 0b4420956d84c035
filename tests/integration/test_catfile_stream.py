"""`catfile.Stream`: one `git cat-file --batch` for a whole run, asked at any time, answers
read as git writes them (real git, real repositories)."""

from __future__ import annotations

from pathlib import Path

from ownit.git import catfile
from tests.conftest import git


def _commit(repo: Path, files: dict[str, bytes]) -> str:
    for name, data in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "files")
    return git(repo, "rev-parse", "HEAD").strip()


def test_answers_match_one_by_one_reads(git_repo: Path) -> None:
    files = {
        "a.py": b"one\ntwo\n",
        "with space.py": b"spaced\n",
        "empty.txt": b"",
        "dir/inner.py": b"inner\n",
        "crlf.txt": b"a\r\nb\r\n",
    }
    head = _commit(git_repo, files)
    specs = [f"{head}:{name}" for name in files]
    specs += [f"{head}:dir", f"{head}:missing.py", f"{head}:../escape", ":a.py", f"{head}:a.py\r"]
    with catfile.Stream(git_repo) as stream:
        stream.ask(specs)
        got = {spec: stream.get(spec) for spec in reversed(specs)}
    assert got == {spec: catfile.read_one(git_repo, spec) for spec in specs}
    assert got[f"{head}:empty.txt"] == b""
    assert got[f"{head}:dir"] is None  # a tree is not a blob
    assert got[f"{head}:missing.py"] is None
    assert got[f"{head}:../escape"] is None


def test_many_large_blobs_stream_both_ways_and_can_be_asked_again(git_repo: Path) -> None:
    # more than a pipe holds in both directions: neither side may wait on the other
    files = {f"pkg/file_{index:03d}.py": (f"line {index}\n" * 4000).encode() for index in range(60)}
    head = _commit(git_repo, files)
    specs = [f"{head}:{name}" for name in files]
    with catfile.Stream(git_repo) as stream:
        stream.ask(specs[:30])
        first = stream.get(specs[29])
        stream.ask(specs)  # the first 30 again (asked once), then the rest
        for spec, name in zip(specs, files, strict=True):
            assert stream.get(spec) == files[name]
            stream.forget(spec)
        assert first == files["pkg/file_029.py"]
        assert stream.get(specs[0]) == files["pkg/file_000.py"]  # forgotten: read again


def test_a_spec_never_asked_is_read_on_get(git_repo: Path) -> None:
    head = _commit(git_repo, {"x.py": b"x\n"})
    with catfile.Stream(git_repo) as stream:
        assert stream.get(f"{head}:x.py") == b"x\n"
        assert stream.get("0" * 40 + ":x.py") is None
