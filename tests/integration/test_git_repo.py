"""Repository discovery, paths, identity and the store location, on real git repos."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ownit.core.model import Region, Source
from ownit.git.repo import (
    GitNotFoundError,
    Identity,
    IdentityError,
    NotARepositoryError,
    Repository,
    RepositoryCache,
    fallback_identity,
    find_repository,
    require_repository,
    run_git,
    store_path,
)
from ownit.store import Store
from tests.conftest import git


def commit_file(repo: Path, name: str = "a.py", text: str = "x = 1\n") -> Path:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    git(repo, "add", "--", name)
    git(repo, "commit", "-q", "-m", f"add {name}")
    return path


@pytest.fixture
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No global or system git config, and discovery stops at tmp_path."""
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def fresh(path: Path) -> Repository | None:
    return find_repository(path, cache=RepositoryCache())


# ----------------------------------------------------------------------- discovery


def test_finds_the_repository_of_files_and_folders(git_repo: Path) -> None:
    commit_file(git_repo, "src/pkg/mod.py")
    for probe in (
        git_repo,
        git_repo / "src",
        git_repo / "src" / "pkg" / "mod.py",
        git_repo / "src" / "pkg" / "not-yet-created.py",
        git_repo / "new-dir" / "deeper" / "file.py",
    ):
        repo = fresh(probe)
        assert repo is not None, probe
        assert repo.toplevel == git_repo.resolve()
        assert repo.git_dir == (git_repo / ".git").resolve()
        assert repo.git_dir.is_absolute()


def test_outside_any_repository(tmp_path: Path, isolated_git: None) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert fresh(plain) is None
    assert fresh(plain / "file.txt") is None
    with pytest.raises(NotARepositoryError, match="not inside a git repository"):
        require_repository(plain)


def test_inside_the_git_directory_is_not_a_working_tree(git_repo: Path) -> None:
    assert fresh(git_repo / ".git") is None
    assert fresh(git_repo / ".git" / "objects") is None


def test_bare_repository_has_no_working_tree(tmp_path: Path, isolated_git: None) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    assert fresh(bare) is None


def test_git_missing_is_a_clear_error(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(git_repo / "no-bin-here"))
    with pytest.raises(GitNotFoundError, match="git is not installed"):
        fresh(git_repo)


def test_environment_of_a_hook_does_not_redirect_discovery(
    git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    repo = fresh(git_repo / "a.py")
    assert repo is not None and repo.toplevel == git_repo.resolve()


def test_lookups_are_cached_per_directory(tmp_path: Path, isolated_git: None) -> None:
    cache = RepositoryCache()
    folder = tmp_path / "later"
    folder.mkdir()
    assert find_repository(folder / "a.py", cache=cache) is None
    git(folder, "init", "-q")
    # Remembered until asked to look again.
    assert find_repository(folder / "b.py", cache=cache) is None
    repo = find_repository(folder, cache=cache, refresh=True)
    assert repo is not None and repo.toplevel == folder.resolve()
    assert find_repository(folder / "c.py", cache=cache) is repo
    cache.clear()
    again = find_repository(folder, cache=cache)
    assert again == repo and again is not repo


def test_default_cache_answers_the_plain_call(git_repo: Path) -> None:
    first = find_repository(git_repo / "x.py")
    assert first is not None
    assert find_repository(git_repo / "y.py") is first


# ----------------------------------------------------------------------- worktrees


def test_each_worktree_has_its_own_git_dir_and_store(git_repo: Path, tmp_path: Path) -> None:
    commit_file(git_repo)
    wt = tmp_path / "wt"
    git(git_repo, "worktree", "add", "-q", str(wt), "-b", "feature")
    main_repo, wt_repo = fresh(git_repo / "a.py"), fresh(wt / "a.py")
    assert main_repo is not None and wt_repo is not None
    assert wt_repo.toplevel == wt.resolve()
    assert wt_repo.git_dir == (git_repo / ".git" / "worktrees" / "wt").resolve()
    assert wt_repo.common_dir == (git_repo / ".git").resolve()
    assert wt_repo.relpath(wt / "a.py") == "a.py"
    with pytest.raises(ValueError):
        wt_repo.relpath(git_repo / "a.py")
    # The worktree's .git is a file; it is still not a path ownit tracks.
    with pytest.raises(ValueError):
        wt_repo.relpath(wt / ".git")

    main_db, wt_db = store_path(main_repo), store_path(wt_repo)
    assert main_db == git_repo.resolve() / ".git" / "ownit" / "state.db"
    assert wt_db == wt_repo.git_dir / "ownit" / "state.db"
    assert main_db != wt_db
    with Store.open(main_db) as a, Store.open(wt_db) as b:
        a.add_region(Region("r1", "a.py", 0, 1, "copilot", Source.MANUAL, 0.0, "fp"), "x = 1\n")
        assert b.region_states() == []
        assert len(a.region_states()) == 1


# ----------------------------------------------------------------------- relpath


def test_relpath_is_repo_relative_posix(git_repo: Path) -> None:
    repo = fresh(git_repo)
    assert repo is not None
    assert repo.relpath(git_repo / "src" / "a b" / "ü.py") == "src/a b/ü.py"
    assert repo.relpath(str(git_repo / "top.py")) == "top.py"
    assert repo.relpath(git_repo / "src" / ".." / "lib" / "x.py") == "lib/x.py"


def test_relpath_of_a_relative_path_uses_the_current_directory(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (git_repo / "sub").mkdir()
    monkeypatch.chdir(git_repo / "sub")
    repo = fresh(Path("."))
    assert repo is not None
    assert repo.relpath("m.py") == "sub/m.py"
    assert repo.relpath(Path("..") / "n.py") == "n.py"


def test_nothing_escapes_the_working_tree(git_repo: Path, tmp_path: Path) -> None:
    repo = fresh(git_repo)
    assert repo is not None
    outside = tmp_path / "secret.txt"
    outside.write_text("s")
    (git_repo / "escape").symlink_to(outside)
    (git_repo / "dirlink").symlink_to(tmp_path)
    for path in (
        outside,
        git_repo / ".." / "secret.txt",
        git_repo / "src" / ".." / ".." / "secret.txt",
        git_repo / "escape",
        git_repo / "dirlink" / "secret.txt",
        Path("/"),
    ):
        with pytest.raises(ValueError, match="outside the repository"):
            repo.relpath(path)
    for path in (git_repo / ".git", git_repo / ".git" / "config", git_repo / ".git" / "hooks"):
        with pytest.raises(ValueError, match="inside the git directory"):
            repo.relpath(path)


def test_symlinks_inside_the_tree_resolve_to_their_target(git_repo: Path, tmp_path: Path) -> None:
    commit_file(git_repo, "real/mod.py")
    (git_repo / "alias").symlink_to(git_repo / "real")
    link_to_repo = tmp_path / "link-to-repo"
    link_to_repo.symlink_to(git_repo)
    repo = fresh(link_to_repo / "real" / "mod.py")
    assert repo is not None and repo.toplevel == git_repo.resolve()
    assert repo.relpath(git_repo / "alias" / "mod.py") == "real/mod.py"
    assert repo.relpath(link_to_repo / "real" / "mod.py") == "real/mod.py"


# ----------------------------------------------------------------------- identity


def test_identity_from_local_config(git_repo: Path, isolated_git: None) -> None:
    repo = fresh(git_repo)
    assert repo is not None
    assert repo.identity() == Identity("Test User", "test@example.com")
    git(git_repo, "config", "user.name", "Zoë Ünicode")
    ident = repo.identity()
    assert ident is not None and ident.name == "Zoë Ünicode"
    assert str(ident) == "Zoë Ünicode <test@example.com>"


def test_identity_missing_is_none(git_repo: Path, isolated_git: None) -> None:
    repo = fresh(git_repo)
    assert repo is not None
    git(git_repo, "config", "--unset", "user.email")
    assert repo.identity() is None  # git would make one up from the host name, or refuse
    git(git_repo, "config", "user.email", "")
    with pytest.raises(IdentityError, match=r"user\.email '' is empty"):
        repo.identity()  # an empty e-mail names nobody


def test_identity_without_a_name_is_the_one_git_records(git_repo: Path, isolated_git: None) -> None:
    """git names the author after the account when no name is configured; so does a claim."""
    git(git_repo, "config", "--unset", "user.name")
    repo = fresh(git_repo)
    assert repo is not None
    ident = repo.identity()
    author = git(git_repo, "var", "GIT_AUTHOR_IDENT").rsplit(" ", 2)[0]
    assert ident is not None and str(ident) == author
    assert ident.email == "test@example.com"


@pytest.fixture
def no_identity_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUTHOR", "COMMITTER"):
        for part in ("NAME", "EMAIL", "DATE"):
            monkeypatch.delenv(f"GIT_{name}_{part}", raising=False)
    monkeypatch.delenv("EMAIL", raising=False)


def test_identity_from_the_environment_alone(
    git_repo: Path, isolated_git: None, no_identity_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What CI jobs do: no user.name/user.email, only git's identity variables."""
    git(git_repo, "config", "--unset", "user.name")
    git(git_repo, "config", "--unset", "user.email")
    repo = fresh(git_repo)
    assert repo is not None
    monkeypatch.setenv("GIT_COMMITTER_NAME", "CI Bot")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ci@example.com")
    assert repo.identity() is None  # the committer is not the author: git var agrees
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ada Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ada@example.com")
    assert repo.identity() == Identity("Ada Author", "ada@example.com")


def test_identity_precedence_is_gits(
    git_repo: Path, isolated_git: None, no_identity_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = fresh(git_repo)
    assert repo is not None
    monkeypatch.setenv("EMAIL", "from-email-var@example.com")
    assert repo.identity() == Identity("Test User", "test@example.com")  # config first
    git(git_repo, "config", "--unset", "user.email")
    assert repo.identity() == Identity("Test User", "from-email-var@example.com")
    git(git_repo, "config", "user.email", "user@example.com")
    git(git_repo, "config", "author.email", "author@example.com")
    git(git_repo, "config", "author.name", "Author Name")
    assert repo.identity() == Identity("Author Name", "author@example.com")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "env@example.com")
    assert repo.identity() == Identity("Author Name", "env@example.com")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "")
    with pytest.raises(IdentityError, match="GIT_AUTHOR_EMAIL '' is empty"):
        repo.identity()  # set but empty: git writes <>, which names nobody
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "<>")
    with pytest.raises(IdentityError, match="GIT_AUTHOR_EMAIL '<>' is empty"):
        repo.identity()
    monkeypatch.delenv("GIT_AUTHOR_EMAIL")
    git(git_repo, "config", "author.email", "")
    assert repo.identity() == Identity("Author Name", "user@example.com")  # as git: unset


def test_identity_is_cleaned_as_git_cleans_it(
    git_repo: Path, isolated_git: None, no_identity_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = fresh(git_repo)
    assert repo is not None
    monkeypatch.setenv("GIT_AUTHOR_NAME", " Eve <evil@example.com>\nAI-Owned: x ")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", " <eve@example.com>. ")
    ident = repo.identity()
    assert ident == Identity("Eve evil@example.comAI-Owned: x", "eve@example.com")
    written = git(git_repo, "var", "GIT_AUTHOR_IDENT")
    assert written.startswith(f"{ident} ")


def test_identity_refused_when_git_refuses(
    git_repo: Path, isolated_git: None, no_identity_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(git_repo, "config", "--unset", "user.name")
    git(git_repo, "config", "user.useConfigOnly", "true")
    repo = fresh(git_repo)
    assert repo is not None
    with pytest.raises(IdentityError, match="no name was given and auto-detection is disabled"):
        repo.identity()
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Named")
    assert repo.identity() == Identity("Named", "test@example.com")


def test_identity_from_global_config(
    git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "global-gitconfig"
    config.write_text("[user]\n\tname = Global Person\n\temail = global@example.com\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    git(git_repo, "config", "--unset", "user.name")
    git(git_repo, "config", "--unset", "user.email")
    repo = fresh(git_repo)
    assert repo is not None
    assert repo.identity() == Identity("Global Person", "global@example.com")


def test_each_worktree_reads_the_shared_identity(git_repo: Path, tmp_path: Path) -> None:
    commit_file(git_repo)
    wt = tmp_path / "wt2"
    git(git_repo, "worktree", "add", "-q", str(wt))
    repo = fresh(wt)
    assert repo is not None
    assert repo.identity() == Identity("Test User", "test@example.com")


def test_fallback_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNIT_USER_NAME", "Env Person")
    monkeypatch.setenv("OWNIT_USER_EMAIL", "env@example.com")
    assert fallback_identity() == Identity("Env Person", "env@example.com")
    monkeypatch.delenv("OWNIT_USER_NAME")
    monkeypatch.delenv("OWNIT_USER_EMAIL")
    monkeypatch.setenv("LOGNAME", "loginname")
    monkeypatch.setenv("USER", "loginname")
    assert fallback_identity() == Identity("loginname", "loginname@localhost")


# ----------------------------------------------------------------------- store path


def test_store_path_locations(
    git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OWNIT_STORE", raising=False)
    repo = fresh(git_repo)
    assert repo is not None
    assert store_path(repo) == git_repo.resolve() / ".git" / "ownit" / "state.db"

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store_path(None) == tmp_path / "xdg" / "ownit" / "state.db"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store_path(None) == tmp_path / "home" / ".local" / "share" / "ownit" / "state.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert store_path(None) == tmp_path / "home" / ".local" / "share" / "ownit" / "state.db"

    monkeypatch.setenv("OWNIT_STORE", str(tmp_path / "override.db"))
    assert store_path(repo) == tmp_path / "override.db"
    assert store_path(None) == tmp_path / "override.db"


def test_run_git_keeps_a_hooks_index_unless_isolated(
    git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (git_repo / "only-in-alt.py").write_text("x\n")
    alt_index = tmp_path / "alt-index"
    env = {"GIT_INDEX_FILE": str(alt_index)}
    subprocess.run(
        ["git", "add", "--", "only-in-alt.py"],
        cwd=git_repo,
        env={**os.environ, **env},
        check=True,
    )
    monkeypatch.setenv("GIT_INDEX_FILE", str(alt_index))
    assert "only-in-alt.py" in run_git(["ls-files", "--cached"], git_repo).stdout
    assert "only-in-alt.py" not in run_git(["ls-files"], git_repo, isolate=True).stdout
