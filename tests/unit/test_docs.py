"""docs/INTERNALS.md names only modules, folders and functions that exist, and names every
package: a module moved or renamed without the page following fails here, so the page
cannot go stale silently.

What counts as a name on the page: a dotted ``ownit.x.y`` whose ``x`` is a package or
module (a module, or a module and a name it defines; ``ownit.status`` is a command id), a
path under ``server/ownit/`` written in full or from its package (``core/text.py``,
``lsp/features/``, ``commit/runner.prepare_commit_msg``), a path from the repository's root
(``tests/unit/test_docs.py``, ``bench/run.py``) and a module's file name alone as code
(`` `loader.py` ``: some module of that name). ``*`` is a glob that must match something;
a ``<placeholder>`` is not a name.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "INTERNALS.md"
SOURCE = ROOT / "server"
PACKAGE = SOURCE / "ownit"
PACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
# Folders of the repository a path on the page may start from.
ROOTS = ("server", "tests", "bench", "docs", "client-extension", "editors")

_DOTTED = re.compile(r"(?<![\w.])ownit(?:\.\w+)+")
_WORD = re.compile(r"[\w./*<>-]+")
_BARE_FILE = re.compile(r"`([\w*]+\.py)`")


def _text() -> str:
    return PAGE.read_text(encoding="utf-8")


@cache
def _defined(module: Path) -> frozenset[str]:
    """Every name a module defines or imports, at any depth (a feature's handlers are
    defined inside its ``register``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return frozenset(names)


def _module_file(parts: list[str]) -> Path | None:
    """The source file of module ``parts`` under ``server/`` (a package: its __init__)."""
    base = SOURCE.joinpath(*parts)
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _check_dotted(name: str) -> str | None:
    parts = name.split(".")
    if _module_file(parts[:2]) is None:
        return None  # not a module's name: a command id (`ownit.status`), a config key
    for cut in range(len(parts), 0, -1):
        module = _module_file(parts[:cut])
        if module is None:
            continue
        rest = parts[cut:]
        if rest and rest[0] not in _defined(module):
            return f"{name}: {'.'.join(parts[:cut])} defines no {rest[0]}"
        return None
    return f"{name}: no such module"


def _check_path(word: str) -> str | None:
    """A word holding a '/', from a package or the repository's root; None when fine or
    when the word is not a path of the repository at all."""
    word = word.strip(".-")
    first = word.split("/", 1)[0]
    if "<" in word or ">" in word or (first not in PACKAGES and first not in ROOTS):
        return None
    base = ROOT if first in ROOTS else PACKAGE
    if word.endswith("/") or word.endswith(".py") or "*" in word:
        matches = list(base.glob(word.rstrip("/"))) if "*" in word else [base / word]
        if not any(m.exists() for m in matches):
            return f"{word}: no such file or folder"
        return None
    head, _, tail = word.rpartition("/")
    module, _, attribute = tail.partition(".")
    target = base / head / module
    if not attribute:
        return (
            None
            if target.exists() or target.with_suffix(".py").exists()
            else f"{word}: no such path"
        )
    if target.with_suffix(".py").is_file():
        source = target.with_suffix(".py")
    elif (target / "__init__.py").is_file():
        source = target / "__init__.py"
    elif (base / head / tail).exists():  # a file name with a dot (docs/policy.md)
        return None
    else:
        return f"{word}: no module {head}/{module}"
    name = attribute.split(".")[0]
    if name not in _defined(source):
        return f"{word}: {source.relative_to(ROOT)} defines no {name}"
    return None


def _problems(text: str) -> list[str]:
    problems = [p for m in _DOTTED.finditer(text) if (p := _check_dotted(m.group(0)))]
    for match in _WORD.finditer(text):
        if "/" in match.group(0) and (problem := _check_path(match.group(0))):
            problems.append(problem)
    names = {
        p.name for folder in (PACKAGE, ROOT / "tests", ROOT / "bench") for p in folder.rglob("*.py")
    }
    for match in _BARE_FILE.finditer(text):
        pattern = match.group(1)
        regex = re.compile(re.escape(pattern).replace(r"\*", ".*") + r"\Z")
        if not any(regex.match(name) for name in names):
            problems.append(f"{pattern}: no module of that name")
    return sorted(set(problems))


def test_every_module_the_internals_page_names_exists() -> None:
    assert _problems(_text()) == []


def test_the_internals_page_names_every_package() -> None:
    text = _text()
    missing = [name for name in PACKAGES if f"`{name}/" not in text]
    assert missing == [], f"docs/INTERNALS.md does not describe: {missing}"


@pytest.mark.parametrize(
    "wrong",
    [
        "`ownit.core.no_such_module`",
        "`ownit.core.text.NoSuchName`",
        "`server/ownit/core/no_such.py`",
        "`core/no_such.py`",
        "`lsp/no_such_folder/`",
        "`commit/runner.no_such_function`",
        "`tests/unit/test_no_such.py`",
        "`core/no_such_*.py`",
        "`no_such_module.py`",
    ],
)
def test_a_name_that_does_not_exist_is_found(wrong: str) -> None:
    assert _problems(f"see {wrong} for that") != []


@pytest.mark.parametrize(
    "right",
    [
        "`ownit.commit.runner`",
        "`ownit.core.text.TextBuffer`",
        "`server/ownit/store/`",
        "`core/trailer_*.py`",
        "`commit/runner.prepare_commit_msg`",
        "`lsp/features/documents.did_change`",
        "`commands/<verb>.py`",
        "`<git-dir>/ownit/state.db`",
        "docs/policy.md",
        "`loader.py`",
        "`ownit.status` (a command)",
    ],
)
def test_a_name_that_exists_passes(right: str) -> None:
    assert _problems(f"see {right} for that") == []
