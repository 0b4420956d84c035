"""A store deleted or replaced under a running server, and a store the server cannot
write: no acknowledged claim is lost, and the editor is told in plain words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ownit.core.model import Region, Source
from ownit.store import Store
from tests.integration.lsp_helpers import isolated_env
from tests.integration.store_harness import (
    Server,
    functions,
    honour_permissions,
    make_repo,
    read_store,
)


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    root = make_repo(tmp_path / "repo", env, hooks=False)
    (root / "a.py").write_text(functions(4))
    return root


@pytest.fixture
def server(tmp_path: Path, repo: Path) -> Iterator[Server]:
    home = tmp_path / "home"
    with open(tmp_path / "server.err", "wb") as err:
        client = Server(isolated_env(home), err, preexec=honour_permissions)
        client.start(repo)
        try:
            yield client
        finally:
            if client.process.poll() is None:
                client.close()
    assert b"Traceback" not in (tmp_path / "server.err").read_bytes()


def db_of(repo: Path) -> Path:
    return repo / ".git" / "ownit" / "state.db"


def remove_store(repo: Path) -> None:
    for name in ("state.db", "state.db-wal", "state.db-shm"):
        (repo / ".git" / "ownit" / name).unlink(missing_ok=True)


def test_a_claim_after_the_store_was_deleted_is_kept(repo: Path, server: Server) -> None:
    uri = server.open(repo / "a.py")
    first = server.mark(uri, 0, 1)["result"]["regionId"]
    server.claim(uri, first)
    second = server.mark(uri, 2, 3)["result"]["regionId"]
    remove_store(repo)

    answer = server.claim(uri, second)

    assert "result" in answer, answer
    assert db_of(repo).exists()
    check, claims, regions = read_store(db_of(repo))
    assert check == ["ok"]
    assert {first, second} <= regions
    # Both claims: the one made after the deletion and the one the old file held.
    assert sorted(c.region_id for c in claims) == sorted([first, second])
    notice = server.wait_for_message(lambda text: "was deleted" in text)
    assert str(db_of(repo)) in notice and "recreated it" in notice
    assert "2 region(s), 1 claim(s)" in notice


def test_a_mark_after_the_store_was_deleted_is_kept(repo: Path, server: Server) -> None:
    uri = server.open(repo / "a.py")
    server.mark(uri, 0, 1)
    remove_store(repo)
    region = server.mark(uri, 4, 5)["result"]["regionId"]
    _, _, regions = read_store(db_of(repo))
    assert region in regions and len(regions) == 2


def test_a_store_replaced_by_garbage_is_moved_aside_and_rebuilt(repo: Path, server: Server) -> None:
    uri = server.open(repo / "a.py")
    region = server.mark(uri, 0, 1)["result"]["regionId"]
    remove_store(repo)
    garbage = b"not a database at all " * 400
    db_of(repo).write_bytes(garbage)

    answer = server.claim(uri, region)

    assert "result" in answer, answer
    _, claims, regions = read_store(db_of(repo))
    assert region in regions and [c.region_id for c in claims] == [region]
    notice = server.wait_for_message(lambda text: "replaced by another file" in text)
    aside = next(db_of(repo).parent.glob("state.db.unreadable-*[!lm]"))
    assert aside.read_bytes() == garbage
    assert str(aside) in notice


def test_a_store_replaced_by_another_ownit_store_keeps_both(
    repo: Path, server: Server, tmp_path: Path
) -> None:
    uri = server.open(repo / "a.py")
    region = server.mark(uri, 0, 1)["result"]["regionId"]
    # Someone restores an older copy: a valid store that holds another region.
    other = tmp_path / "other.db"
    with Store.open(other) as store:
        store.add_region(
            Region("feedfacecafe", "a.py", 2, 4, "copilot", Source.MANUAL, 1.0, "fp"), None
        )
    remove_store(repo)
    other.rename(db_of(repo))

    answer = server.claim(uri, region)

    assert "result" in answer, answer
    _, claims, regions = read_store(db_of(repo))
    assert regions == {region, "feedfacecafe"}
    assert [c.region_id for c in claims] == [region]


def test_the_server_recreates_a_deleted_store_without_a_write(repo: Path, server: Server) -> None:
    uri = server.open(repo / "a.py")
    region = server.mark(uri, 0, 1)["result"]["regionId"]
    server.claim(uri, region)
    remove_store(repo)
    server.wait_for_message(lambda text: "was deleted" in text)  # by the store watch
    _, claims, regions = read_store(db_of(repo))
    assert regions == {region} and [c.region_id for c in claims] == [region]


def test_a_read_only_store_answers_a_clear_error_without_a_traceback(
    repo: Path, tmp_path: Path
) -> None:
    with Store.open(db_of(repo)):
        pass
    db_of(repo).chmod(0o444)  # before the server opens it, as a user would find it
    err_path = tmp_path / "server.err"
    with open(err_path, "wb") as err:
        server = Server(isolated_env(tmp_path / "home"), err, preexec=honour_permissions)
        try:
            server.start(repo)
            uri = server.open(repo / "a.py")
            answer = server.mark(uri, 0, 1)
        finally:
            server.close()
            db_of(repo).chmod(0o644)
    error = answer["error"]
    assert error["code"] == -32803, error
    assert "read-only" in error["message"] and str(db_of(repo)) in error["message"]
    assert "chmod u+w" in error["message"]
    assert "StoreError" not in error["message"] and "Traceback" not in str(error)
    assert "data" not in error
    assert b"Traceback" not in err_path.read_bytes()
