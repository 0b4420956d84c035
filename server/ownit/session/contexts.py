"""Repository contexts: one store and the repository it belongs to, and the policy in
force there with the single rule for a bad policy file (at start the built-in defaults
hold; later the last good policy stays in force), with the problems to show."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ownit.core.policy import POLICY_FILE as POLICY_FILE  # the one definition
from ownit.git.repo import (
    IdentityError,
    Repository,
    fallback_identity,
    find_repository,
    store_path,
)
from ownit.git.run import GitTimeoutError
from ownit.session.documents import uri_to_path
from ownit.session.errors import RequestError
from ownit.store import Store

if TYPE_CHECKING:  # the policy (and YAML) loads on first use, not at start-up
    from ownit.core.policy import EffectiveRule, Policy, PolicyProblem
    from ownit.core.provenance import HistoryRun


def default_policy() -> Policy:
    from ownit.core.policy import default_policy as built_in

    return built_in()


@dataclass(slots=True)
class PolicyState:
    """The policy of one repository: what is in force, and what is wrong with the file."""

    policy: Policy | None
    problems: tuple[PolicyProblem, ...] = ()
    path: Path | None = None
    mtime: float | None = None
    gitattributes: str | None = None
    kept_last_good: bool = False

    @classmethod
    def load(cls, toplevel: Path | None, last_good: PolicyState | None = None) -> PolicyState:
        """The repository's policy as its files say now. The one rule for an invalid
        file: its problems are kept, and ``last_good``'s policy stays in force (the
        built-in defaults when there is none, as at start-up)."""
        if toplevel is None:
            return cls(default_policy())
        from ownit.policy_files import load_tree_policy, policy_in_force, read_gitattributes

        loaded = load_tree_policy(toplevel)
        path = toplevel / POLICY_FILE
        try:
            mtime: float | None = path.stat().st_mtime
        except OSError:
            mtime = None
        kept = last_good.policy if last_good is not None else None
        state = cls(
            policy_in_force(loaded, kept),
            loaded.problems,
            loaded.path,
            mtime,
            read_gitattributes(toplevel),
            kept_last_good=loaded.policy is None,
        )
        return state

    @property
    def in_force(self) -> Policy:
        return self.policy or default_policy()

    def rule(self, key: str) -> EffectiveRule:
        return self.in_force.effective(key)

    def exclusion(self, key: str) -> str | None:
        return self.in_force.exclusion_reason(key, self.gitattributes)


class RepoContext:
    """One store and the repository it belongs to (None: files outside any repository)."""

    def __init__(self, repo: Repository | None, store: Store) -> None:
        self.repo = repo
        self.store = store
        self.seen_data_version = store.data_version()
        self._policy: PolicyState | None = None
        self.history_cache: dict[tuple[str | None, str, bytes], list[HistoryRun]] = {}
        self.head_mtime: float | None = None
        self.head_seen = False
        self.store_problem: str | None = None  # the last store failure told to the user

    @property
    def policy_file(self) -> Path | None:
        return None if self.repo is None else self.repo.toplevel / POLICY_FILE

    def policy(self) -> PolicyState:
        """The policy in force (loaded on first use: start-up never pays for YAML)."""
        if self._policy is None:
            self._policy = PolicyState.load(self.repo.toplevel if self.repo else None)
        return self._policy

    @property
    def loaded_policy(self) -> PolicyState | None:
        return self._policy

    def reload_policy(self) -> PolicyState:
        """Read `.ownit.yaml` again; an invalid file keeps the last good policy in force."""
        toplevel = self.repo.toplevel if self.repo else None
        self._policy = PolicyState.load(toplevel, last_good=self._policy)
        return self._policy

    def key_for(self, path: Path) -> str:
        if self.repo is None:
            return path.resolve().as_posix()
        return self.repo.relpath(path)

    def path_for(self, key: str) -> Path:
        return Path(key) if self.repo is None else self.repo.toplevel / key

    def identity(self) -> tuple[str, str]:
        if self.repo is not None:
            try:
                ident = self.repo.identity()
            except IdentityError as error:  # refused: a claim must name its owner as git does
                raise RequestError(str(error)) from None
            if ident is None:
                raise RequestError(
                    "git has no user.name/user.email for this repository, so a claim would "
                    "have no owner: run `git config user.name 'Your Name'` and "
                    "`git config user.email you@example.com`"
                )
            return ident.name, ident.email
        ident = fallback_identity()
        return ident.name, ident.email


class Discovery:
    """Which folders' repositories were looked up (``git rev-parse``), and the lookups git
    did not answer in time. The server looks a folder up in a worker thread before it
    opens a context there on its message loop (``known``, ``look_up``), so a git that
    hangs never stops the loop; a lookup running in one thread is waited for, not run
    again, in another; a folder whose git did not answer is not asked again (its error
    raised at once: one stuck git per folder, not one per file)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: set[Path] = set()
        self._running: dict[Path, threading.Event] = {}
        self._unanswered: dict[Path, str] = {}

    @staticmethod
    def folder(path: Path) -> Path:
        return path if path.is_dir() else path.parent

    def known(self, path: Path) -> bool:
        return self.folder(path) in self._known

    def look_up(self, path: Path) -> Repository | None:
        """The repository holding the file or folder ``path`` (git's errors raised)."""
        folder = self.folder(path)
        with self._lock:
            running = self._running.get(folder)
            if running is None:
                self._running[folder] = threading.Event()
        if running is not None:
            running.wait()  # git's own limit bounds it (the server's)
            return self._answer(folder)
        try:
            return self._answer(folder)
        finally:
            with self._lock:
                self._known.add(folder)
                self._running.pop(folder).set()

    def _answer(self, folder: Path) -> Repository | None:
        unanswered = self._unanswered.get(folder)
        if unanswered is not None:
            raise GitTimeoutError(unanswered)
        try:
            return find_repository(folder)  # cached once answered
        except GitTimeoutError as error:
            self._unanswered[folder] = str(error)
            raise


def open_context(
    contexts: dict[Path, RepoContext],
    path: Path,
    *,
    check: bool,
    notices: list[str],
    on_recreated: Callable[[RepoContext, Store, str], None],
    discovery: Discovery | None = None,
) -> RepoContext:
    """The context of the file or folder ``path`` (its store opened on first use)."""
    repo = (discovery or Discovery()).look_up(path)
    if repo is not None:
        try:
            repo.relpath(path)
        except ValueError:
            repo = None  # e.g. a symlink pointing out of the repository
    db = store_path(repo)
    context = contexts.get(db)
    if context is None:
        store = Store.open(db, check=check)
        if store.recovery_message:
            notices.append(store.recovery_message)
        context = RepoContext(repo, store)
        contexts[db] = context
        store.on_recreated = lambda reopened, reason: on_recreated(context, reopened, reason)
    return context


def add_workspace_folder(
    uri: str, context_for: Callable[[Path], RepoContext], notices: list[str]
) -> None:
    """Open the store of a workspace folder; a broken one is a notice, never an error."""
    path = uri_to_path(uri)
    if path is not None and path.is_dir():
        try:
            context_for(path)
        except Exception as error:  # a broken folder must not stop the server
            notices.append(f"ownit cannot open the store for {path}: {error}")


def heads_moved(contexts: Iterable[RepoContext]) -> list[RepoContext]:
    """Repositories whose HEAD moved (a commit, checkout, rebase) since last asked."""
    moved = []
    for context in contexts:
        if context.repo is None:
            continue
        try:
            mtime: float | None = (context.repo.git_dir / "logs" / "HEAD").stat().st_mtime
        except OSError:
            mtime = None
        if context.head_seen and mtime != context.head_mtime:
            moved.append(context)
        context.head_mtime, context.head_seen = mtime, True
    return moved


def policy_files_changed(contexts: Iterable[RepoContext]) -> list[RepoContext]:
    """Contexts whose `.ownit.yaml` changed on disk since it was read (or appeared)."""
    changed = []
    for context in contexts:
        path = context.policy_file
        if path is None or context.loaded_policy is None:
            continue
        try:
            mtime: float | None = path.stat().st_mtime
        except OSError:
            mtime = None
        if mtime != context.loaded_policy.mtime:
            changed.append(context)
    return changed
