"""Layout of the package: one subpackage per stage, nothing else flat at the top, no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "derive"

#: Each stage of the pipeline is a subpackage of derive.
STAGES = ("language", "tiers", "montecarlo", "latex", "reporting")

#: The only modules flat at the top: the core every stage uses and the drivers above the stages.
TOP_MODULES = {
    "__init__",
    "__main__",
    "api",
    "cache",
    "cli",
    "cluster",
    "engine",
    "errors",
    "grading",
    "model",
    "pytest_plugin",
    "runner",
}

#: At module level a part may import only parts of a lower or equal rank (equal: its own stage,
#: or the drivers among themselves); imports inside functions defer heavy or optional
#: dependencies and are not part of the layering.
RANK = {"core": 0, "language": 1, "tiers": 2, "montecarlo": 3, "latex": 3, "reporting": 4, "drivers": 5}
CORE = {"derive.errors", "derive.model"}


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "_assets" in parts:
            continue  # vendoring script of the bundled KaTeX, not part of the package
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    # imports under `if TYPE_CHECKING:` never run, so they cannot close a cycle
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(name: str, path: Path, modules: dict[str, Path], *, deferred: bool = False) -> set[str]:
    """The modules of the package that ``name`` imports at module level (also inside functions if ``deferred``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def target(module: str, names: list[str]) -> None:
        for alias in names:
            submodule = f"{module}.{alias}"
            found.add(submodule if submodule in modules else module)

    pending = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and not _is_type_checking(node):
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                pending.extend(handler.body)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "derive" or module.startswith("derive."):
                target(module, [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name == "derive" or a.name.startswith("derive."))
        elif deferred and not isinstance(node, ast.If):
            pending.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))
    return {m for m in found if m in modules} - {name}


def _graph(*, deferred: bool = False) -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules, deferred=deferred) for name, path in modules.items()}


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, pending = {start}, [start]
    while pending:
        for nxt in graph.get(pending.pop(), ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                pending.append(nxt)
    return False


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
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


def _part(module: str) -> str:
    if module in CORE:
        return "core"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else "drivers"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_is_a_subpackage(stage: str) -> None:
    assert (PACKAGE / stage / "__init__.py").is_file()
    assert len(list((PACKAGE / stage).glob("*.py"))) > 1


def test_only_the_core_and_the_drivers_are_flat_at_the_top() -> None:
    assert {p.stem for p in PACKAGE.glob("*.py")} == TOP_MODULES


def test_every_folder_of_the_package_is_a_stage_or_data() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {*STAGES, "schema", "_assets"}


def test_no_import_cycle_in_the_package() -> None:
    graph = _graph()
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_stages_are_layered() -> None:
    upward = sorted(
        f"{module} ({_part(module)}) imports {target} ({_part(target)})"
        for module, targets in _graph().items()
        for target in targets
        if RANK[_part(target)] > RANK[_part(module)]
    )
    assert upward == []


def test_no_import_cycle_crosses_a_stage_even_inside_functions() -> None:
    # An import inside a function defers a heavy dependency; it may close a cycle within one
    # stage (report -> _formats -> report), never one between stages.
    graph = _graph(deferred=True)
    crossing = sorted(
        f"{module} -> {target} -> ... -> {module}"
        for module, targets in graph.items()
        for target in targets
        if _part(target) != _part(module) and _reaches(graph, target, module)
    )
    assert crossing == []


def test_the_graph_sees_imports_of_every_form() -> None:
    graph = _graph()
    assert (
        "derive.language.parsing" in graph["derive.tiers.numeric"]
        or "derive.language._calls" in graph["derive.tiers.numeric"]
    )
    assert "derive.model" in graph["derive.engine"]
    assert "derive.latex.parser" in graph["derive.latex"]
    assert "derive.reporting.plotting" not in graph["derive.reporting.report"]  # inside a function
    assert "derive.reporting.plotting" in _graph(deferred=True)["derive.reporting.report"]
    assert "derive.language._grammar" not in _graph(deferred=True)["derive.language._calls"]  # TYPE_CHECKING
    assert _part("derive.tiers.numeric") == "tiers"
    assert _part("derive.latex") == "latex"
    assert _part("derive.errors") == "core"
    assert _part("derive.runner") == "drivers"
    assert _part("derive") == "drivers"


def test_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert _cycle({"a": {"a"}}) == ["a", "a"]
