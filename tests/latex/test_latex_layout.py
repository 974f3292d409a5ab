"""Layout of the LaTeX front end package `derive.latex`: each module imports alone, no import cycle, small classes."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "derive" / "latex"
MAX_CLASS_LINES = 450


def _modules() -> list[str]:
    return sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def _is_type_checking(node: ast.If) -> bool:
    # imports under `if TYPE_CHECKING:` never run, so they cannot close a cycle
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(module: str) -> set[str]:
    """The modules of the package that ``module`` imports at module level (not in functions)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and not _is_type_checking(node):
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "derive.latex":
                found.update(a.name for a in node.names)
            elif node.module.startswith("derive.latex."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[2] for a in node.names if a.name.startswith("derive.latex."))
    return found & set(_modules()) - {module}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [*path, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


@pytest.mark.parametrize("module", ["", *_modules()])
def test_each_module_imports_alone(module: str) -> None:
    name = f"derive.latex.{module}" if module else "derive.latex"
    command = [sys.executable, "-c", f"import {name}"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]


def test_no_import_cycle_in_the_package() -> None:
    graph = {m: _imports(m) for m in _modules()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_class_longer_than_the_limit() -> None:
    long = []
    for module in _modules():
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                size = node.end_lineno - node.lineno + 1
                if size > MAX_CLASS_LINES:
                    long.append(f"{module}.{node.name}: {size} lines")
    assert long == []


def test_the_old_modules_are_gone() -> None:
    derive_dir = PACKAGE.parent
    assert not [p.name for p in derive_dir.glob("latex*.py") if p.stem in {"latex", "latex_notation", "latex_context"}]
