"""The repository a file belongs to, where its store lives, and who the user is.

Everything here runs ``git`` through :mod:`ownit.git.run` (argument lists, never a
shell) so that importing this module stays cheap for the language server. Discovery
depends only on the path asked about: ``GIT_DIR``, ``GIT_WORK_TREE`` and the like (which
git sets while running hooks) are removed from the environment of the discovery and
identity calls.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

from ownit.core.record import Record, set_field
from ownit.git import run as git
from ownit.git.run import GitError as GitError  # re-exported: callers import it from here
from ownit.git.run import GitNotFoundError as GitNotFoundError

STORE_ENV = "OWNIT_STORE"
USER_NAME_ENV = "OWNIT_USER_NAME"
USER_EMAIL_ENV = "OWNIT_USER_EMAIL"


class NotARepositoryError(GitError):
    """The path is not inside a git working tree."""


class Identity(Record):
    __slots__ = ("email", "name")
    _fields = ("name", "email")  # (repr in this order)
    name: str
    email: str

    def __init__(self, name: str, email: str) -> None:
        set_field(self, "name", name)
        set_field(self, "email", email)

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def run_git(
    args: list[str], cwd: Path, *, isolate: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``git <args>`` in ``cwd`` (no shell, no prompt) and return the result unchecked,
    as text (:func:`ownit.git.run.run` in text mode).

    ``isolate=True`` removes ``GIT_DIR``, ``GIT_INDEX_FILE`` and the like, so the answer
    is about the repository at ``cwd`` even inside a git hook. Leave it off to read what a
    hook's git means (e.g. the temporary index of ``git commit -a``).
    """
    result = git.run(args, cwd, check=False, isolate=isolate)
    return subprocess.CompletedProcess(
        result.args, result.returncode, git.text_mode(result.stdout), git.text_mode(result.stderr)
    )


class Repository(Record):
    """A git working tree: its top level and its own (per-worktree) git directory."""

    __slots__ = ("common_dir", "git_dir", "toplevel")
    _fields = ("toplevel", "git_dir", "common_dir")  # (repr in this order)
    _compare = ("toplevel", "git_dir")
    toplevel: Path
    git_dir: Path
    common_dir: Path

    def __init__(self, toplevel: Path, git_dir: Path, common_dir: Path) -> None:
        set_field(self, "toplevel", toplevel)
        set_field(self, "git_dir", git_dir)
        set_field(self, "common_dir", common_dir)

    def relpath(self, path: Path | str) -> str:
        """``path`` relative to the top level, with ``/``.

        Symlinks and ``..`` are resolved first, so no spelling of a path can escape the
        working tree; a relative ``path`` is taken from the current directory. Raises
        :class:`ValueError` for a path outside the working tree or inside the git
        directory.
        """
        resolved = Path(os.path.abspath(path)).resolve()
        try:
            rel = resolved.relative_to(self.toplevel)
        except ValueError:
            raise ValueError(f"{path} is outside the repository {self.toplevel}") from None
        for git_dir in (self.git_dir, self.common_dir, self.toplevel / ".git"):
            if resolved == git_dir or git_dir in resolved.parents:
                raise ValueError(f"{path} is inside the git directory {git_dir}")
        return rel.as_posix()

    def inside(self, raw: str, base: Path) -> tuple[Path, str]:
        """The file ``raw`` names (relative to ``base`` unless absolute) and its
        :meth:`relpath`; :class:`ValueError` for an empty name, a NUL byte, or a path
        outside the working tree. Every path a user, a hook payload or a file gives goes
        through here before ownit reads or records it."""
        if not raw or "\x00" in raw:
            raise ValueError(f"refused path {raw!r}")
        path = Path(raw)
        if not path.is_absolute():
            path = base / path
        path = Path(os.path.abspath(path))
        try:
            rel = self.relpath(path)
        except ValueError as error:
            raise ValueError(f"refused: {error}") from None
        return path, rel

    def identity(self) -> Identity | None:
        """Who a claim made here names: the author git would record for a commit made now,
        or ``None`` when git has no e-mail address to write.

        git itself answers (``git var GIT_AUTHOR_IDENT``), so its precedence and clean-up
        hold exactly: ``GIT_AUTHOR_NAME``/``GIT_AUTHOR_EMAIL`` from the environment first
        (CI jobs and scripts set them; git exports them to hooks, ``--author`` included),
        then the ``author.*`` and ``user.*`` config, then ``$EMAIL``; ``<``, ``>`` and
        newlines dropped and spaces, control characters and ``.,:;<>"\\'`` trimmed at the
        ends. A name git finds nowhere is the account's, as in a commit. ``None`` too when
        git would make the e-mail up from the host name: a claim must name an address
        someone chose. An identity git refuses (``user.useConfigOnly`` without a name), or
        an e-mail that is empty once git is done with it, is an :class:`IdentityError`.
        """
        setting = self._author_email_setting()
        if setting is None:
            return None
        result = git.run(["var", "GIT_AUTHOR_IDENT"], self.toplevel, check=False, isolate=True)
        line = git.text(result.stdout).rstrip("\n")
        if result.returncode != 0 or " <" not in line or ">" not in line:
            lines = git.text(result.stderr).strip().splitlines()
            why = lines[-1].removeprefix("fatal: ") if lines else "git refused it"
            raise IdentityError(
                f"git cannot name the author of a commit here ({why}): set user.name and"
                " user.email (or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL) to what commits should say"
            )
        # "Name <email> 1700000000 +0000": git has dropped every "<" and ">" of both parts.
        name, _, rest = line.partition(" <")
        email = rest[: rest.rfind(">")]
        if not email:
            key, raw = setting
            raise IdentityError(
                f"{key} {raw!r} is empty once git drops <, > and newlines and trims"
                " punctuation and spaces at its ends, so a claim could not name its owner:"
                " run `git config user.email you@example.com`"
            )
        return Identity(name, email)

    def _author_email_setting(self) -> tuple[str, str] | None:
        """Where git takes the author's e-mail from, and its value as set; None when git
        would guess it from the host name (git's order: ident.c)."""
        if "GIT_AUTHOR_EMAIL" in os.environ:  # taken as given, even empty
            return "GIT_AUTHOR_EMAIL", os.environ["GIT_AUTHOR_EMAIL"]
        result = run_git(
            ["config", "-z", "--get-regexp", r"^(author|user)\.email$"], self.toplevel, isolate=True
        )
        if result.returncode not in (0, 1):  # 1: no such key
            raise GitError(f"git config failed in {self.toplevel}: {result.stderr.strip()}")
        values: dict[str, str] = {}
        for entry in result.stdout.split("\0"):
            key, _, value = entry.partition("\n")
            if key:
                values[key.lower()] = value  # the last one wins, as in git
        if values.get("author.email"):  # an empty author.email is no author.email
            return "author.email", values["author.email"]
        if "user.email" in values:
            return "user.email", values["user.email"]
        if os.environ.get("EMAIL"):
            return "EMAIL", os.environ["EMAIL"]
        return None


class IdentityError(GitError):
    """git cannot write the identity into a commit, or it would name nobody."""


def _discover(directory: Path) -> Repository | None:
    result = run_git(
        ["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"],
        directory,
        isolate=True,
    )
    if result.returncode != 0:
        message = result.stderr.strip()
        if "not a git repository" in message or "must be run in a work tree" in message:
            return None
        raise GitError(f"git cannot read the repository at {directory}: {message}")
    lines = result.stdout.splitlines()
    if len(lines) != 3 or not lines[0]:
        return None  # inside a .git directory or a bare repository: no working tree
    toplevel = Path(lines[0]).resolve()
    git_dir = Path(lines[1]).resolve()
    common = Path(lines[2])
    common_dir = (common if common.is_absolute() else directory / common).resolve()
    return Repository(toplevel=toplevel, git_dir=git_dir, common_dir=common_dir)


def _nearest_directory(path: Path) -> Path:
    path = Path(os.path.abspath(path))
    if path.is_dir():
        return path
    for parent in path.parents:
        if parent.is_dir():
            return parent
    return Path(path.anchor)


class RepositoryCache:
    """Repository lookups remembered per directory (the server asks once per file)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_dir: dict[Path, Repository | None] = {}

    def find(self, path: Path | str, *, refresh: bool = False) -> Repository | None:
        directory = _nearest_directory(Path(path))
        with self._lock:
            if not refresh and directory in self._by_dir:
                return self._by_dir[directory]
        repo = _discover(directory)
        with self._lock:
            self._by_dir[directory] = repo
        return repo

    def clear(self) -> None:
        with self._lock:
            self._by_dir.clear()


_default_cache = RepositoryCache()


def find_repository(
    path: Path | str, *, cache: RepositoryCache | None = None, refresh: bool = False
) -> Repository | None:
    """The working tree holding ``path`` (a file or a directory, existing or not), or
    ``None`` outside any repository.

    Lookups are cached per directory (in ``cache``, else a process-wide cache; pass
    ``refresh=True`` to look again, e.g. after ``git init``). Raises
    :class:`GitNotFoundError` if git is missing and :class:`GitError` if git refuses the
    repository (e.g. "dubious ownership").
    """
    return (cache or _default_cache).find(path, refresh=refresh)


def require_repository(path: Path | str) -> Repository:
    """Like :func:`find_repository`, but raises :class:`NotARepositoryError` outside git."""
    repo = find_repository(path)
    if repo is None:
        raise NotARepositoryError(f"{path} is not inside a git repository (run `git init`?)")
    return repo


def clear_repository_cache() -> None:
    _default_cache.clear()


def store_path(repo: Repository | None) -> Path:
    """Where the store lives: ``$OWNIT_STORE`` if set, else ``<git-dir>/ownit/state.db``
    (one per worktree), else ``$XDG_DATA_HOME/ownit/state.db`` (default
    ``~/.local/share/ownit/state.db``) for files outside any repository."""
    override = os.environ.get(STORE_ENV)
    if override:
        return Path(override).expanduser()
    if repo is not None:
        return repo.git_dir / "ownit" / "state.db"
    data_home = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec: a relative value is invalid and must be ignored.
    base = Path(data_home) if os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return base / "ownit" / "state.db"


def _login_name() -> str:
    import getpass  # rarely needed: not on every hook's start

    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no USER/LOGNAME and no passwd entry (containers)
        name = ""
    return name or "unknown"


def fallback_identity() -> Identity:
    """The identity outside git: ``$OWNIT_USER_NAME`` / ``$OWNIT_USER_EMAIL``, else the
    login name and ``<login>@localhost``."""
    login = _login_name()
    name = os.environ.get(USER_NAME_ENV, "").strip() or login
    email = os.environ.get(USER_EMAIL_ENV, "").strip() or f"{login}@localhost"
    return Identity(name, email)
