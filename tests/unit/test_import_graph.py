"""The package's import graph: no module-level cycle, every import goes down the bands of
docs/INTERNALS.md (pure core, repository access, workflows, adapters), and LSP features
meet only through the server façade.

A cycle between modules makes the result of an import depend on which module a process
happens to import first; a core module that imports git, sqlite or pygls cannot be tested
without them; a repository-access module that imports a workflow cannot be used by another
workflow without dragging the first along. All is read from the source (``ast``), so the
test costs no imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import ownit

PACKAGE_ROOT = Path(ownit.__file__).resolve().parent
SOURCE_ROOT = PACKAGE_ROOT.parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE_ROOT.rglob("*.py"):
        parts = path.relative_to(SOURCE_ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _known(name: str) -> str | None:
    """The ownit module ``name`` imports: itself, or the package that holds the attribute."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _names(module: str, path: Path, node: ast.stmt) -> list[str]:
    """The modules an import statement of ``module`` names (relative ones made absolute;
    ``from a import b``: ``a.b`` when it is a module, else ``a``); [] for any other node."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        anchor = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            anchor = anchor.rpartition(".")[0]
        base = f"{anchor}.{base}" if base else anchor
    names = [f"{base}.{alias.name}" for alias in node.names] or [base]
    return [name if name in MODULES else base for name in names]


def _imported_at_load(module: str, path: Path) -> Iterator[str]:
    """Modules imported while ``module`` loads: its top-level statements, not functions or
    ``if TYPE_CHECKING:`` blocks (which never run at import time)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        for name in _names(module, path, node):
            target = _known(name)
            if target is not None and target != module:
                yield target


GRAPH = {module: set(_imported_at_load(module, path)) for module, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in GRAPH:
        if root in index:
            continue
        work = [(root, iter(sorted(GRAPH[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(GRAPH[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_is_read() -> None:
    assert "ownit.core.policy.model" in GRAPH
    assert "ownit.core.policy.globs" in GRAPH["ownit.core.policy.model"]


def test_no_module_level_import_cycle() -> None:
    assert _cycles() == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    saved = {name: set(edges) for name, edges in GRAPH.items()}
    try:
        GRAPH["ownit.core.text"].add("ownit.core.model")
        GRAPH["ownit.core.model"].add("ownit.core.text")
        assert ["ownit.core.model", "ownit.core.text"] in _cycles()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


FOREIGN = ("pygls", "lsprotocol", "sqlite3", "subprocess")


def test_the_core_imports_no_io_library() -> None:
    """Not even inside a function: every core module is unit-tested with plain data. (What
    it may import of ownit is test_every_import_goes_down_the_bands's.)"""
    offenders = []
    for module, path in MODULES.items():
        if not _within(module, "ownit.core"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = _names(module, path, node) if isinstance(node, ast.stmt) else []
            offenders += [f"{module} imports {n}" for n in names if n.split(".")[0] in FOREIGN]
    assert offenders == []


FEATURES = "ownit.lsp.features"


def _import_sites(module: str) -> Iterator[tuple[int, str]]:
    """(line, ownit module) of every import of ``module``: at load, in functions and under
    ``if TYPE_CHECKING:`` alike (a module that needs another only for types, or only on a
    rare branch, still leans on it)."""
    path = MODULES[module]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.stmt):
            for name in _names(module, path, node):
                target = _known(name)
                if target is not None and target != module:
                    yield node.lineno, target


def test_lsp_features_import_no_other_feature_and_not_the_factory() -> None:
    """Features meet only through the server façade (``ownit.lsp.facade``): no feature
    imports another, nor ``ownit.lsp.server`` (the factory that registers them all)."""
    features = [module for module in MODULES if module.startswith(f"{FEATURES}.")]
    assert f"{FEATURES}.diagnostics" in features and f"{FEATURES}.commands" in features
    offenders = []
    for module in features:
        for _line, target in _import_sites(module):
            if target == "ownit.lsp.server" or target.startswith(f"{FEATURES}."):
                offenders.append(f"{module} imports {target}")
    assert offenders == []


# The bands of docs/INTERNALS.md ("The layers"), lowest first: a module imports its own band
# and those below it, never one above. A module's band is that of the longest name here it
# is, or is inside (``ownit`` itself: only the package's __init__, not what it holds).
BANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # No I/O: plain data in, plain data out. (``ownit`` itself holds only __version__.)
    ("pure core", ("ownit", "ownit.core")),
    # One outside thing each: git, SQLite, policy files on disk, the terminal, exit codes.
    (
        "repository access",
        (
            "ownit.git",
            "ownit.store",
            "ownit.policy_files",
            "ownit.policy_explain",
            "ownit.whole_file",
            "ownit.regular_file",
            "ownit.progress",
            "ownit.exits",
        ),
    ),
    # A job done with repository access: open documents, the git hooks, agents' hooks, CI
    # jobs, init and doctor.
    ("workflows", ("ownit.session", "ownit.commit", "ownit.agents", "ownit.ci", "ownit.setup")),
    # What a process enters through: the language server, the CLI, the demo, and the entry
    # point hook scripts installed by ownit before commit/ existed still run (`python -m
    # ownit.git.hook_runner`): its name is fixed by those scripts, its job is an adapter's.
    (
        "adapters",
        (
            "ownit.lsp",
            "ownit.cli",
            "ownit.__main__",
            "ownit.commands",
            "ownit.demo",
            "ownit.git.hook_runner",
        ),
    ),
)
RANK = {band: rank for rank, (band, _names) in enumerate(BANDS)}

# Within repository access, git and the store know nothing of each other: what needs both
# (regions moved after a rename, say) is a workflow's.
INDEPENDENT = {("ownit.git", "ownit.store"), ("ownit.store", "ownit.git")}

# Workflows import each other only where docs/INTERNALS.md says one hands a job to the
# other: (importer, imported), each a package or module, with the reason. Keep it short:
# an entry no import needs any more fails test_every_workflow_neighbour_is_needed.
WORKFLOW_NEIGHBOURS = {
    ("ownit.setup", "ownit.commit"): "init and doctor install and check the git hooks"
    " through commit/install.py (HOOK_NAMES, the scripts)",
    ("ownit.setup", "ownit.agents"): "init and doctor install and check the agents' hooks"
    " through agents/install.py, and look at what they left (agents/record.py's pending"
    " checkpoints, agents/clone_python.py's recorded Python)",
    # (agents/ is owned by lane i13-cli this session)
    ("ownit.agents.record", "ownit.session"): "a file with no region found while another"
    " path's regions lost their file goes through a Session, which adopts a renamed file's"
    " regions",
    ("ownit.agents.trace_export", "ownit.session"): "the working tree's regions are"
    " exported where a Session finds them (open documents as edited)",
}

# The LSP adapter and the CLI are two adapters over the same workflows: neither imports the
# other, but for the verb that starts the server.
CLI = ("ownit.cli", "ownit.__main__", "ownit.commands", "ownit.demo")
CLI_TO_LSP = {"ownit.commands.lsp"}  # `ownit lsp` starts the server


def _within(module: str, name: str) -> bool:
    return module == name or module.startswith(f"{name}.")


def _band(module: str) -> str | None:
    found = [
        (len(name), band)
        for band, names in BANDS
        for name in names
        if module == name or (name != "ownit" and _within(module, name))
    ]
    return max(found)[1] if found else None


def _unit(module: str) -> str:
    """The package or top-level module ``module`` belongs to (``ownit.git``, ``ownit.cli``)."""
    return ".".join(module.split(".")[:2])


def _crossing(module: str, target: str) -> str | None:
    """Why ``module`` may not import ``target`` (what to do instead), or None if it may."""
    band, below = _band(module), _band(target)
    if band is None or below is None:
        return None  # unplaced: test_every_module_has_a_band says so
    if RANK[below] > RANK[band]:
        return (
            f"imports {target} ({below}), a band above its own: move the code that needs it"
            f" up into {below} (or higher), or move what it uses down into {band}"
        )
    if below != band:
        return None  # downwards: always allowed
    if band == "repository access" and (_unit(module), _unit(target)) in INDEPENDENT:
        return (
            f"imports {target}: git/ and store/ know nothing of each other; code that needs"
            " both is a workflow's (session/, commit/, agents/, ...)"
        )
    if band == "workflows" and _unit(module) != _unit(target):
        allowed = any(
            _within(module, importer) and _within(target, imported)
            for importer, imported in WORKFLOW_NEIGHBOURS
        )
        if not allowed:
            return (
                f"imports {target}, another workflow: move what both need down into"
                " repository access or core, or let the adapter call both; if this workflow"
                " really hands that job to the other, add the pair to WORKFLOW_NEIGHBOURS"
                " with the reason, and say so in docs/INTERNALS.md"
            )
    if band == "adapters":
        to_cli = any(_within(target, name) for name in CLI)
        from_cli = any(_within(module, name) for name in CLI)
        if _within(module, "ownit.lsp") and to_cli:
            return f"imports {target}: the language server imports nothing of the CLI"
        if from_cli and _within(target, "ownit.lsp") and module not in CLI_TO_LSP:
            return (
                f"imports {target}: the CLI imports the language server only to start it"
                " (commands/lsp.py); what a verb shares with the server is a workflow's"
            )
    return None


def test_every_module_has_a_band() -> None:
    assert _band("ownit.a_new_module") is None and _band("ownit.git.a_new_module") is not None
    unplaced = sorted(module for module in MODULES if _band(module) is None)
    assert unplaced == [], f"place these modules in BANDS (and docs/INTERNALS.md): {unplaced}"


def test_every_import_goes_down_the_bands() -> None:
    """Anywhere in the file (functions and type-only imports included): core imports only
    core; repository access imports core and itself; workflows import repository access
    and core, and another workflow only as WORKFLOW_NEIGHBOURS says; adapters anything."""
    offenders = []
    for module in sorted(MODULES):
        for line, target in sorted(set(_import_sites(module))):
            why = _crossing(module, target)
            if why is not None:
                where = MODULES[module].relative_to(SOURCE_ROOT)
                offenders.append(f"{where}:{line}: {module} ({_band(module)}) {why}")
    assert not offenders, "imports across the bands of docs/INTERNALS.md:\n" + "\n".join(offenders)


def test_every_workflow_neighbour_is_needed() -> None:
    used = {
        (importer, imported)
        for module in MODULES
        for _line, target in _import_sites(module)
        for importer, imported in WORKFLOW_NEIGHBOURS
        if _within(module, importer) and _within(target, imported)
    }
    assert set(WORKFLOW_NEIGHBOURS) - used == set(), "no import needs these any more"


def test_the_band_check_finds_each_kind_of_crossing() -> None:
    assert _crossing("ownit.core.text", "ownit.store.store") is not None
    assert _crossing("ownit.core.model", "ownit") is None
    assert _crossing("ownit.git.renames", "ownit.commit.planning") is not None
    assert _crossing("ownit.git.renames", "ownit.store.store") is not None
    assert _crossing("ownit.git.history_hints", "ownit.policy_files") is None
    assert _crossing("ownit.store.store", "ownit.session") is not None
    assert _crossing("ownit.commit.planning", "ownit.session") is not None
    assert _crossing("ownit.commit.planning", "ownit.git.renames") is None
    assert _crossing("ownit.setup.init", "ownit.commit.install") is None  # a neighbour
    assert _crossing("ownit.session.facade", "ownit.lsp.facade") is not None
    assert _crossing("ownit.lsp.facade", "ownit.commands.status") is not None
    assert _crossing("ownit.commands.status", "ownit.lsp.convert") is not None
    assert _crossing("ownit.commands.lsp", "ownit.lsp.server") is None
    assert _crossing("ownit.git.hook_runner", "ownit.commit.runner") is None  # an adapter
    assert _crossing("ownit.git.repo", "ownit.git.hook_runner") is not None


# Libraries that belong to one band: the server's protocol to the LSP adapter (and the
# demo, an LSP client), SQLite to the store.
CONFINED = {"pygls": ("ownit.lsp", "ownit.demo"), "lsprotocol": ("ownit.lsp", "ownit.demo")}
CONFINED["sqlite3"] = ("ownit.store",)


def test_the_protocol_and_sqlite_stay_in_their_modules() -> None:
    offenders = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = _names(module, path, node) if isinstance(node, ast.stmt) else []
            for name in names:
                homes = CONFINED.get(name.split(".")[0])
                if homes is not None and not any(_within(module, home) for home in homes):
                    offenders.append(f"{module} imports {name} (only {', '.join(homes)})")
    assert offenders == []
