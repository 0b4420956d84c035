"""The package's import graph: no module-level cycle, and the pure core imports no adapter.

A cycle between modules makes the result of an import depend on which module a process
happens to import first; a core module that imports git, sqlite or pygls cannot be tested
without them. Both are read from the source (``ast``), so the test costs no imports.
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


def _imported_at_load(module: str, path: Path) -> Iterator[str]:
    """Modules imported while ``module`` loads: its top-level statements, not functions or
    ``if TYPE_CHECKING:`` blocks (which never run at import time)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
            names = [name if name in MODULES else base for name in names]
        else:
            continue
        for name in names:
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


ADAPTERS = ("ownit.git", "ownit.store", "ownit.lsp", "ownit.session", "ownit.commands")
FOREIGN = ("pygls", "lsprotocol", "sqlite3", "subprocess")


def test_the_core_imports_no_adapter() -> None:
    offenders = []
    for module, path in MODULES.items():
        if not module.startswith("ownit.core"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if name.startswith(ADAPTERS) or name.split(".")[0] in FOREIGN:
                    offenders.append(f"{module} imports {name}")
    assert offenders == []


FEATURES = "ownit.lsp.features"


def _every_import(path: Path) -> Iterator[str]:
    """Every module ``path`` names in an import: at load, in functions and under
    ``if TYPE_CHECKING:`` alike (a feature that needs another only for types still leans
    on it)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_lsp_features_import_no_other_feature_and_not_the_factory() -> None:
    """Features meet only through the server façade (``ownit.lsp.facade``): no feature
    imports another, nor ``ownit.lsp.server`` (the factory that registers them all)."""
    features = [module for module in MODULES if module.startswith(f"{FEATURES}.")]
    assert f"{FEATURES}.diagnostics" in features and f"{FEATURES}.commands" in features
    offenders = []
    for module in features:
        for name in _every_import(MODULES[module]):
            target = _known(name)
            if target == "ownit.lsp.server" or (
                target is not None and target.startswith(f"{FEATURES}.") and target != module
            ):
                offenders.append(f"{module} imports {name}")
    assert offenders == []
