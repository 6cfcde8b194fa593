"""Imports run one way: no cycle among the project's modules, and the skill
package never reaches into the development folders (benchmarks/, tests/).

Read from the source with ast, so every import counts: at module level, inside
functions, under ``if TYPE_CHECKING:``. An import of ``a.b.c`` is an edge to
``a.b.c`` only, not to the packages ``a`` and ``a.b`` Python initialises on the
way (a package importing its own submodules is not a cycle).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from skill.paths import LAMBDA_DIR, REPO_ROOT

PACKAGES = ("skill", "benchmarks", "tests")  # folders imported as packages from the repository root
DEVELOPMENT = ("benchmarks", "tests")  # what the skill package must never import


@cache
def project_modules() -> dict[str, Path]:
    """Module name -> file, for every module of the project."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            parts = path.relative_to(REPO_ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    for path in sorted(LAMBDA_DIR.glob("*.py")):  # Lambda imports lambda/ from its top: lambda_function
        found[path.stem] = path
    return found


def imported_names(name: str, path: Path) -> Iterator[str]:
    """Every module name ``path`` (module ``name``) imports, absolute, project or not."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from ..a import b
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:  # from a import b: the module a.b if there is one, else a
                yield f"{module}.{alias.name}" if f"{module}.{alias.name}" in project_modules() else module


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Module -> the project modules it imports."""
    modules = project_modules()
    return {
        name: frozenset(imported for imported in imported_names(name, path) if imported in modules) - {name}
        for name, path in modules.items()
    }


def find_cycle(graph: dict[str, frozenset[str]]) -> list[str] | None:
    """One cycle as a path that returns to its start, or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" once every route from it is known
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_graph_sees_the_imports_it_should():
    """So an empty graph cannot pass: edges of each kind are there."""
    graph = import_graph()
    assert {"skill", "skill.cli.arguments", "lambda_function", "benchmarks.run", "tests.helpers"} <= set(graph)
    assert "skill.cli.arguments" in graph["benchmarks.options"]  # from a.b import c (a function)
    assert "skill" in graph["lambda_function"]  # the Lambda entry, imported by its file name
    assert "skill.speech" in graph["tests.helpers"]
    assert any(node.startswith("skill.") for node in graph["skill"])  # skill/__init__.py's own imports


def test_find_cycle_finds_one():
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": frozenset({"b"}), "b": frozenset()}) is None


def test_no_import_cycle_among_the_projects_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_skill_package_imports_nothing_from_benchmarks_or_tests():
    wrong = sorted(
        f"{name} imports {imported}"
        for name, path in project_modules().items()
        if name == "skill" or name.startswith("skill.")
        for imported in imported_names(name, path)
        if imported.split(".")[0] in DEVELOPMENT
    )
    assert wrong == []
